// Rules for the single-valued manifest fields. Each mirrors the validator of the same
// name in node-imgmanifest, including its JavaScript conversions (see js_value.hpp), so
// e.g. "v": "2" passes (Number("2")) and "name": 123 passes (String(123) matches).
#include <manifest/validate_rules.hpp>

#include <manifest/image_manifest.hpp>
#include <manifest/js_url.hpp>
#include <manifest/js_value.hpp>

#include <cmath>
#include <cstring>

namespace manifest::rules {

namespace {

constexpr double k_max_url_length = 1024;
constexpr double k_max_name_length = 1024;
constexpr double k_max_version_length = 512;
constexpr double k_max_description_length = 10 * 1024;

// /^[<allowed>]+$/ for an ASCII character class.
bool only_chars(const std::string& s, const char* allowed_punct) {
  if (s.empty()) return false;
  for (char ch : s) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9');
    if (!alnum && std::strchr(allowed_punct, ch) == nullptr) return false;
  }
  return true;
}

// /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/
bool is_published_at(const std::string& s) {
  const char* shape = s.size() == 20 ? "dddd-dd-ddTdd:dd:ddZ"
                      : s.size() == 24 ? "dddd-dd-ddTdd:dd:dd.dddZ" : nullptr;
  if (shape == nullptr) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

void uuid_rule(Context& c, const char* field) {
  const Json* x = c.get(field);
  if (x == nullptr) {
    c.missing(field);
  } else if (!is_uuid(js::to_string(*x))) {
    c.invalid(field, std::string("\"") + field + "\" must be a lower-case UUID, got " + show(*x));
  }
}

// name and version: a length limit, then a character class, both on String(value).
void label_rule(Context& c, const char* field, double max, const char* punct,
                const char* allowed) {
  const Json* x = c.get(field);
  if (x == nullptr) return c.missing(field);
  const std::optional<bool> too_long = js::length_exceeds(*x, max);
  const std::string what = std::string("image ") + field;
  if (!too_long) {
    c.invalid(field, what + " must be a string, not null");
  } else if (*too_long) {
    c.invalid(field, what + " is too long, max " + std::to_string(static_cast<int>(max)) +
                         " characters");
  } else if (!only_chars(js::to_string(*x), punct)) {
    c.invalid(field, what + " has invalid characters (only alpha-numeric characters and " +
                         allowed + " are allowed), got " + show(*x));
  }
}

void url_rule(Context& c, const char* field, const char* label) {
  const Json* x = c.get(field);
  if (x == nullptr) return c.missing(field);
  const std::string what = std::string("image ") + label + " URL";
  if (!x->is_string()) return c.invalid(field, what + " must be a string, got " + show(*x));
  switch (js::classify_url(x->get_ref<const std::string&>())) {
    case js::UrlVerdict::bad_protocol:
      return c.invalid(field, "invalid " + what + " protocol (must be http: or https:), got " +
                                  show(*x));
    case js::UrlVerdict::throws:
      return c.invalid(field, what + " has an unparsable host: " + show(*x));
    case js::UrlVerdict::needs_idna:
      return c.invalid(field, what + " host is not plain ASCII (IDNA hosts are refused): " +
                                  show(*x));
    case js::UrlVerdict::http: break;
  }
  if (*js::length_exceeds(*x, k_max_url_length)) {
    c.invalid(field, what + " is too long (max 1024 characters)");
  }
}

void bool_rule(Context& c, const char* field) {
  const Json* x = c.get(field);
  if (x == nullptr) return c.missing(field);
  if (!bool_from_string(*x)) {
    c.invalid(field, std::string("\"") + field +
                         "\" must be true, false, \"true\" or \"false\", got " + show(*x));
  }
}

// type and os: an enum, or the string "null" for placeholder images (state creating or
// failed). The enum lookup uses String(value), so ["zvol"] passes as in the JS.
void enum_rule(Context& c, const char* field, const std::vector<const char*>& valid) {
  const Json* x = c.get(field);
  if (x == nullptr) return c.missing(field);
  std::string list;
  for (const char* v : valid) list += std::string(list.empty() ? "" : ", ") + v;
  if (x->is_string() && *x == "null") {
    if (!c.field_equals("state", "creating") && !c.field_equals("state", "failed")) {
      c.invalid(field, std::string("invalid image ") + field +
                           ", \"null\" (only for images in state creating or failed)");
    }
    return;
  }
  const std::string key = js::to_string(*x);
  for (const char* v : valid) {
    if (key == v) return;
  }
  c.invalid(field, std::string("invalid image ") + field + ", " + show(*x) +
                       ", must be one of: " + list);
}

}  // namespace

const Json* Context::get(const char* field) const { return member(m_manifest, field); }

bool Context::field_equals(const char* field, const char* text) const {
  const Json* x = get(field);
  return x != nullptr && x->is_string() && *x == text;
}

bool Context::activated() const {
  const Json* x = get("activated");
  return x != nullptr && bool_from_string(*x).value_or(false);
}

void Context::missing(const std::string& field, const std::string& message) {
  add(field, "MissingParameter", message.empty() ? "\"" + field + "\" is required" : message);
}

void Context::invalid(const std::string& field, const std::string& message) {
  add(field, "Invalid", message);
}

void Context::add(const std::string& field, const char* code, const std::string& message) {
  if (++m_repeats[field + "|" + code] <= k_max_repeats) m_errors.push_back({field, code, message});
}

std::optional<bool> bool_from_string(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v == "true") return true;
  if (v == "false") return false;
  return std::nullopt;
}

