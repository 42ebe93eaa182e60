#pragma once
// The per-field rules behind manifest::validate(), one function per field as in
// node-imgmanifest's `validators` table. For manifest/validate*.cpp only.

#include <manifest/validate.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace manifest::rules {

using common::Json;

// What one rule sees: the manifest, the options, and where to report.
class Context {
 public:
  Context(const Json& manifest, const ValidateOptions& options, std::vector<FieldError>& errors)
      : m_manifest(manifest), m_options(options), m_errors(errors) {}

  // The field's value, or nullptr when the key is absent (JS `undefined`).
  const Json* get(const char* field) const;
  const ValidateOptions& options() const { return m_options; }
  // manifest.type === 'zvol' and friends (strict string comparison).
  bool field_equals(const char* field, const char* text) const;
  // boolFromString(manifest.activated) === true. Values boolFromString would throw on
  // count as not true (the "activated" rule reports them).
  bool activated() const;

  // Record an error. A hostile manifest can make the same (field, code) fail millions of
  // times (e.g. a huge "users" array); only the first k_max_repeats messages of each pair
  // are kept, which leaves the set of (field, code) pairs unchanged.
  void missing(const std::string& field, const std::string& message = "");
  void invalid(const std::string& field, const std::string& message);

  static constexpr int k_max_repeats = 10;

 private:
  void add(const std::string& field, const char* code, const std::string& message);

  const Json& m_manifest;
  const ValidateOptions& m_options;
  std::vector<FieldError>& m_errors;
  std::map<std::string, int> m_repeats;  // "field|code" -> errors seen
};

using Rule = void (*)(Context&);

// boolFromString without a default: true/false, "true"/"false"; nullopt for anything
// else (where the JS throws a TypeError).
std::optional<bool> bool_from_string(const Json& v);

// The member `key` of `v` when `v` is an object holding it, else nullptr.
const Json* member(const Json& v, const char* key);

// A short JSON rendering of `v` for messages (at most ~80 characters).
std::string show(const Json& v);

// validate_scalars.cpp
void v(Context& c);
void uuid(Context& c);
void urn(Context& c);
void owner(Context& c);
void origin(Context& c);
void name(Context& c);
void version(Context& c);
void description(Context& c);
void homepage(Context& c);
void eula(Context& c);
void disabled(Context& c);
void activated(Context& c);
void icon(Context& c);
void generate_passwords(Context& c);
void published_at(Context& c);
void state(Context& c);
void public_(Context& c);
void type(Context& c);
void os(Context& c);
void error(Context& c);

// validate_zvol.cpp: nic_driver, disk_driver, cpu_type, image_size, channels
void nic_driver(Context& c);
void disk_driver(Context& c);
void cpu_type(Context& c);
void image_size(Context& c);
void channels(Context& c);

// validate_collections.cpp
void files(Context& c);
void acl(Context& c);
void users(Context& c);
void billing_tags(Context& c);
void traits(Context& c);
void tags(Context& c);
void inherited_directories(Context& c);

// validate_requirements.cpp
void requirements(Context& c);

}  // namespace manifest::rules
