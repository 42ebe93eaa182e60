#include <signing/strict_json.hpp>

#include <common/error.hpp>

#include <set>
#include <vector>

namespace signing {
namespace {

using common::Json;

// A SAX pass that builds nothing and stops at the first key seen twice in one object.
class DuplicateKeyFinder : public nlohmann::json_sax<Json> {
 public:
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
    if (m_keys.back().insert(k).second) return true;
    duplicate = k;
    return false;
  }
  bool end_object() override {
    m_keys.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  std::vector<std::set<std::string>> m_keys;
};

const char* type_word(const Json& v) {
  if (v.is_string()) return "a string";
  if (v.is_number_float()) return "a fractional number";
  if (v.is_number()) return "a number";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_boolean()) return "a boolean";
  return "null";
}

}  // namespace

std::string field_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string item_path(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

void StrictReader::fail(const std::string& path, const std::string& message) const {
  throw common::Error(common::ExitCode::bad_data,
                      m_what + ": " + (path.empty() ? "" : path + ": ") + message);
}

Json StrictReader::parse_object(std::string_view text, std::size_t max_bytes, int max_depth) const {
  Json j = common::parse_json(text, m_what, max_depth, max_bytes);  // bounds first
  if (!j.is_object()) fail("", std::string("expected a JSON object, got ") + type_word(j));
  DuplicateKeyFinder finder;
  Json::sax_parse(text.begin(), text.end(), &finder);
  if (!finder.duplicate.empty()) {
    fail("", "key \"" + finder.duplicate + "\" appears twice in one object");
  }
  return j;
}

void StrictReader::only_keys(const Json& obj, const std::string& path,
                             std::initializer_list<const char*> allowed) const {
  if (!obj.is_object()) fail(path, std::string("expected an object, got ") + type_word(obj));
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) fail(field_path(path, it.key()), "unknown key (this version does not accept it)");
  }
}

const Json& StrictReader::get(const Json& obj, const char* key, const std::string& path) const {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(field_path(path, key), "missing");
  return *it;
}

std::string StrictReader::string(const Json& obj, const char* key, const std::string& path) const {
  const Json& v = get(obj, key, path);
  if (!v.is_string()) fail(field_path(path, key), std::string("expected a string, got ") + type_word(v));
  return v.get<std::string>();
}

std::int64_t StrictReader::integer(const Json& obj, const char* key, const std::string& path) const {
  const Json& v = get(obj, key, path);
  if (v.is_number_integer() && !(v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX)) {
    return v.get<std::int64_t>();
  }
  fail(field_path(path, key), std::string("expected an integer, got ") + type_word(v));
}

const Json& StrictReader::array(const Json& obj, const char* key, const std::string& path,
                                std::size_t max_items) const {
  const Json& v = get(obj, key, path);
  if (!v.is_array()) fail(field_path(path, key), std::string("expected an array, got ") + type_word(v));
  if (v.size() > max_items) {
    fail(field_path(path, key), std::to_string(v.size()) + " entries, more than the limit of " +
                                    std::to_string(max_items));
  }
  return v;
}

const Json& StrictReader::object(const Json& obj, const char* key, const std::string& path) const {
  const Json& v = get(obj, key, path);
  if (!v.is_object()) fail(field_path(path, key), std::string("expected an object, got ") + type_word(v));
  return v;
}

}  // namespace signing
