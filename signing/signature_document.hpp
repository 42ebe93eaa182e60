#pragma once
// The signature document: the JSON in a bundle's signature slot (bundle.sig) or in a
// detached NAME.sdc.sig beside it (docs/trust.md):
//   {"format": "sdcadm-bundle-signatures", "format_version": 1,
//    "bundle_id": "<index bundle_id>", "index_sha256": "<hex of the exact bundle.json bytes>",
//    "signatures": [{"keyid", "sig"}], "roots": [<root.json documents, ascending version>]}
// A fresh bundle's slot holds {"signatures":[]} (no binding, no signature): read as
// "unsigned". Signatures cover the exact bundle.json bytes; bundle_id and index_sha256 tie
// the document to one bundle, so a signature file cannot be moved to another.

#include <signing/key.hpp>
#include <signing/root.hpp>
#include <signing/signature_set.hpp>

#include <common/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace signing {

inline constexpr const char* k_signatures_format = "sdcadm-bundle-signatures";
constexpr std::size_t k_max_detached_bytes = 1u << 20;
constexpr std::size_t k_max_carried_roots = 32;

class SignatureDocument {
 public:
  // An empty document bound to the bundle whose index is `index_bytes`.
  static SignatureDocument for_bundle(const std::string& bundle_id, std::string_view index_bytes);

  // Parses the document (at most max_bytes). Throws Error(bad_data): not JSON, unknown or
  // duplicate keys, bad entries, a format_version other than 1, signatures without
  // bundle_id/index_sha256. Carried roots are kept as JSON (roots() parses them).
  static SignatureDocument parse(std::string_view text, const std::string& what,
                                 std::size_t max_bytes = k_max_detached_bytes);

  // True when the document names a bundle (false for the fresh slot's {"signatures":[]}).
  bool bound() const { return !m_bundle_id.empty(); }
  const std::string& bundle_id() const { return m_bundle_id; }
  const std::string& index_sha256() const { return m_index_sha256; }
  const std::vector<Signature>& signatures() const { return m_signatures; }
  const std::vector<common::Json>& root_documents() const { return m_roots; }

  // Throws Error(trust_mismatch) when a bound document names another bundle or other index
  // bytes (mix-and-match: a signature file taken from another bundle).
  void check_binding(const std::string& bundle_id, std::string_view index_bytes) const;

  // Adds `key`'s signature over `index_bytes` (replacing one by the same key). Binds an
  // unbound document; a document bound to another bundle => Error(trust_mismatch).
  void sign(const PrivateKey& key, const std::string& bundle_id, std::string_view index_bytes);

  // Carries `root` (replacing a carried root of the same version), ascending by version;
  // more than k_max_carried_roots => Error(usage).
  void attach_root(const TrustRoot& root);

  // The carried roots, parsed; a root that does not parse => Error(trust_root).
  std::vector<TrustRoot> roots() const;

  // Compact JSON (what goes into the slot).
  std::string serialize() const;

 private:
  std::string m_bundle_id;
  std::string m_index_sha256;
  std::vector<Signature> m_signatures;
  std::vector<common::Json> m_roots;
};

}  // namespace signing
