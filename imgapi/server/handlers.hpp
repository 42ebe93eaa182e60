#pragma once
// Internal to the server: the shared state the endpoint handlers work on, the handlers
// (one per IMGAPI endpoint, in handlers_*.cpp) and the middleware-like checks they share
// (restify's reqValidUuid, passive/strict auth, reqChannel, reqGetImage, ...).

#include <imgapi/server/catalog_store.hpp>
#include <imgapi/server/dc_store.hpp>
#include <imgapi/server/http_context.hpp>
#include <imgapi/server/server.hpp>

#include <memory>
#include <optional>
#include <string>

namespace imgapi::server {

// The IMGAPI version this server mimics (ping "version", Server header).
inline constexpr const char* k_imgapi_version = "4.13.1";

struct ServerState {
  Mode mode = Mode::private_;
  std::shared_ptr<ImageStore> store;
  const Channels* channels = nullptr;  // private mode: the channels of the source
  std::shared_ptr<const Channels> channels_owner;
  DcStore* dc = nullptr;               // dc mode
  std::string admin_uuid;
  std::unique_ptr<FaultInjector> faults;  // test-only; never null
  std::string server_name;
  std::string host_name;
};

// --- shared checks -------------------------------------------------------------------
// Private mode reads are anonymous: a present Authorization header cannot be verified
// here and is refused like a bad signature (401), as IMGAPI's passive auth does.
void passive_auth(const ServerState& state, const RequestContext& ctx);
// Private mode refuses every write: 401, as the updates server does for an anonymous
// caller (writes need HTTP-signature auth there).
void strict_auth(const ServerState& state, const RequestContext& ctx);
// The channel to filter by (nullopt = none: DC mode, or "*" when allowed).
std::optional<std::string> request_channel(const ServerState& state, const RequestContext& ctx,
                                           bool allow_star);
// reqGetImage: 422 for a bad account, 404 "image <uuid> not found", 404 "image not
// found" outside the channel or not visible to ?account=.
RecordPtr get_image(ServerState& state, RequestContext& ctx, const std::string& uuid,
                    const std::optional<std::string>& channel);
// reqEnsureAccountIsImageOwner.
void require_account_owner(const RequestContext& ctx, const ImageRecord& record);
// reqInclAdminFields: ?inclAdminFields=true|false; true needs auth outside DC mode (401).
bool admin_fields(const ServerState& state, const RequestContext& ctx);
SerializeOptions serialize_options(const RequestContext& ctx, bool admin = false);

// --- endpoints -----------------------------------------------------------------------
void handle_ping(ServerState& state, RequestContext& ctx);
void handle_list_channels(ServerState& state, RequestContext& ctx);
void handle_list_images(ServerState& state, RequestContext& ctx);
void handle_get_image(ServerState& state, RequestContext& ctx, const std::string& uuid);
void handle_get_icon(ServerState& state, RequestContext& ctx, const std::string& uuid);
void handle_get_file(ServerState& state, RequestContext& ctx, const std::string& uuid);
void handle_add_file(ServerState& state, RequestContext& ctx, const std::string& uuid);
void handle_create_image(ServerState& state, RequestContext& ctx);
void handle_image_action(ServerState& state, RequestContext& ctx, const std::string& uuid);
void handle_delete_image(ServerState& state, RequestContext& ctx, const std::string& uuid);

// Makes the reply end the connection early: the status line and headers go out, then
// the connection closes before the announced body (the "cut" fault).
void send_cut(RequestContext& ctx);

}  // namespace imgapi::server
