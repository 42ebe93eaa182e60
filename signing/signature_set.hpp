#pragma once
// A list of signatures ({"keyid", "sig"} entries, in a trust root and in a bundle's
// signature document) and how it is counted against a set of keys: k-of-n where each key
// counts once, signatures by keys outside the set are ignored (but listed, for messages).

#include <signing/key.hpp>
#include <signing/strict_json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace signing {

struct Signature {
  std::string keyid;  // 64 hex digits
  std::string sig;    // raw 64 bytes (base64 in JSON)
};

// A key that may sign, with the name messages use ("alice"); name may be empty.
struct NamedKey {
  std::string name;
  PublicKey key;
};

constexpr std::size_t k_max_signatures = 256;

// Parses a "signatures" array (at most k_max_signatures entries, each exactly
// {"keyid": hex, "sig": base64 of 64 bytes}); refusals through `reader` (bad_data).
std::vector<Signature> parse_signatures(const StrictReader& reader, const common::Json& array,
                                        const std::string& path);
common::Json signatures_json(const std::vector<Signature>& signatures);

// Adds `key`'s signature of `message`, replacing an earlier one by the same key.
void put_signature(std::vector<Signature>& signatures, const PrivateKey& key,
                   std::string_view message);

// How a signature list fares against a key set.
struct Tally {
  std::vector<std::string> valid;    // distinct key ids of the set with a good signature
  std::vector<std::string> invalid;  // key ids of the set whose signature did not verify
                                     // (and that have no good one)
  std::vector<std::string> unknown;  // distinct key ids outside the set
};
Tally tally_signatures(const std::vector<NamedKey>& keys, const std::vector<Signature>& signatures,
                       std::string_view message);

// "alice (1a2b3c4d5e6f)", or the 12-digit id prefix alone when the key has no name.
std::string key_label(const std::vector<NamedKey>& keys, const std::string& keyid);
// Labels joined with ", ".
std::string key_labels(const std::vector<NamedKey>& keys, const std::vector<std::string>& keyids);

}  // namespace signing
