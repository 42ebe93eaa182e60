#pragma once
// Strict reading of the trust files (root.json, signature documents, rollback state):
// bounded parsing, no key twice in one object (parsers disagree on which duplicate wins,
// which is dangerous in signed data), no unknown keys, and typed field access whose
// refusals name the file and the field. Every refusal is common::Error(bad_data); callers
// that need another code (a carried root => trust_root) rethrow.

#include <common/json.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace signing {

class StrictReader {
 public:
  // `what` names the document in messages ("trust root root.json").
  explicit StrictReader(std::string what) : m_what(std::move(what)) {}

  // Parses `text` (at most max_bytes, nested at most max_depth) into an object and
  // refuses duplicate keys anywhere in it.
  common::Json parse_object(std::string_view text, std::size_t max_bytes, int max_depth) const;

  // Refuses any key of `obj` outside `allowed`; `obj` must be an object.
  void only_keys(const common::Json& obj, const std::string& path,
                 std::initializer_list<const char*> allowed) const;

  // Required fields of the given type.
  std::string string(const common::Json& obj, const char* key, const std::string& path) const;
  std::int64_t integer(const common::Json& obj, const char* key, const std::string& path) const;
  const common::Json& array(const common::Json& obj, const char* key, const std::string& path,
                            std::size_t max_items) const;
  const common::Json& object(const common::Json& obj, const char* key, const std::string& path) const;

  [[noreturn]] void fail(const std::string& path, const std::string& message) const;
  const std::string& what() const { return m_what; }

 private:
  const common::Json& get(const common::Json& obj, const char* key, const std::string& path) const;
  std::string m_what;
};

// "parent.key" ("key" at the top) and "parent[i]".
std::string field_path(const std::string& parent, const std::string& key);
std::string item_path(const std::string& parent, std::size_t i);

}  // namespace signing
