// Write endpoints (DC mode; private mode refuses them before they get here):
// AdminImportImage and the other POST /images/:uuid actions, CreateImage, DeleteImage.

#include <imgapi/server/handlers.hpp>
#include <imgapi/server/import_image.hpp>
#include <imgapi/server/rest_error.hpp>

#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

namespace imgapi::server {
namespace {

// imgmanifest's mutable fields, and IMGAPI's operator-only ones (UpdateImage).
const std::array<const char*, 20> k_mutable = {
    "owner", "name", "version", "description", "homepage", "eula", "public", "os", "acl",
    "requirements", "users", "billing_tags", "traits", "tags", "generate_passwords",
    "inherited_directories", "nic_driver", "disk_driver", "cpu_type", "image_size"};
const std::array<const char*, 4> k_not_supported = {"state", "error", "files", "uuid"};

template <std::size_t N>
bool listed(const std::array<const char*, N>& names, const std::string& key) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return key == n; });
}

std::string random_uuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a = rng(), b = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(a & 0x0fff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

RestError offline(const std::string& what) {
  return not_available(what + " is not available on this server (sdcadm-bundle serve has no "
                              "network access or workflow service)");
}

void handle_import(ServerState& state, RequestContext& ctx, const std::string& uuid,
                   std::optional<common::Json> body) {
  ImportRequest request = check_import_request(uuid, std::move(body), ctx.query);
  state.dc->check_new(uuid, requested_origin(request.body));
  BuildOptions options;
  options.kind = CreateKind::import;
  options.admin_uuid = state.admin_uuid;
  options.skip_owner_check = request.skip_owner_check;
  apply_owner(request.body, options);
  RecordPtr image = state.dc->insert(build_record(std::move(request.body), options));
  send_object(ctx, serialize(*image, serialize_options(ctx)));
}

// UpdateImage's field checks; returns the errors IMGAPI reports as ValidationFailed.
common::Json update_errors(const RequestContext& ctx, const ImageRecord& image,
                           const common::Json& data) {
  common::Json errors = common::Json::array();
  bool operator_call = ctx.query_param("account") == nullptr;
  for (auto it = data.begin(); it != data.end(); ++it) {
    const std::string& key = it.key();
    std::string message;
    if (listed(k_not_supported, key)) {
      message = "Parameter cannot be updated on this server";
    } else if (!listed(k_mutable, key) && key != "origin") {
      message = "Parameter cannot be updated";
    } else if ((key == "origin" || key == "billing_tags" || key == "traits") && !operator_call) {
      message = "Can only be updated by operators";
    } else if (key == "origin" && image.activated) {
      message = "Can only be updated on unactivated images";
    }
    if (!message.empty()) {
      errors.push_back({{"field", key}, {"code", "NotAllowed"}, {"message", message}});
    }
  }
  return errors;
}

void handle_update(ServerState& state, RequestContext& ctx, const ImageRecord& image,
                   const std::optional<common::Json>& body) {
  if (!body || !body->is_object()) {
    throw validation_failed("missing request body", field_errors("body", "MissingParameter"));
  }
  if (body->empty()) {
    throw validation_failed("invalid image update data: no parameters provided",
                            common::Json::array());
  }
  common::Json errors = update_errors(ctx, image, *body);
  if (!errors.empty()) {
    std::string fields;
    for (const common::Json& e : errors) fields += (fields.empty() ? "" : ", ") + e["field"].get<std::string>();
    throw validation_failed("invalid image update data: " + fields, errors);
  }
  RecordPtr updated = state.dc->update(image.uuid, [&](ImageRecord& r) {
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it->is_null()) r.fields.erase(it.key());
      else r.fields[it.key()] = *it;
    }
    std::vector<manifest::FieldError> problems =
        manifest::validate(validation_object(r), {manifest::Profile::dc, false});
    if (!problems.empty()) {
      common::Json list = common::Json::array();
      std::string fields;
      for (const manifest::FieldError& e : problems) {
        list.push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
        fields += (fields.empty() ? "" : ", ") + e.field;
      }
      throw validation_failed("invalid image data: " + fields, list);
    }
    if (body->contains("owner")) {
      BuildOptions options;
      options.kind = CreateKind::create;
      options.admin_uuid = state.admin_uuid;
      apply_owner(r.fields, options);
    }
  });
  send_object(ctx, serialize(*updated, serialize_options(ctx)));
}

}  // namespace

