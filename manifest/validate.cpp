// manifest::validate(): node-imgmanifest's validateFields() driver. Required fields are
// checked first (absent ones give MissingParameter), then every other known field that
// is present, then unknown keys. The per-field rules are in validate_*.cpp.
//
// Deliberate differences from node-imgmanifest 3.2.1 (each one is exercised by
// tests/conformance/manifest_validation.test.js as a "known divergence" case):
//  1. Where the JS throws a TypeError (e.g. "name": null, "disabled": "yes",
//     "tags": null, "files": [null], a non-string "homepage", "channels" in the minimal
//     profile), IMGAPI answers 500 and stops; we report (field, Invalid) and go on
//     checking the other fields.
//  2. "type"/"os" values naming Object.prototype members ("constructor", "toString",
//     "__proto__", ...) pass the JS enum lookup by accident; we refuse them.
//  3. "homepage"/"eula" hosts that need IDNA (non-ASCII, or "xn--" labels) are refused:
//     node's answer depends on its ICU/ada build (some pass, some throw).
//  4. A "__proto__" key inside "requirements" changes the copy's prototype in the JS
//     (so it goes unreported); we report it as an unsupported requirement.
//  5. Bounded output: a "requirements" string or array with more than 100 elements gives
//     100 unsupported-key errors ("0".."99") plus one (requirements, Invalid) summary
//     instead of one error per element; and each (field, code) pair keeps at most 10
//     messages (the set of pairs is unchanged by that).
#include <manifest/validate.hpp>

#include <manifest/validate_rules.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace manifest {

namespace {

using common::Json;
using rules::Rule;

// node-imgmanifest's `fields` list, in its order, with each field's rule.
const std::array<std::pair<const char*, Rule>, 33> k_fields = {{
    {"v", rules::v}, {"uuid", rules::uuid}, {"urn", rules::urn}, {"owner", rules::owner},
    {"name", rules::name}, {"version", rules::version}, {"description", rules::description},
    {"homepage", rules::homepage}, {"eula", rules::eula}, {"disabled", rules::disabled},
    {"activated", rules::activated}, {"published_at", rules::published_at},
    {"state", rules::state}, {"public", rules::public_}, {"type", rules::type},
    {"os", rules::os}, {"origin", rules::origin}, {"error", rules::error},
    {"files", rules::files}, {"icon", rules::icon}, {"acl", rules::acl},
    {"requirements", rules::requirements}, {"users", rules::users},
    {"billing_tags", rules::billing_tags}, {"traits", rules::traits}, {"tags", rules::tags},
    {"generate_passwords", rules::generate_passwords},
    {"inherited_directories", rules::inherited_directories},
    {"nic_driver", rules::nic_driver}, {"disk_driver", rules::disk_driver},
    {"cpu_type", rules::cpu_type}, {"image_size", rules::image_size},
    {"channels", rules::channels},
}};

Rule rule_for(const std::string& field) {
  for (const auto& entry : k_fields) {
    if (field == entry.first) return entry.second;
  }
  return nullptr;
}

// validateMinimalManifest / validateDcManifest / validate{Public,Private}Manifest.
std::vector<std::string> required_fields(const ValidateOptions& options) {
  if (options.profile == Profile::minimal) return {"v", "uuid", "name", "version", "type", "os"};
  std::vector<std::string> required = {
      "v",     "uuid",  "owner", "name",  "version",    "disabled",    "activated",
      "published_at", "public", "state", "type", "os", "files",       "nic_driver",
      "disk_driver", "cpu_type", "image_size"};
  const bool channel_profile =
      options.profile == Profile::public_ || options.profile == Profile::private_;
  if (channel_profile && options.channels_enabled) required.push_back("channels");
  return required;
}

}  // namespace

std::vector<FieldError> validate(const Json& manifest, const ValidateOptions& options) {
  std::vector<FieldError> errors;
  if (!manifest.is_object()) {
    errors.push_back({"", "Invalid", std::string("a manifest must be a JSON object, not ") +
                                         manifest.type_name()});
    return errors;
  }
  rules::Context context(manifest, options, errors);
  const std::vector<std::string> required = required_fields(options);
  for (const std::string& field : required) rule_for(field)(context);
  for (const auto& entry : k_fields) {
    const bool is_required =
        std::find(required.begin(), required.end(), entry.first) != required.end();
    if (!is_required && manifest.contains(entry.first)) entry.second(context);
  }
  for (const auto& item : manifest.items()) {
    if (rule_for(item.key()) == nullptr) {
      context.invalid(item.key(), "unknown field \"" + item.key() + "\" (not an image manifest field)");
    }
  }
  return errors;
}

std::string describe(const std::vector<FieldError>& errors) {
  if (errors.empty()) return "";
  std::string out = "invalid image data: ";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ", ";
    out += (errors[i].field.empty() ? std::string("manifest") : errors[i].field) + " (" +
           errors[i].code + ": " + errors[i].message + ")";
  }
  return out;
}

std::string profile_name(Profile profile) {
  switch (profile) {
    case Profile::minimal: return "minimal";
    case Profile::dc: return "dc";
    case Profile::public_: return "public";
    case Profile::private_: return "private";
  }
  return "dc";
}

Profile profile_from_name(const std::string& name) {
  if (name == "minimal") return Profile::minimal;
  if (name == "dc") return Profile::dc;
  if (name == "public") return Profile::public_;
  if (name == "private") return Profile::private_;
  throw common::Error(common::ExitCode::usage, "unknown manifest profile \"" + name +
                                                   "\"; use minimal, dc, public or private");
}

Json validation_form(const Json& api_manifest) {
  Json out = api_manifest;
  if (out.is_object() && !out.contains("activated")) {
    const auto state = out.find("state");
    const bool active = state != out.end() && state->is_string() &&
                        (*state == "active" || *state == "disabled");
    out["activated"] = active;
  }
  return out;
}

}  // namespace manifest
