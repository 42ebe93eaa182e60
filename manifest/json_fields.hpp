#pragma once
// Internal to manifest/: typed, path-naming access to the fields of a parsed JSON document,
// shared by the bundle index, inventory, changelog and part list models. Every accessor
// throws common::Error(<the reader's code>, "<what>: <path>: <problem>"), so a user learns
// which field of which file is wrong. Not a public API: other folders use the models.

#include <common/error.hpp>
#include <common/json.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace manifest::fields {

enum class Presence { required, optional };

class Reader {
 public:
  // `what` names the document ("bundle index"); `code` is the exit code of its refusals.
  // Arrays over their limit are refused with `code` too unless set_too_many_code() says
  // otherwise.
  Reader(std::string what, common::ExitCode code)
      : m_what(std::move(what)), m_code(code), m_too_many(code) {}

  // Throws Error(code, "<what>: <path>: <message>") (just "<what>: <message>" for path "").
  [[noreturn]] void fail(const std::string& path, const std::string& message) const;
  [[noreturn]] void fail(common::ExitCode code, const std::string& path,
                         const std::string& message) const;

  // common::parse_json with the given bounds; its bad_data refusal is rethrown with this
  // reader's code. Then checks the value is an object and that no object in the text has a
  // key twice: parsers disagree on which duplicate wins, so a signed text with duplicates
  // could mean one thing to us and another to a different reader.
  common::Json parse_object(std::string_view bytes, int max_depth, std::size_t max_bytes) const;

  // obj[key] checked for type; "missing" when absent. For Presence::optional an absent key
  // gives the fallback ("", 0, false, or nullptr for the JSON accessors).
  std::string string(const common::Json& obj, const char* key, const std::string& path,
                     Presence presence = Presence::required) const;
  std::uint64_t uint(const common::Json& obj, const char* key, const std::string& path,
                     Presence presence = Presence::required) const;
  std::int64_t int64(const common::Json& obj, const char* key, const std::string& path,
                     Presence presence = Presence::required) const;
  bool boolean(const common::Json& obj, const char* key, const std::string& path,
               Presence presence = Presence::required) const;
  // Arrays hold at most max_items entries (more: Error(too_many_code, ...)).
  const common::Json* array(const common::Json& obj, const char* key, const std::string& path,
                            std::size_t max_items, Presence presence = Presence::required) const;
  const common::Json* object(const common::Json& obj, const char* key, const std::string& path,
                             Presence presence = Presence::required) const;
  // The value itself must be an object / a string.
  void expect_object(const common::Json& value, const std::string& path) const;
  std::string expect_string(const common::Json& value, const std::string& path) const;

  void set_too_many_code(common::ExitCode code) { m_too_many = code; }

 private:
  const common::Json* find(const common::Json& obj, const char* key, const std::string& path,
                           Presence presence) const;

  std::string m_what;
  common::ExitCode m_code;
  common::ExitCode m_too_many;
};

// "parent.key" or "key" when parent is "".
std::string join(const std::string& parent, std::string_view key);
// "parent[i]".
std::string index(const std::string& parent, std::size_t i);

// The members of `obj` whose keys are not in `known`, in their order; null when none.
common::Json unknown_keys(const common::Json& obj, std::initializer_list<const char*> known);
// Appends the members of `unknown` (an object or null) to `out`.
void append_unknown(common::Json& out, const common::Json& unknown);

// `s` quoted for a message: at most 64 bytes, control bytes and '"' escaped.
std::string quote(std::string_view s);

// True if `s` is `n` lower-case hex digits.
bool is_lower_hex(std::string_view s, std::size_t n);

}  // namespace manifest::fields
