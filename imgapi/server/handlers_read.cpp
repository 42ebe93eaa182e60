// Read endpoints: Ping, ListChannels, ListImages, GetImage, GetImageIcon.

#include <imgapi/server/handlers.hpp>
#include <imgapi/server/rest_error.hpp>

#include <unistd.h>

namespace imgapi::server {

void handle_ping(ServerState& state, RequestContext& ctx) {
  passive_auth(state, ctx);
  if (const std::string* error = ctx.query_param("error")) throw ping_sample_error(*error);
  common::Json body = {{"ping", "pong"}, {"version", k_imgapi_version}, {"imgapi", true}};
  // IMGAPI shows its pid to authenticated callers and in DC mode only.
  if (state.mode == Mode::dc) body["pid"] = static_cast<long long>(::getpid());
  send_json(ctx, 200, body);
}

void handle_list_channels(ServerState& state, RequestContext& ctx) {
  passive_auth(state, ctx);
  send_json(ctx, 200, state.channels->json());
}

void handle_list_images(ServerState& state, RequestContext& ctx) {
  passive_auth(state, ctx);
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/true);
  bool admin = admin_fields(state, ctx);
  bool dc = state.mode == Mode::dc;
  // Outside DC mode an anonymous caller sees active images only.
  ListQuery query = parse_list_query(ctx.query, /*limit_to_active=*/!dc);
  query.channel = channel;
  if (query.marker_uuid) {
    RecordPtr marker = state.store->find(*query.marker_uuid);
    if (!marker) throw image_not_found(*query.marker_uuid);
    std::string published = marker->string_field("published_at");
    if (!published.empty()) query.marker_ms = parse_iso_ms(published);
  }
  // Moray (DC) answers at most 1000 images when no limit is given; the updates server's
  // local database has no default limit.
  std::vector<RecordPtr> images =
      select_images(state.store->all(), query, dc ? Scan::sorted_then_limited : Scan::local_database,
                    dc ? std::optional<double>(1000) : std::nullopt, /*tag_key_presence=*/dc);
  common::Json body = common::Json::array();
  SerializeOptions options = serialize_options(ctx, admin);
  for (const RecordPtr& image : images) body.push_back(serialize(*image, options));
  send_json(ctx, 200, body);
}

void handle_get_image(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  passive_auth(state, ctx);
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/true);
  RecordPtr image = get_image(state, ctx, uuid, channel);
  common::Json body = serialize(*image, serialize_options(ctx, admin_fields(state, ctx)));
  std::string etag = json_etag(body);
  if (answer_conditional(ctx, etag, std::nullopt)) {
    ctx.res.set_header("Etag", etag);
    return;
  }
  send_object(ctx, body);
}

void handle_get_icon(ServerState& state, RequestContext& ctx, const std::string& uuid) {
  std::optional<std::string> channel = request_channel(state, ctx, /*allow_star=*/true);
  RecordPtr image = get_image(state, ctx, uuid, channel);
  // This server stores no icons (AdminImportImage refuses "icon"), so none has one.
  throw resource_not_found("image \"" + image->uuid + "\" has no icon");
}

}  // namespace imgapi::server
