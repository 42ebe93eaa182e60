#pragma once
// Writing the release team's trust root (root.json, docs/trust.md) for `sdcadm-bundle trust`:
// init writes version 1; rotate writes version N+1 (keys added or removed, a new threshold
// or expiry) signed by the old threshold and the new one; sign adds signatures in a later
// session (an offline signing room, one key holder at a time). init and rotate refuse to
// write a root that would not be accepted unless `partial` says more signatures follow.

#include <signing/root.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace builder {

inline constexpr std::int64_t k_default_root_days = 365;

struct RootEditOptions {
  std::string output;                    // the root file to write
  bool replace_output = false;           // an existing output may be replaced
  bool partial = false;                  // write a root that still lacks signatures
  std::vector<std::string> keys;         // init: the signers, "[NAME=]KEY.pub"
  std::vector<std::string> add_keys;     // rotate: "[NAME=]KEY.pub"
  std::vector<std::string> remove_keys;  // rotate: a key id or a public key file
  std::vector<std::string> sign_keys;    // private keys that sign the root
  std::int64_t threshold = 0;            // init: required; rotate: 0 keeps the old one
  std::int64_t expires_in_days = k_default_root_days;
};

// A root as written, and the root it rotates from (if any).
struct EditedRoot {
  signing::TrustRoot root;
  std::optional<signing::TrustRoot> prev;
  std::string written;  // the file
};

// Version 1 from options.keys and options.threshold, signed by options.sign_keys.
EditedRoot init_root(const RootEditOptions& options);
// Version N+1 of the root at `root_path`, which must be signed by its own threshold.
EditedRoot rotate_root(const std::string& root_path, const RootEditOptions& options);
// The root at `root_path` with options.sign_keys' signatures added; keys of the root at
// `prev_path` ("" = none) may sign too. Written to options.output, or in place when "".
EditedRoot sign_root(const std::string& root_path, const std::string& prev_path,
                     const RootEditOptions& options);

}  // namespace builder
