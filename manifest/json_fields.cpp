// Typed field access with field paths in every message (see json_fields.hpp).
#include <manifest/json_fields.hpp>

#include <algorithm>
#include <cstdio>
#include <unordered_set>
#include <vector>

namespace manifest::fields {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

// A SAX pass that builds nothing and records the first key seen twice in one object.
class DuplicateKeyFinder : public nlohmann::json_sax<Json> {
 public:
  bool found = false;
  std::string duplicate;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    m_keys.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!m_keys.back().insert(k).second) {
      found = true;
      duplicate = k;
      return false;  // stop: one is enough
    }
    return true;
  }
  bool end_object() override {
    m_keys.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;  // cannot happen: parse_json accepted the text
  }

 private:
  std::vector<std::unordered_set<std::string>> m_keys;
};

}  // namespace

void Reader::fail(const std::string& path, const std::string& message) const {
  fail(m_code, path, message);
}

void Reader::fail(ExitCode code, const std::string& path, const std::string& message) const {
  if (path.empty()) throw Error(code, m_what + ": " + message);
  throw Error(code, m_what + ": " + path + ": " + message);
}

Json Reader::parse_object(std::string_view bytes, int max_depth, std::size_t max_bytes) const {
  Json j;
  try {
    j = common::parse_json(bytes, m_what, max_depth, max_bytes);
  } catch (const Error& e) {
    // parse_json already names the document; keep its message, use our family's code.
    throw Error(m_code, e.what());
  }
  if (!j.is_object()) fail("", "expected a JSON object at the top level");
  DuplicateKeyFinder finder;
  Json::sax_parse(bytes.begin(), bytes.end(), &finder);
  if (finder.found) {
    fail("", "key " + quote(finder.duplicate) + " appears twice in one object");
  }
  return j;
}

const Json* Reader::find(const Json& obj, const char* key, const std::string& path,
                         Presence presence) const {
  const auto it = obj.find(key);
  if (it == obj.end()) {
    if (presence == Presence::optional) return nullptr;
    fail(join(path, key), "missing");
  }
  return &*it;
}

std::string Reader::string(const Json& obj, const char* key, const std::string& path,
                           Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return {};
  return expect_string(*v, join(path, key));
}

std::uint64_t Reader::uint(const Json& obj, const char* key, const std::string& path,
                           Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return 0;
  // Floats (1.0, 1e3) and numbers beyond 2^64-1 (which nlohmann stores as float) are
  // refused: sizes and counts must be exact.
  if (!v->is_number_unsigned()) fail(join(path, key), "expected a non-negative integer");
  return v->get<std::uint64_t>();
}

std::int64_t Reader::int64(const Json& obj, const char* key, const std::string& path,
                           Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) fail(join(path, key), "integer too large");
    return static_cast<std::int64_t>(u);
  }
  if (!v->is_number_integer()) fail(join(path, key), "expected an integer");
  return v->get<std::int64_t>();
}

bool Reader::boolean(const Json& obj, const char* key, const std::string& path,
                     Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return false;
  if (!v->is_boolean()) fail(join(path, key), "expected true or false");
  return v->get<bool>();
}

const Json* Reader::array(const Json& obj, const char* key, const std::string& path,
                          std::size_t max_items, Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) fail(join(path, key), "expected an array");
  if (v->size() > max_items) {
    fail(m_too_many, join(path, key),
         std::to_string(v->size()) + " entries, more than the limit of " +
             std::to_string(max_items));
  }
  return v;
}

const Json* Reader::object(const Json& obj, const char* key, const std::string& path,
                           Presence presence) const {
  const Json* v = find(obj, key, path, presence);
  if (v == nullptr) return nullptr;
  expect_object(*v, join(path, key));
  return v;
}

void Reader::expect_object(const Json& value, const std::string& path) const {
  if (!value.is_object()) fail(path, "expected an object");
}

std::string Reader::expect_string(const Json& value, const std::string& path) const {
  if (!value.is_string()) fail(path, "expected a string");
  return value.get<std::string>();
}

std::string join(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::string index(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

Json unknown_keys(const Json& obj, std::initializer_list<const char*> known) {
  Json out;  // null until the first unknown key
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const bool is_known = std::any_of(known.begin(), known.end(),
                                      [&](const char* k) { return it.key() == k; });
    if (!is_known) out[it.key()] = it.value();
  }
  return out;
}

void append_unknown(Json& out, const Json& unknown) {
  if (!unknown.is_object()) return;
  for (auto it = unknown.begin(); it != unknown.end(); ++it) {
    // A known key smuggled into `unknown` by code must not overwrite the checked value.
    if (out.find(it.key()) == out.end()) out[it.key()] = it.value();
  }
}

std::string quote(std::string_view s) {
  constexpr std::size_t k_max = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < k_max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > k_max) out += "...";
  out += '"';
  return out;
}

bool is_lower_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace manifest::fields
