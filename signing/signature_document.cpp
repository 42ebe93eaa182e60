#include <signing/signature_document.hpp>

#include <common/error.hpp>
#include <signing/encoding.hpp>
#include <signing/strict_json.hpp>

#include <algorithm>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;
using common::Json;

constexpr int k_document_depth = 20;  // document > roots > root > signed > keys > key

std::int64_t carried_version(const Json& root) { return root["signed"]["version"].get<std::int64_t>(); }

}  // namespace

SignatureDocument SignatureDocument::for_bundle(const std::string& bundle_id, std::string_view index_bytes) {
  SignatureDocument doc;
  doc.m_bundle_id = bundle_id;
  doc.m_index_sha256 = sha256_hex(index_bytes);
  return doc;
}

SignatureDocument SignatureDocument::parse(std::string_view text, const std::string& what,
                                           std::size_t max_bytes) {
  const StrictReader reader(what);
  const Json j = reader.parse_object(text, max_bytes, k_document_depth);
  reader.only_keys(j, "", {"format", "format_version", "bundle_id", "index_sha256", "signatures", "roots"});
  SignatureDocument doc;
  doc.m_signatures = parse_signatures(reader, reader.array(j, "signatures", "", k_max_signatures), "signatures");
  const bool fresh_slot = j.size() == 1 && doc.m_signatures.empty();
  if (fresh_slot) return doc;
  if (reader.string(j, "format", "") != k_signatures_format) {
    reader.fail("format", std::string("expected \"") + k_signatures_format + "\"");
  }
  if (reader.integer(j, "format_version", "") != 1) {
    reader.fail("format_version", "this program reads version 1 signature files; a newer "
                                  "sdcadm-bundle wrote this one");
  }
  doc.m_bundle_id = reader.string(j, "bundle_id", "");
  if (doc.m_bundle_id.empty()) reader.fail("bundle_id", "empty");
  doc.m_index_sha256 = reader.string(j, "index_sha256", "");
  if (!is_sha256_hex(doc.m_index_sha256)) reader.fail("index_sha256", "not a SHA-256 (64 lower-case hex digits)");
  if (j.contains("roots")) {
    const Json& roots = reader.array(j, "roots", "", k_max_carried_roots);
    for (std::size_t i = 0; i < roots.size(); ++i) {
      const Json& r = roots[i];
      // Only the shape needed to order them here; roots() checks the rest.
      if (!r.is_object() || !r.contains("signed") || !r["signed"].is_object() ||
          !r["signed"].contains("version") || !r["signed"]["version"].is_number_integer()) {
        reader.fail(item_path("roots", i), "not a trust root (no signed.version)");
      }
      doc.m_roots.push_back(r);
    }
  }
  return doc;
}

void SignatureDocument::check_binding(const std::string& bundle_id, std::string_view index_bytes) const {
  if (!bound()) return;
  if (m_bundle_id != bundle_id) {
    throw Error(ExitCode::trust_mismatch,
                "the signatures are for bundle " + m_bundle_id + ", this is bundle " + bundle_id +
                    ": the signature file belongs to another bundle (mix-and-match); sign this "
                    "bundle or use its own signature file");
  }
  const std::string digest = sha256_hex(index_bytes);
  if (m_index_sha256 != digest) {
    throw Error(ExitCode::trust_mismatch,
                "the signatures cover an index with SHA-256 " + m_index_sha256 +
                    ", this bundle's bundle.json has " + digest +
                    ": the index was changed after signing, or the signatures belong to "
                    "another build with the same content");
  }
}

void SignatureDocument::sign(const PrivateKey& key, const std::string& bundle_id,
                             std::string_view index_bytes) {
  if (!bound()) {
    m_bundle_id = bundle_id;
    m_index_sha256 = sha256_hex(index_bytes);
  }
  check_binding(bundle_id, index_bytes);
  put_signature(m_signatures, key, index_bytes);
}

void SignatureDocument::attach_root(const TrustRoot& root) {
  const Json j = root.to_json();
  auto it = std::find_if(m_roots.begin(), m_roots.end(),
                         [&](const Json& r) { return carried_version(r) >= root.version(); });
  if (it != m_roots.end() && carried_version(*it) == root.version()) {
    *it = j;
    return;
  }
  if (m_roots.size() >= k_max_carried_roots) {
    throw Error(ExitCode::usage, "a bundle carries at most " + std::to_string(k_max_carried_roots) +
                                     " roots; carry only the versions newer than the oldest "
                                     "root a DC may still hold");
  }
  m_roots.insert(it, j);
}

std::vector<TrustRoot> SignatureDocument::roots() const {
  std::vector<TrustRoot> out;
  for (std::size_t i = 0; i < m_roots.size(); ++i) {
    try {
      out.push_back(TrustRoot::from_json(m_roots[i], "carried root " + std::to_string(i + 1)));
    } catch (const Error& e) {
      throw Error(ExitCode::trust_root, std::string(e.what()));
    }
  }
  return out;
}

std::string SignatureDocument::serialize() const {
  Json j = {{"format", k_signatures_format}, {"format_version", 1}, {"bundle_id", m_bundle_id},
            {"index_sha256", m_index_sha256}, {"signatures", signatures_json(m_signatures)}};
  if (!m_roots.empty()) j["roots"] = m_roots;
  if (!bound() && m_signatures.empty() && m_roots.empty()) return "{\"signatures\":[]}";
  return common::dump_json(j, -1);
}

}  // namespace signing
