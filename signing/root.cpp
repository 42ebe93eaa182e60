#include <signing/root.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/canonical_json.hpp>
#include <signing/encoding.hpp>
#include <signing/utc_time.hpp>

namespace signing {
namespace {

using common::Error;
using common::ExitCode;
using common::Json;

constexpr int k_root_depth = 16;
constexpr std::size_t k_max_name = 100;

NamedKey parse_key(const StrictReader& reader, const Json& entry, const std::string& at) {
  reader.only_keys(entry, at, {"keyid", "type", "public", "name"});
  const std::string keyid = reader.string(entry, "keyid", at);
  if (reader.string(entry, "type", at) != "ed25519") {
    reader.fail(at + ".type", "\"" + entry["type"].get<std::string>() +
                                  "\" is not supported; root keys are \"ed25519\"");
  }
  const auto der = decode_base64(reader.string(entry, "public", at));
  if (!der) reader.fail(at + ".public", "not base64 (standard alphabet, padded)");
  NamedKey key{"", PublicKey::from_der(*der, reader.what() + ": " + at + ".public")};
  if (key.key.id() != keyid) {
    reader.fail(at + ".keyid", "does not match the SHA-256 of the public key (" + key.key.id() + ")");
  }
  if (entry.contains("name")) {
    key.name = reader.string(entry, "name", at);
    if (key.name.size() > k_max_name) reader.fail(at + ".name", "longer than 100 bytes");
  }
  return key;
}

Json key_json(const NamedKey& k) {
  Json j = {{"keyid", k.key.id()}, {"type", "ed25519"}, {"public", encode_base64(k.key.der())}};
  if (!k.name.empty()) j["name"] = k.name;
  return j;
}

}  // namespace

TrustRoot TrustRoot::from_json(const Json& doc, const std::string& what) {
  const StrictReader reader(what);
  reader.only_keys(doc, "", {"signed", "signatures"});
  TrustRoot root;
  root.m_signed = reader.object(doc, "signed", "");
  const Json& s = root.m_signed;
  reader.only_keys(s, "signed", {"type", "version", "expires", "threshold", "keys"});
  if (reader.string(s, "type", "signed") != k_root_type) {
    reader.fail("signed.type", std::string("expected \"") + k_root_type + "\"");
  }
  root.m_version = reader.integer(s, "version", "signed");
  if (root.m_version < 1) reader.fail("signed.version", "must be 1 or more");
  root.m_expires = reader.string(s, "expires", "signed");
  const auto at = parse_utc(root.m_expires);
  if (!at) reader.fail("signed.expires", "not an RFC 3339 UTC time like 2027-11-25T00:00:00Z");
  root.m_expires_at = *at;
  const Json& keys = reader.array(s, "keys", "signed", k_max_root_keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    NamedKey key = parse_key(reader, keys[i], item_path("signed.keys", i));
    if (root.has_key(key.key.id())) reader.fail(item_path("signed.keys", i), "the same key twice");
    root.m_keys.push_back(std::move(key));
  }
  root.m_threshold = reader.integer(s, "threshold", "signed");
  if (root.m_threshold < 1 || root.m_threshold > static_cast<std::int64_t>(root.m_keys.size())) {
    reader.fail("signed.threshold", std::to_string(root.m_threshold) + " is outside 1.." +
                                        std::to_string(root.m_keys.size()) + " (the number of keys)");
  }
  root.m_signatures = parse_signatures(
      reader, reader.array(doc, "signatures", "", k_max_signatures), "signatures");
  try {
    root.m_signed_bytes = canonical_json(s);
  } catch (const Error& e) {
    throw e.with_context(what);
  }
  return root;
}

TrustRoot TrustRoot::parse(std::string_view text, const std::string& what) {
  const StrictReader reader(what);
  return from_json(reader.parse_object(text, k_max_root_bytes, k_root_depth), what);
}

TrustRoot TrustRoot::create(std::int64_t version, std::int64_t expires_at, std::int64_t threshold,
                            const std::vector<NamedKey>& keys) {
  if (version < 1) throw Error(ExitCode::usage, "a root version is 1 or more");
  if (keys.empty() || keys.size() > k_max_root_keys) {
    throw Error(ExitCode::usage, "a root holds 1 to 64 keys, not " + std::to_string(keys.size()));
  }
  if (threshold < 1 || threshold > static_cast<std::int64_t>(keys.size())) {
    throw Error(ExitCode::usage, "threshold " + std::to_string(threshold) + " is outside 1.." +
                                     std::to_string(keys.size()) + " (the number of keys)");
  }
  Json key_list = Json::array();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[j].key.id() == keys[i].key.id()) {
        throw Error(ExitCode::usage, "key " + keys[i].key.id() + " is given twice");
      }
    }
    key_list.push_back(key_json(keys[i]));
  }
  const Json doc = {{"signed",
                     {{"type", k_root_type}, {"version", version}, {"expires", format_utc(expires_at)},
                      {"threshold", threshold}, {"keys", key_list}}},
                    {"signatures", Json::array()}};
  return from_json(doc, "new root");
}

bool TrustRoot::has_key(const std::string& keyid) const {
  for (const auto& k : m_keys) {
    if (k.key.id() == keyid) return true;
  }
  return false;
}

Json TrustRoot::to_json() const {
  return {{"signed", m_signed}, {"signatures", signatures_json(m_signatures)}};
}

std::string TrustRoot::serialize() const { return common::dump_json(to_json(), 2) + "\n"; }

Tally TrustRoot::self_tally() const { return tally_signatures(m_keys, m_signatures, m_signed_bytes); }

bool TrustRoot::self_valid() const {
  return static_cast<std::int64_t>(self_tally().valid.size()) >= m_threshold;
}

void TrustRoot::sign(const PrivateKey& key) { put_signature(m_signatures, key, m_signed_bytes); }

TrustRoot load_root(const std::string& path) {
  return TrustRoot::parse(common::read_small_file(path, k_max_root_bytes + 1), "trust root " + path);
}

}  // namespace signing
