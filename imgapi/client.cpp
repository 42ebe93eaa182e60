// imgapi::Client: requests, reply checks and the small endpoints. ListImages paging is in
// client_list.cpp, file transfers in client_file.cpp, the import body in import_body.cpp.
#include <imgapi/client.hpp>

#include <imgapi/api_error.hpp>
#include <imgapi/client_detail.hpp>
#include <imgapi/query.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <utility>

namespace imgapi {

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::ImageManifest;

namespace {

// JSON replies are small (a manifest, a page of up to 1000 manifests); the HttpClient
// already caps bodies kept in memory, this bounds the parser too.
constexpr int k_max_json_depth = 64;

}  // namespace


Client::Client(const std::string& base_url, ClientOptions options)
    : m_options(std::move(options)), m_http(m_options.http) {
  BaseUrl parsed = parse_base_url(base_url);
  m_root = std::move(parsed.root);
  if (!m_options.channel && parsed.channel && !parsed.channel->empty()) {
    m_options.channel = std::move(parsed.channel);
  }
}

common::HttpRequest Client::make_request(const std::string& method,
                                         const std::string& path) const {
  common::HttpRequest request;
  request.method = method;
  request.url = m_root + path;
  request.headers.emplace_back("Accept-Version", m_options.accept_version);
  return request;
}

common::HttpResponse Client::send(const std::string& method, const std::string& path,
                                  const std::string& body) {
  common::HttpRequest request = make_request(method, path);
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  common::HttpResponse response = m_http.send(request);
  refuse_foreign_reply(response, method, path);
  return response;
}

// Every IMGAPI reply with a body is JSON, errors included. A web server, a captive portal
// or a proxy's error page answers HTML: say the URL is wrong instead of parsing the page
// as an IMGAPI error (or taking its 404 for "no channels"). 5xx replies are left to the
// usual error path: a proxy's 502 page in front of a real IMGAPI is an outage, not a typo.
void Client::refuse_foreign_reply(const common::HttpResponse& response, const std::string& method,
                                  const std::string& path) const {
  if (response.status >= 500 || response.body.empty()) return;
  const auto type = response.header("content-type");
  if (!type || type->find("json") != std::string::npos) return;
  const std::string media = type->substr(0, type->find(';'));
  throw Error(ExitCode::config, m_root + " does not look like an updates server or IMGAPI: it answered " +
                                    method + " " + path + " with " + std::to_string(response.status) +
                                    " and " + (media.empty() ? std::string("a non-JSON body") : media) +
                                    ", not JSON; check the URL");
}

Json Client::parse_reply(const common::HttpResponse& response, const std::string& method,
                         const std::string& path) const {
  if (!detail::is_success(response.status)) {
    throw api_error_to_exception(ApiError::parse(response.status, response.body), method, path);
  }
  const std::string what = "IMGAPI " + method + " " + path + " reply";
  return common::parse_json(response.body, what, k_max_json_depth, m_options.http.max_memory_body);
}

Json Client::request_json(const std::string& method, const std::string& path,
                          const std::string& body) {
  return parse_reply(send(method, path, body), method, path);
}

ImageManifest Client::image_reply(const Json& json, const std::string& uuid,
                                  const std::string& what) const {
  if (!json.is_object()) {
    throw Error(ExitCode::bad_data, what + ": expected an image object, got " +
                                        std::string(json.type_name()));
  }
  ImageManifest image = ImageManifest::from_json(json, what);
  if (image.uuid() != uuid) {
    throw Error(ExitCode::bad_data, what + ": server returned image " + image.uuid() +
                                        " when asked for " + uuid);
  }
  return image;
}

std::optional<std::string> Client::read_channel(
    const std::optional<std::string>& override_channel) const {
  return override_channel ? override_channel : m_options.channel;
}

std::optional<std::string> Client::write_channel() const {
  if (m_options.channel && *m_options.channel == "*") {
    throw Error(ExitCode::usage,
                "channel \"*\" (all channels) is only valid for reads; name one channel to "
                "import, upload, activate or delete");
  }
  return m_options.channel;
}

Json Client::ping() {
  Json reply = request_json("GET", "/ping");
  if (detail::string_member(reply, "ping") != "pong") {
    throw Error(ExitCode::bad_data, "IMGAPI GET /ping: reply is not {\"ping\": \"pong\", ...}; " +
                                        m_root + " does not look like an IMGAPI");
  }
  return reply;
}

std::optional<std::vector<Channel>> Client::list_channels() {
  const std::string path = "/channels";
  const common::HttpResponse response = send("GET", path);
  // A DC IMGAPI mounts /channels only when channels are configured: 404 = no channels.
  if (response.status == 404) return std::nullopt;
  const Json reply = parse_reply(response, "GET", path);
  if (!reply.is_array()) {
    throw Error(ExitCode::bad_data, "IMGAPI GET /channels: expected an array, got " +
                                        std::string(reply.type_name()));
  }
  std::vector<Channel> channels;
  for (const auto& item : reply) {
    const auto name = detail::string_member(item, "name");
    if (!name) {
      throw Error(ExitCode::bad_data, "IMGAPI GET /channels: entry without a string \"name\": " +
                                          common::dump_json(item, -1).substr(0, 200));
    }
    Channel channel;
    channel.name = *name;
    channel.description = detail::string_member(item, "description").value_or("");
    const Json* is_default = detail::member(item, "default");
    channel.is_default = is_default != nullptr && *is_default == true;
    channels.push_back(std::move(channel));
  }
  return channels;
}

std::optional<std::string> Client::get_default_channel() {
  const auto channels = list_channels();
  if (!channels) return std::nullopt;
  for (const auto& channel : *channels) {
    if (channel.is_default) return channel.name;
  }
  return std::nullopt;
}

std::optional<ImageManifest> Client::find_image(const std::string& uuid,
                                                const std::optional<std::string>& channel) {
  detail::require_uuid(uuid);
  const std::string path = "/images/" + uuid + Query().add_if("channel", read_channel(channel)).str();
  const common::HttpResponse response = send("GET", path);
  if (response.status == 404) return std::nullopt;
  return image_reply(parse_reply(response, "GET", path), uuid, "IMGAPI GET " + path);
}

ImageManifest Client::get_image(const std::string& uuid,
                                const std::optional<std::string>& channel) {
  detail::require_uuid(uuid);
  const std::string path = "/images/" + uuid + Query().add_if("channel", read_channel(channel)).str();
  return image_reply(request_json("GET", path), uuid, "IMGAPI GET " + path);
}

ImportResult Client::import_image(const ImageManifest& image, OwnerCheck owner_check) {
  const std::string uuid = image.uuid();
  detail::require_uuid(uuid);
  Query query;
  query.add_if("channel", write_channel()).add("action", "import");
  if (owner_check == OwnerCheck::skip) query.add("skip_owner_check", "true");
  const std::string path = "/images/" + uuid + query.str();

  ImportResult result;
  const Json body = import_body(image.json(), &result.dropped_fields);
  if (!result.dropped_fields.empty()) {
    common::log::debug("import of " + uuid + ": dropped fields IMGAPI refuses or ignores",
                       {{"uuid", uuid}, {"dropped", result.dropped_fields}});
  }
  const common::HttpResponse response = send("POST", path, common::dump_json(body, -1));
  if (response.status == 409) {
    result.outcome = ImportResult::Outcome::already_exists;
    result.server_message = ApiError::parse(response.status, response.body).message;
    return result;
  }
  result.image = image_reply(parse_reply(response, "POST", path), uuid, "IMGAPI POST " + path);
  return result;
}

ImageManifest Client::activate_image(const std::string& uuid) {
  detail::require_uuid(uuid);
  const std::string path =
      "/images/" + uuid + Query().add_if("channel", write_channel()).add("action", "activate").str();
  return image_reply(request_json("POST", path), uuid, "IMGAPI POST " + path);
}

void Client::delete_image(const std::string& uuid, AllChannels all_channels) {
  detail::require_uuid(uuid);
  Query query;
  query.add_if("channel", write_channel());
  if (all_channels == AllChannels::yes) query.add("force_all_channels", "true");
  const std::string path = "/images/" + uuid + query.str();
  const common::HttpResponse response = send("DELETE", path);
  if (!detail::is_success(response.status)) {
    throw api_error_to_exception(ApiError::parse(response.status, response.body), "DELETE", path);
  }
}

}  // namespace imgapi
