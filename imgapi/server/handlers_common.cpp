// Checks shared by the endpoint handlers, in the roles restify middleware plays in IMGAPI.

#include <imgapi/server/handlers.hpp>
#include <imgapi/server/rest_error.hpp>

#include <manifest/image_manifest.hpp>

#include <algorithm>

namespace imgapi::server {

void passive_auth(const ServerState& state, const RequestContext& ctx) {
  if (state.mode == Mode::dc || ctx.header("Authorization") == nullptr) return;
  throw http_error(401, "Unauthorized: this server serves anonymous reads only and cannot "
                        "verify the Authorization header; send the request without it");
}

void strict_auth(const ServerState& state, const RequestContext& ctx) {
  (void)ctx;
  if (state.mode == Mode::dc) return;
  throw http_error(401, "Unauthorized: this is a read-only mirror (private mode); images are "
                        "added by writing the catalog directory, or use a DC-mode server "
                        "(serve --mode dc)");
}

std::optional<std::string> request_channel(const ServerState& state, const RequestContext& ctx,
                                           bool allow_star) {
  if (state.channels == nullptr) return std::nullopt;
  return state.channels->resolve(ctx.query_param("channel"), allow_star);
}

RecordPtr get_image(ServerState& state, RequestContext& ctx, const std::string& uuid,
                    const std::optional<std::string>& channel) {
  const std::string* account = ctx.query_param("account");
  if (account != nullptr && account->empty()) account = nullptr;
  if (account != nullptr && !manifest::is_uuid(*account)) {
    throw invalid_parameter("invalid \"account\": not a UUID: \"" + *account + "\"",
                            field_errors("account", "Invalid"));
  }
  RecordPtr record = state.store->find(uuid);
  if (!record) throw image_not_found(uuid);
  if (channel && std::find(record->channels.begin(), record->channels.end(), *channel) ==
                     record->channels.end()) {
    throw resource_not_found("image not found");
  }
  if (account != nullptr && record->string_field("owner") != *account) {
    const common::Json* pub = record->field("public");
    const common::Json* acl = record->field("acl");
    bool is_public = pub != nullptr && (*pub == true || *pub == "true");
    bool listed = acl != nullptr && acl->is_array() &&
                  std::find(acl->begin(), acl->end(), common::Json(*account)) != acl->end();
    if (!record->activated || (!is_public && !listed)) throw resource_not_found("image not found");
  }
  return record;
}

void require_account_owner(const RequestContext& ctx, const ImageRecord& record) {
  const std::string* account = ctx.query_param("account");
  if (account == nullptr || account->empty()) return;
  if (!manifest::is_uuid(*account)) {
    throw invalid_parameter("invalid \"account\": not a UUID: \"" + *account + "\"",
                            field_errors("account", "Invalid"));
  }
  if (record.string_field("owner") != *account) throw not_image_owner(*account, record.uuid);
}

bool admin_fields(const ServerState& state, const RequestContext& ctx) {
  const std::string* value = ctx.query_param("inclAdminFields");
  if (value == nullptr || *value == "false") return false;
  if (*value != "true") throw invalid_bool_param("inclAdminFields", *value);
  if (state.mode != Mode::dc) {
    throw http_error(401, "Unauthorized (auth required to use \"inclAdminFields\" parameter)");
  }
  return true;
}

SerializeOptions serialize_options(const RequestContext& ctx, bool admin) {
  SerializeOptions options;
  options.version = ctx.version;
  options.admin_fields = admin;
  return options;
}

}  // namespace imgapi::server
