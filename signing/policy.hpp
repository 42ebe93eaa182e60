#pragma once
// The verification policy (docs/trust.md, "What each refusal means"): the one function
// sdcadm-bundle verify --trust and the installer use to decide whether a bundle comes from
// the release team, untouched, unexpired and not older than what the DC already has.
// Checks, in order, and the exit code of each refusal:
//   1 a trusted root exists                                   trust_no_root   37
//   2 the signature document parses and names this bundle     bad_data 9 / trust_mismatch 36
//   3 carried newer roots rotate from the trusted one          trust_root      35
//     and the final root is not expired                        trust_expired   33
//   4 at least one signature                                   trust_unsigned  30
//     a bad signature by a root key (index changed)            trust_mismatch  36
//     no signature by any key of the final root                trust_unknown_key 31
//     fewer distinct good signers than its threshold           trust_threshold 32
//   5 the bundle is not expired (unless allow_expired)         trust_expired   33
//   6 no older sequence, no other bundle under the same one    trust_rollback  34
//     (only with a rollback state; unless allow_rollback)
// Nothing is read from disk and nothing printed: the caller loads the files.

#include <signing/rollback_state.hpp>
#include <signing/root.hpp>

#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signing {

struct TrustCheckInput {
  std::optional<TrustRoot> trusted;  // none => trust_no_root
  std::string trusted_path;          // for the "no trust root at PATH" message
  std::string no_root_hint;          // how to create one (the installer's command); a default if empty
  std::string_view index_bytes;      // the exact bundle.json bytes
  const manifest::BundleIndex* index = nullptr;  // parsed from index_bytes
  std::string_view slot_json;        // the signature slot, padding trimmed
  std::optional<std::string> detached_json;  // a detached signature file's text: used instead of the slot
  std::string detached_name;         // its path, for messages
  std::int64_t now = 0;              // seconds since the epoch
  const RollbackState* rollback = nullptr;  // the installer's state; nullptr = no rollback check
  bool allow_expired = false;
  bool allow_rollback = false;
};

struct Signer {
  std::string keyid;
  std::string name;  // from the final root; may be empty
};

// An override that let a bundle through, for the installer's history.
struct UsedOverride {
  std::string flag;    // "allow_expired" or "allow_rollback"
  std::string detail;  // what it let through
};

struct TrustVerdict {
  TrustRoot root;              // the final root (trusted or the newest carried)
  bool root_is_newer = false;  // true: the caller (installer) should store it
  std::vector<Signer> signers;
  std::vector<UsedOverride> overrides;
  std::vector<std::string> warnings;  // e.g. a bad extra signature beyond the threshold
  std::string document;               // "signature slot" or the detached file's name
};

// Runs the checks above; returns the verdict or throws common::Error with the code listed.
TrustVerdict check_bundle_trust(const TrustCheckInput& input);

// The trusted root at `path`, or nullopt when the file does not exist (=> trust_no_root in
// check_bundle_trust). A root that is there but does not parse => Error(bad_data); one that
// is not signed by its own threshold => Error(trust_root).
std::optional<TrustRoot> load_trusted_root(const std::string& path);

}  // namespace signing
