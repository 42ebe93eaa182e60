#pragma once
// The trust root, root.json (docs/trust.md): a version, an expiry, k-of-n Ed25519 keys,
// and signatures over the canonical JSON of its "signed" part:
//   {"signed": {"type": "sdcadm-bundle-root", "version": 1, "expires": "2027-11-25T00:00:00Z",
//               "threshold": 2, "keys": [{"keyid", "type": "ed25519", "public", "name"?}]},
//    "signatures": [{"keyid", "sig"}]}
// Parsing is strict: at most 1 MiB, depth 16, no unknown or duplicate keys, at most 64
// keys, each keyid the SHA-256 of its public key, 1 <= threshold <= keys. Rotation and the
// chain walk are in root_chain.hpp.

#include <signing/signature_set.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace signing {

inline constexpr const char* k_root_type = "sdcadm-bundle-root";
constexpr std::size_t k_max_root_bytes = 1u << 20;
constexpr std::size_t k_max_root_keys = 64;

class TrustRoot {
 public:
  // Parses root.json text / an already parsed document (a root carried in a signature
  // document). `what` names it in messages. Throws Error(bad_data) for anything that is not
  // a well-formed root; says nothing yet about its signatures.
  static TrustRoot parse(std::string_view text, const std::string& what);
  static TrustRoot from_json(const common::Json& doc, const std::string& what);

  // A new, unsigned root. Throws Error(usage): threshold outside 1..keys, no key, more than
  // 64 keys, the same key twice, version < 1.
  static TrustRoot create(std::int64_t version, std::int64_t expires_at, std::int64_t threshold,
                          const std::vector<NamedKey>& keys);

  std::int64_t version() const { return m_version; }
  const std::string& expires() const { return m_expires; }
  std::int64_t expires_at() const { return m_expires_at; }
  std::int64_t threshold() const { return m_threshold; }
  const std::vector<NamedKey>& keys() const { return m_keys; }
  const std::vector<Signature>& signatures() const { return m_signatures; }
  bool has_key(const std::string& keyid) const;

  // The canonical JSON of "signed": the bytes every signature of this root covers.
  const std::string& signed_bytes() const { return m_signed_bytes; }

  // The whole document; serialize() is it with 2-space indent and a final newline.
  common::Json to_json() const;
  std::string serialize() const;

  // This root's own keys over its own signed bytes; self-valid when threshold of them
  // signed (each key once; signatures by other keys are ignored).
  Tally self_tally() const;
  bool self_valid() const;

  // Expired when its expiry lies before `now` (seconds since the epoch).
  bool expired(std::int64_t now) const { return m_expires_at < now; }

  // Adds `key`'s signature over signed_bytes(), replacing an earlier one by that key. Any
  // key may sign (a rotation is signed by old keys too).
  void sign(const PrivateKey& key);

 private:
  TrustRoot() = default;
  common::Json m_signed;
  std::string m_signed_bytes;
  std::int64_t m_version = 0;
  std::string m_expires;
  std::int64_t m_expires_at = 0;
  std::int64_t m_threshold = 0;
  std::vector<NamedKey> m_keys;
  std::vector<Signature> m_signatures;
};

// Reads and parses root.json at `path` (missing => Error(not_found)).
TrustRoot load_root(const std::string& path);

}  // namespace signing
