#pragma once
// `sdcadm-install trust init|add|show|dc-key` as workflows (issue 4, installer side;
// docs/trust.md): the DC's trust root (trust_store.hpp) and its own key (dc_key.hpp). init
// installs the release team's root as the DC's first and makes the DC key; add moves the
// root forward through rotations; show reads both with the anti-rollback marks per channel;
// dc-key exports the DC's public key. None of them takes a lock or writes the log.

#include <installer/dc_key.hpp>
#include <installer/host_options.hpp>
#include <installer/trust_store.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

struct TrustInit {
  std::string path;  // where the root is kept
  signing::TrustRoot root;
  DcKey key;         // the DC's key, made now or kept
};
// Errors: TrustStore::init's (a root exists already without `replace`, a bad or expired root).
TrustInit init_trust(const HostOptions& host, const std::string& root_file, bool replace);

struct TrustAdd {
  std::string path;
  signing::TrustRoot root;  // the DC's root now
  bool changed = false;     // it moved (or there was none before)
};
// Errors: TrustStore::add's (a rotation that does not verify or skips a version).
TrustAdd add_trust_roots(const HostOptions& host, const std::vector<std::string>& root_files);

struct TrustShow {
  std::string path;
  signing::TrustRoot root;
  bool expired = false;
  signing::RollbackState rollback;
  std::optional<signing::PrivateKey> dc_key;  // none before trust init or the first apply
};
// Errors: Error(trust_no_root) when the DC has no trust root yet (with what to do).
TrustShow show_trust(const HostOptions& host);

// The DC's key, written as a public key PEM to `output` unless it is "" or "-" (then only
// returned). Errors: Error(not_found) when the DC has no key yet, Error(conflict) when
// `output` exists and not `force`.
signing::PrivateKey export_dc_key(const HostOptions& host, const std::string& output, bool force);

}  // namespace installer
