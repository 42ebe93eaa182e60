#include <imgapi/server/import_image.hpp>

#include <imgapi/server/rest_error.hpp>

#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <array>
#include <cmath>

namespace imgapi::server {
namespace {

// Fields Image.create copies when present (!== undefined) and always removes from the
// body; description/homepage/eula/icon are copied only when truthy.
const std::array<const char*, 13> k_copied_if_defined = {
    "error", "requirements", "users", "traits", "tags", "billing_tags", "generate_passwords",
    "inherited_directories", "origin", "acl", "owner", "v", "channels"};
const std::array<const char*, 4> k_copied_if_truthy = {"description", "homepage", "eula", "icon"};

// The keys validateAndNormalize hands to imgmanifest (urn is not among them).
const std::array<const char*, 30> k_validated = {
    "v", "uuid", "name", "version", "description", "homepage", "eula", "disabled", "activated",
    "state", "published_at", "public", "type", "os", "origin", "icon", "generate_passwords",
    "nic_driver", "disk_driver", "cpu_type", "image_size", "error", "files", "requirements",
    "users", "traits", "inherited_directories", "owner", "channels", "tags"};

void move_field(common::Json& from, common::Json& to, const char* key) {
  auto it = from.find(key);
  if (it == from.end()) return;
  to[key] = *it;
  from.erase(it);
}

// image_size = Number(data.image_size); a value Number() cannot convert is left out so
// that validation reports it.
void copy_image_size(common::Json& data, common::Json& raw) {
  auto it = data.find("image_size");
  if (it == data.end()) return;
  if (it->is_number()) {
    raw["image_size"] = *it;
  } else if (it->is_string()) {
    double n = js_number(it->get<std::string>());
    if (!std::isnan(n) && n == std::floor(n) && std::abs(n) < 1e15) {
      raw["image_size"] = static_cast<long long>(n);
    } else {
      raw["image_size"] = *it;
    }
  } else {
    raw["image_size"] = *it;
  }
  data.erase(it);
}

void check_extra(const common::Json& data) {
  if (data.empty()) return;
  std::string names;
  common::Json errors = common::Json::array();
  for (auto it = data.begin(); it != data.end(); ++it) {
    names += (names.empty() ? "\"" : ", \"") + it.key() + "\"";
    errors.push_back({{"field", it.key()}, {"code", "Invalid"}});
  }
  throw invalid_parameter("invalid extra parameters: " + names, errors);
}

void validate_raw(const common::Json& raw) {
  common::Json errors = common::Json::array();
  std::string fields;
  auto add = [&](const std::string& field, const std::string& code, const std::string& message) {
    common::Json e = {{"field", field}, {"code", code}};
    if (!message.empty()) e["message"] = message;
    errors.push_back(e);
    fields += (fields.empty() ? "" : ", ") + field;
  };
  // A raw icon must be the object AddImageIcon stores; an API-form "icon": true is not.
  if (js_truthy(raw.contains("icon") ? &raw["icon"] : nullptr)) {
    add("icon", "Invalid", "invalid image \"icon\": icon missing \"contentMD5\" field");
  }
  common::Json m = common::Json::object();
  for (const char* key : k_validated) {
    if (raw.contains(key) && std::string(key) != "icon") m[key] = raw[key];
  }
  if (raw.contains("acl")) {
    m["acl"] = raw["acl"].is_string() ? common::Json::array({raw["acl"]}) : raw["acl"];
  }
  if (js_truthy(raw.contains("billing_tags") ? &raw["billing_tags"] : nullptr)) {
    m["billing_tags"] = raw["billing_tags"].is_string()
                            ? common::Json::array({raw["billing_tags"]})
                            : raw["billing_tags"];
  }
  for (const manifest::FieldError& e : manifest::validate(m, {manifest::Profile::dc, false})) {
    add(e.field, e.code, e.message);
  }
  if (!errors.empty()) throw validation_failed("invalid image data: " + fields, errors);
}

bool bool_value(const common::Json& v) { return v == true || v == "true"; }

}  // namespace

ImportRequest check_import_request(const std::string& url_uuid,
                                   std::optional<common::Json> body, const Params& query) {
  if (const std::string* account = param(query, "account"); account && !account->empty()) {
    throw operator_only();
  }
  if (!body) {
    throw validation_failed("missing request body (image manifest)",
                            field_errors("body", "MissingParameter"));
  }
  if (!body->is_object()) {
    throw validation_failed("the request body must be a JSON object (an image manifest), not " +
                                std::string(body->type_name()),
                            field_errors("body", "Invalid"));
  }
  const common::Json* body_uuid = body->contains("uuid") ? &(*body)["uuid"] : nullptr;
  if (body_uuid == nullptr || *body_uuid != url_uuid) {
    throw invalid_parameter("URL UUID, \"" + url_uuid + "\" and body UUID, \"" +
                                js_string(body_uuid) + "\" do not match",
                            field_errors("uuid", "Invalid"));
  }
  ImportRequest request;
  if (const std::string* skip = param(query, "skip_owner_check"); skip && !skip->empty()) {
    if (*skip == "true") request.skip_owner_check = true;
    else if (*skip != "false") throw invalid_bool_param("skip_owner_check", *skip);
  }
  body->erase("channels");
  request.body = std::move(*body);
  return request;
}

std::optional<std::string> requested_origin(const common::Json& body) {
  auto it = body.find("origin");
  if (it == body.end() || !js_truthy(&*it)) return std::nullopt;
  return js_string(&*it);
}

void apply_owner(common::Json& body, const BuildOptions& options) {
  auto it = body.find("owner");
  if (options.kind == CreateKind::import) {
    if (it != body.end() && *it == k_unset_owner) {
      *it = options.admin_uuid;
      return;
    }
    if (options.skip_owner_check) return;
  }
  // This stand-in's user database holds one user, the admin. A missing or malformed
  // owner is left for validation to report.
  if (it == body.end() || !it->is_string() || !manifest::is_uuid(it->get<std::string>())) return;
  if (*it != options.admin_uuid) throw owner_does_not_exist(it->get<std::string>());
}

ImageRecord build_record(common::Json data, const BuildOptions& options) {
  common::Json raw = common::Json::object();
  for (const char* key : {"name", "version", "type", "os"}) move_field(data, raw, key);
  // public = data.public || false, disabled likewise.
  for (const char* key : {"public", "disabled"}) {
    bool truthy = js_truthy(data.contains(key) ? &data[key] : nullptr);
    raw[key] = truthy ? data[key] : common::Json(false);
  }
  data.erase("public");
  data.erase("disabled");
  for (const char* key : k_copied_if_truthy) {
    if (js_truthy(data.contains(key) ? &data[key] : nullptr)) raw[key] = data[key];
    data.erase(key);
  }
  for (const char* key : k_copied_if_defined) move_field(data, raw, key);
  if (raw.contains("type") && raw["type"] == "zvol") {
    for (const char* key : {"nic_driver", "disk_driver", "cpu_type"}) move_field(data, raw, key);
    copy_image_size(data, raw);
  }
  if (options.kind == CreateKind::import) {
    raw["uuid"] = data["uuid"];
    data.erase("uuid");
    const common::Json* published = data.contains("published_at") ? &data["published_at"] : nullptr;
    if (js_truthy(published)) {
      if (!published->is_string()) {
        throw invalid_parameter("invalid \"published_at\"", field_errors("published_at", "Invalid"));
      }
      move_field(data, raw, "published_at");
    }
    if (js_truthy(data.contains("urn") ? &data["urn"] : nullptr)) move_field(data, raw, "urn");
  } else {
    raw["uuid"] = options.new_uuid;
  }
  data.erase("files");
  data.erase("state");
  check_extra(data);
  raw["activated"] = false;
  raw["state"] = "unactivated";
  validate_raw(raw);

  ImageRecord record;
  record.uuid = raw["uuid"].get<std::string>();
  record.disabled = bool_value(raw["disabled"]);
  for (const char* key : {"activated", "state", "disabled"}) raw.erase(key);
  if (raw.contains("acl") && raw["acl"].is_string()) raw["acl"] = common::Json::array({raw["acl"]});
  record.fields = std::move(raw);
  return record;
}

common::Json prepare_create_body(std::optional<common::Json> body) {
  if (!body) {
    throw validation_failed("missing request body (image manifest)",
                            field_errors("body", "MissingParameter"));
  }
  if (!body->is_object()) {
    throw validation_failed("the request body must be a JSON object (an image manifest), not " +
                                std::string(body->type_name()),
                            field_errors("body", "Invalid"));
  }
  if (body->contains("state")) {
    throw validation_failed("invalid image data: \"state\"",
                            field_errors("state", "NotAllowed", "Parameter cannot be set"));
  }
  if (!body->contains("v")) (*body)["v"] = 2;
  body->erase("channels");
  return std::move(*body);
}

}  // namespace imgapi::server
