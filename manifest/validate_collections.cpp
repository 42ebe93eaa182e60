// Rules for the array/object manifest fields: files, acl, users, billing_tags, traits,
// tags, inherited_directories. As in node-imgmanifest, entries are checked with JS
// semantics (a file's "size" only has to be truthy, acl entries go through String()).
#include <manifest/validate_rules.hpp>

#include <manifest/image_manifest.hpp>
#include <manifest/js_value.hpp>

namespace manifest::rules {

namespace {

constexpr double k_max_billing_tag_length = 128;
constexpr std::size_t k_max_tags_length = 100 * 1024;

bool truthy_member(const Json& v, const char* key) {
  const Json* p = member(v, key);
  return p != nullptr && js::truthy(*p);
}

void check_file(Context& c, const Json& file, std::size_t index) {
  const std::string at = "invalid image \"files\" entry " + std::to_string(index) + ": ";
  if (file.is_null()) return c.invalid("files", at + "null instead of an object");
  if (!truthy_member(file, "sha1")) c.invalid("files", at + "file missing \"sha1\" field");
  if (!truthy_member(file, "size")) c.invalid("files", at + "file missing \"size\" field");
  const Json* compression = member(file, "compression");
  if (compression == nullptr || !js::truthy(*compression)) {
    return c.invalid("files", at + "file missing \"compression\" field");
  }
  for (const char* valid : {"gzip", "bzip2", "xz", "none"}) {
    if (compression->is_string() && *compression == valid) return;
  }
  c.invalid("files", at + "invalid compression " + show(*compression) +
                         " (must be one of gzip, bzip2, xz, none)");
}

// An array whose entries must all be strings (channels, inherited_directories).
void string_entries(Context& c, const char* field, const Json& x) {
  for (const Json& entry : x) {
    if (!entry.is_string()) {
      c.invalid(field, std::string("invalid image \"") + field + "\" entry: " + show(entry));
    }
  }
}

}  // namespace

void files(Context& c) {
  const Json* x = c.get("files");
  if (x == nullptr) {
    if (c.activated()) c.missing("files", "if activated is \"true\" files must be present");
    return;
  }
  if (!x->is_array()) return c.invalid("files", "invalid image \"files\" (not an array): " + show(*x));
  if (x->size() > 2 || (!c.field_equals("type", "lxd") && x->size() > 1)) {
    return c.invalid("files", "invalid image \"files\": too many files (one, or two for lxd)");
  }
  for (std::size_t i = 0; i < x->size(); ++i) check_file(c, (*x)[i], i);
}

void acl(Context& c) {
  const Json* x = c.get("acl");
  if (x == nullptr) return c.missing("acl");
  if (!x->is_array()) return c.invalid("acl", "invalid image \"acl\" (not an array): " + show(*x));
  for (std::size_t i = 0; i < x->size(); ++i) {
    if (!is_uuid(js::to_string((*x)[i]))) {
      return c.invalid("acl", "invalid image \"acl\" (item " + std::to_string(i) +
                                  " is not a UUID): " + show((*x)[i]));
    }
  }
}

void users(Context& c) {
  const Json* x = c.get("users");
  if (x == nullptr) return c.missing("users");
  if (!x->is_array()) return c.invalid("users", "invalid image \"users\" (not an array): " + show(*x));
  for (const Json& u : *x) {
    // Each entry is exactly {"name": ...}.
    const bool ok = u.is_object() && u.contains("name") && u.size() == 1;
    if (!ok) c.invalid("users", "invalid image \"users\" entry (must be {\"name\": ...}): " + show(u));
  }
}

void billing_tags(Context& c) {
  const Json* x = c.get("billing_tags");
  if (x == nullptr) return c.missing("billing_tags");
  if (!x->is_array()) {
    return c.invalid("billing_tags", "invalid image \"billing_tags\" (not an array): " + show(*x));
  }
  for (const Json& t : *x) {
    if (!t.is_string() || *js::length_exceeds(t, k_max_billing_tag_length)) {
      c.invalid("billing_tags", "invalid image \"billing_tags\" entry (must be a string of at "
                                "most 128 characters): " + show(t));
    }
  }
}

void traits(Context& c) {
  const Json* x = c.get("traits");
  if (x == nullptr) return c.missing("traits");
  if (js::type_of(*x) != "object") {
    return c.invalid("traits", "invalid image \"traits\" (not an object): " + show(*x));
  }
  if (x->is_null()) return c.invalid("traits", "invalid image \"traits\" (null, not an object)");
  for (const Json& value : *x) {
    if (!value.is_string() && !value.is_boolean() && !value.is_array()) {
      c.invalid("traits", "invalid image \"traits\" entry (values must be strings, booleans or "
                          "arrays): " + show(value));
    }
  }
}

void tags(Context& c) {
  const Json* x = c.get("tags");
  if (x == nullptr) return c.missing("tags");
  if (x->is_array() || js::type_of(*x) != "object") {
    return c.invalid("tags", "invalid image \"tags\" (not an object): " + show(*x));
  }
  if (x->is_null()) return c.invalid("tags", "invalid image \"tags\" (null, not an object)");
  const std::size_t length = js::stringify_length(*x);
  if (length > k_max_tags_length) {
    c.invalid("tags", "image \"tags\" object is too big: " + std::to_string(length) +
                          " characters (max 102400)");
  }
}

void inherited_directories(Context& c) {
  const Json* x = c.get("inherited_directories");
  if (x == nullptr) return c.missing("inherited_directories");
  if (!c.field_equals("type", "zone-dataset")) {
    return c.invalid("inherited_directories",
                     "invalid image \"inherited_directories\" (only valid for a "
                     "type:zone-dataset image)");
  }
  if (!x->is_array()) {
    return c.invalid("inherited_directories",
                     "invalid image \"inherited_directories\" (not an array): " + show(*x));
  }
  string_entries(c, "inherited_directories", *x);
}

}  // namespace manifest::rules