const Json* member(const Json& v, const char* key) {
  if (!v.is_object()) return nullptr;
  const auto it = v.find(key);
  return it == v.end() ? nullptr : &*it;
}

std::string show(const Json& v) {
  std::string text = common::dump_json(v, -1);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

void v(Context& c) {
  const Json* x = c.get("v");
  if (x == nullptr) return c.missing("v", "\"v\" (manifest format version, currently 2) is required");
  const double n = js::to_number(*x);
  if (std::isnan(n) || n < 0) c.invalid("v", "\"v\" must be a positive integer, got " + show(*x));
}

void uuid(Context& c) { uuid_rule(c, "uuid"); }
void owner(Context& c) { uuid_rule(c, "owner"); }
void origin(Context& c) { uuid_rule(c, "origin"); }

void urn(Context& c) {
  const Json* x = c.get("urn");
  if (x == nullptr) return c.missing("urn");
  if (!x->is_string()) c.invalid("urn", "\"urn\" must be a string, got " + show(*x));
}

void name(Context& c) {
  label_rule(c, "name", k_max_name_length, "._/ -", "\" \", \".\", \"-\", \"_\" and \"/\"");
}

void version(Context& c) {
  label_rule(c, "version", k_max_version_length, "._/+-", "\".\", \"-\", \"_\", \"+\" and \"/\"");
}

void description(Context& c) {
  const Json* x = c.get("description");
  if (x == nullptr) return c.missing("description");
  const std::optional<bool> too_long = js::length_exceeds(*x, k_max_description_length);
  if (!too_long) {
    c.invalid("description", "image description must be a string, not null");
  } else if (*too_long) {
    c.invalid("description", "image description is too long, max 10240 characters");
  }
}

void homepage(Context& c) { url_rule(c, "homepage", "homepage"); }
void eula(Context& c) { url_rule(c, "eula", "EULA"); }

void disabled(Context& c) { bool_rule(c, "disabled"); }
void activated(Context& c) { bool_rule(c, "activated"); }
void icon(Context& c) { bool_rule(c, "icon"); }
void generate_passwords(Context& c) { bool_rule(c, "generate_passwords"); }

void published_at(Context& c) {
  const Json* x = c.get("published_at");
  if (x == nullptr) {
    if (c.activated()) {
      c.missing("published_at", "if activated is \"true\" published_at must be present");
    }
  } else if (js::truthy(*x) && !is_published_at(js::to_string(*x))) {
    c.invalid("published_at",
              "published_at date not in \"YYYY-MM-DDTHH:MM:SS(.SSS)Z\" format, got " + show(*x));
  }
}

void state(Context& c) {
  const Json* x = c.get("state");
  if (x == nullptr) return c.missing("state");
  for (const char* s : {"active", "unactivated", "disabled", "failed", "creating"}) {
    if (x->is_string() && *x == s) return;
  }
  c.invalid("state", "invalid image state " + show(*x) +
                         ", must be one of: active, unactivated, disabled, failed, creating");
}

void public_(Context& c) {
  const Json* x = c.get("public");
  if (x == nullptr) return c.missing("public");
  const std::optional<bool> is_public = bool_from_string(*x);
  const Profile profile = c.options().profile;
  if (!is_public) {
    c.invalid("public", "\"public\" must be true, false, \"true\" or \"false\", got " + show(*x));
  } else if (profile == Profile::public_ && !*is_public) {
    c.invalid("public", "private images are not allowed on a public Images API");
  } else if (profile == Profile::private_ && *is_public) {
    c.invalid("public", "public images are not allowed on a private Images API");
  }
}

void type(Context& c) {
  enum_rule(c, "type", {"zone-dataset", "zvol", "lx-dataset", "lxd", "docker", "other"});
}

void os(Context& c) {
  enum_rule(c, "os", {"smartos", "linux", "windows", "bsd", "illumos", "other"});
}

void error(Context& c) {
  const Json* x = c.get("error");
  if (x == nullptr) return c.missing("error");
  if (js::type_of(*x) != "object") {
    c.invalid("error", "invalid image \"error\" (not an object): " + show(*x));
  }
}

}  // namespace manifest::rules