void handle_image_action(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/false);
  std::optional<common::Json> body = read_json_body(ctx);
  const std::string* action_param = ctx.query_param("action");
  std::string action = action_param ? *action_param : "";
  if (action == "import") {
    if (ctx.query_param("source") != nullptr) throw offline("AdminImportImage from a source");
    handle_import(state, ctx, uuid, std::move(body));
    return;
  }
  if (action == "import-remote") {
    if (ctx.query_param("source") == nullptr) {
      throw validation_failed("missing source parameter", field_errors("source", "MissingParameter"));
    }
    throw offline("AdminImportRemoteImage");
  }
  if (action == "import-from-datacenter" || action == "import-docker-image" ||
      action == "import-lxd-image") {
    throw offline("action \"" + action + "\"");
  }
  RecordPtr image = get_image(state, ctx, uuid, channel);
  if (action == "change-stor") throw offline("AdminChangeImageStor");
  require_account_owner(ctx, *image);
  if (action == "export") throw offline("ExportImage");
  if (answer_conditional(ctx, json_etag(serialize(*image, serialize_options(ctx))), std::nullopt)) {
    return;
  }
  RecordPtr updated;
  if (action == "activate") {
    updated = state.dc->activate(uuid);
  } else if (action == "enable" || action == "disable") {
    updated = state.dc->set_disabled(uuid, action == "disable");
  } else if (action == "update") {
    handle_update(state, ctx, *image, body);
    return;
  } else if (!action.empty()) {
    throw invalid_parameter("\"" + action + "\" is not a valid action",
                            field_errors("action", "Invalid"));
  } else {
    throw invalid_parameter("no image \"action\" was specified",
                            field_errors("action", "MissingParameter"));
  }
  send_object(ctx, serialize(*updated, serialize_options(ctx)));
}

void handle_create_image(ServerState& state, RequestContext& ctx) {
  request_channel(state, ctx, /*allow_star=*/false);
  std::optional<common::Json> body = read_json_body(ctx);
  if (const std::string* action = ctx.query_param("action")) {
    throw offline("POST /images?action=" + *action);
  }
  common::Json data = prepare_create_body(std::move(body));
  if (const std::string* account = ctx.query_param("account"); account && !account->empty()) {
    if (!manifest::is_uuid(*account)) {
      throw invalid_parameter("invalid \"account\": not a UUID: \"" + *account + "\"",
                              field_errors("account", "Invalid"));
    }
    if (!data.contains("owner")) data["owner"] = *account;
    if (data["owner"] != *account) {
      throw invalid_parameter("invalid owner: given owner, \"" + js_string(&data["owner"]) +
                                  "\", does not match account, \"" + *account + "\"",
                              field_errors("owner", "Invalid"));
    }
  }
  BuildOptions options;
  options.kind = CreateKind::create;
  options.admin_uuid = state.admin_uuid;
  options.new_uuid = random_uuid();
  apply_owner(data, options);
  if (std::optional<std::string> origin = requested_origin(data)) {
    if (!state.store->find(*origin)) throw origin_does_not_exist(*origin);
  }
  RecordPtr image = state.dc->insert(build_record(std::move(data), options));
  send_object(ctx, serialize(*image, serialize_options(ctx)));
}

void handle_delete_image(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/false);
  RecordPtr image = get_image(state, ctx, uuid, channel);
  require_account_owner(ctx, *image);
  if (const std::string* force = ctx.query_param("force_all_channels")) {
    if (*force != "true" && *force != "false") throw invalid_bool_param("force_all_channels", *force);
  }
  state.dc->remove(uuid);
  send_empty(ctx, 204);
}

}  // namespace imgapi::server
