#pragma once
// The DC's trust (issue 4, installer side; docs/trust.md): the trust root and the
// anti-rollback state, under /var/sdcadm/trust/ (root prefix respected):
//   root.json       the newest root this DC accepted (set by `trust init`, moved forward by
//                   `trust add` or by a bundle that carries a rotation)
//   channels.json   per channel, the sequence and bundle_id of the newest bundle installed
// Nothing is trusted on first use: without root.json every bundle is refused (37) with the
// command that creates one. Files are replaced atomically; a root only ever moves forward.

#include <installer/paths.hpp>

#include <manifest/bundle_index.hpp>
#include <signing/detached.hpp>
#include <signing/policy.hpp>
#include <signing/rollback_state.hpp>
#include <signing/root.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace installer {

// What the installer may override, each recorded in the history when used.
struct TrustOverrides {
  bool allow_expired = false;
  bool allow_rollback = false;
};

class TrustStore {
 public:
  explicit TrustStore(const Paths& paths);

  const std::string& root_path() const { return m_root_path; }
  const std::string& state_path() const { return m_state_path; }

  // The DC's root, or nullopt when there is none yet. A file that does not parse =>
  // Error(bad_data); one not signed by its own threshold => Error(trust_root).
  std::optional<signing::TrustRoot> root() const;
  // The anti-rollback state (empty when the file does not exist yet).
  signing::RollbackState rollback() const;

  // `trust init ROOT.json`: installs a self-valid, unexpired root as the DC's first. Refuses
  // (Error(conflict)) when the DC already has one, unless `replace` (a recovery step after
  // a lost key, see docs/trust.md). Returns the installed root.
  signing::TrustRoot init(const std::string& file, bool replace, std::int64_t now);

  // `trust add ROOT.json...`: moves the DC's root forward through the given newer roots
  // (each one a rotation signed by the previous root's threshold and its own). Error(trust_no_root)
  // without a root; Error(trust_root) for a gap or a bad step; Error(trust_expired) when the
  // final root is expired. Returns the new root (the current one when none is newer).
  signing::TrustRoot add(const std::vector<std::string>& files, std::int64_t now);

  // The policy (signing::check_bundle_trust) with this DC's root and rollback state, on
  // the signature document signing::choose_signatures picked.
  signing::TrustVerdict check(std::string_view index_bytes, const manifest::BundleIndex& index,
                              const signing::ChosenSignatures& signatures,
                              const TrustOverrides& overrides, std::int64_t now) const;

  // After a successful install: remembers the bundle's sequence for its channel and stores
  // a newer root carried by the bundle. Both writes are atomic.
  void accept(const signing::TrustVerdict& verdict, const manifest::BundleIndex& index);

 private:
  void write_root(const signing::TrustRoot& root);

  std::string m_dir;
  std::string m_root_path;
  std::string m_state_path;
};

// How an operator creates the DC's trust root (the hint of a trust_no_root refusal).
std::string no_root_hint();

// The checks that turn a bundle into something the installer may act on, and their result
// types (VerifiedBundle, VerifiedStream): installer/verified_bundle.hpp.

// "alice (1a2b3c4d5e6f), bob (...)" for messages; key ids only when the root names none.
std::string signers_text(const signing::TrustVerdict& verdict);

}  // namespace installer
