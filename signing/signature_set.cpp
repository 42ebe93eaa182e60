#include <signing/signature_set.hpp>

#include <signing/encoding.hpp>

#include <algorithm>

namespace signing {
namespace {

bool has(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

const NamedKey* find_key(const std::vector<NamedKey>& keys, const std::string& keyid) {
  for (const auto& k : keys) {
    if (k.key.id() == keyid) return &k;
  }
  return nullptr;
}

}  // namespace

std::vector<Signature> parse_signatures(const StrictReader& reader, const common::Json& array,
                                        const std::string& path) {
  std::vector<Signature> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = item_path(path, i);
    reader.only_keys(array[i], at, {"keyid", "sig"});
    Signature s;
    s.keyid = reader.string(array[i], "keyid", at);
    if (!is_sha256_hex(s.keyid)) reader.fail(at + ".keyid", "not a key id (64 lower-case hex digits)");
    const auto sig = decode_base64(reader.string(array[i], "sig", at));
    if (!sig || sig->size() != k_signature_size) {
      reader.fail(at + ".sig", "not the base64 of a 64-byte Ed25519 signature");
    }
    s.sig = *sig;
    out.push_back(std::move(s));
  }
  return out;
}

common::Json signatures_json(const std::vector<Signature>& signatures) {
  common::Json out = common::Json::array();
  for (const auto& s : signatures) out.push_back({{"keyid", s.keyid}, {"sig", encode_base64(s.sig)}});
  return out;
}

void put_signature(std::vector<Signature>& signatures, const PrivateKey& key, std::string_view message) {
  Signature fresh{key.id(), key.sign(message)};
  for (auto& s : signatures) {
    if (s.keyid == fresh.keyid) {
      s = std::move(fresh);
      return;
    }
  }
  signatures.push_back(std::move(fresh));
}

Tally tally_signatures(const std::vector<NamedKey>& keys, const std::vector<Signature>& signatures,
                       std::string_view message) {
  Tally t;
  for (const auto& s : signatures) {
    const NamedKey* k = find_key(keys, s.keyid);
    if (k == nullptr) {
      if (!has(t.unknown, s.keyid)) t.unknown.push_back(s.keyid);
    } else if (!has(t.valid, s.keyid) && k->key.verify(message, s.sig)) {
      t.valid.push_back(s.keyid);  // a key listed twice still counts once
    } else if (!has(t.valid, s.keyid) && !has(t.invalid, s.keyid)) {
      t.invalid.push_back(s.keyid);
    }
  }
  // A key with one bad and one good signature counts as good.
  t.invalid.erase(std::remove_if(t.invalid.begin(), t.invalid.end(),
                                 [&t](const std::string& id) { return has(t.valid, id); }),
                  t.invalid.end());
  return t;
}

std::string key_label(const std::vector<NamedKey>& keys, const std::string& keyid) {
  const NamedKey* k = find_key(keys, keyid);
  const std::string short_id = keyid.substr(0, 12);
  return k && !k->name.empty() ? k->name + " (" + short_id + ")" : short_id;
}

std::string key_labels(const std::vector<NamedKey>& keys, const std::vector<std::string>& keyids) {
  std::string out;
  for (const auto& id : keyids) out += (out.empty() ? "" : ", ") + key_label(keys, id);
  return out.empty() ? "none" : out;
}

}  // namespace signing
