#pragma once
// Internal to the server: one request as the handlers see it, and the helpers that write
// IMGAPI-style replies (2-space JSON, Content-MD5, Etag, restify's common headers).
// Handlers throw RestError; the dispatcher turns it into the reply.

#include <imgapi/server/accept_version.hpp>
#include <imgapi/server/fault.hpp>
#include <imgapi/server/list_query.hpp>

#include <common/json.hpp>

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace imgapi::server {

// The largest JSON request body accepted (POST bodies); larger ones get 413.
inline constexpr std::size_t k_max_json_body = 1u << 20;
// IMGAPI's limit for image files (constants.MAX_IMAGE_SIZE, "20 GiB").
inline constexpr std::uint64_t k_max_image_size = 20ull << 30;

struct RequestContext {
  RequestContext(const httplib::Request& request, httplib::Response& response,
                 const httplib::ContentReader* content_reader)
      : req(request), res(response), reader(content_reader) {}

  const httplib::Request& req;
  httplib::Response& res;
  const httplib::ContentReader* reader;  // nullptr for methods without a body
  std::string method;
  std::string raw_url;   // the request target as sent, query included (restify req.url)
  std::string raw_path;  // the target up to '?'
  Params query;
  ApiVersion version = ApiVersion::v1;
  std::string request_id;
  FaultDecision faults;
  std::chrono::steady_clock::time_point start;
  bool body_read = false;  // the request body was consumed (or there was none)
  // Body bytes of a streamed reply actually written, for the request log. Points to
  // per-thread storage; streaming happens on the thread that ran the handler.
  std::uint64_t* bytes_sent = nullptr;

  const std::string* header(const char* name) const;
  const std::string* query_param(const std::string& key) const { return param(query, key); }

  // True when the request announces a body (Content-Length > 0 or chunked).
  bool has_body() const;
  // Reads the whole body, at most max bytes (413 RequestEntityTooLarge beyond).
  std::string read_body(std::size_t max);
  // Streams the body to `sink`; returns false when the body could not be read to its end
  // (client gone, short body, or `sink` returned false).
  bool stream_body(const std::function<bool(const char*, std::size_t)>& sink);
  // Reads and discards a small unread body so the next request on the connection starts
  // clean; larger ones are left (the client is expected to close).
  void drain_small_body();
};

// Parses a JSON request body: absent/empty -> nullopt; malformed -> 400 InvalidContent.
std::optional<common::Json> read_json_body(RequestContext& ctx);

// Replies. JSON bodies are pretty-printed with a 2-space indent and carry Content-MD5.
void send_json(RequestContext& ctx, int status, const common::Json& body);
// A single-object reply: also sets Etag (sha1 of the compact JSON).
void send_object(RequestContext& ctx, const common::Json& body);
void send_error(RequestContext& ctx, int status, const common::Json& body);
void send_empty(RequestContext& ctx, int status);

// Conditional request handling (restify conditionalRequest) against an Etag and, for
// files, a Last-Modified time. Returns true when it answered (304); throws RestError 412
// for a failed precondition.
bool answer_conditional(RequestContext& ctx, const std::string& etag,
                        std::optional<std::int64_t> last_modified_ms);

// Headers restify adds to every response: Date, Server, x-request-id, x-response-time,
// x-server-name.
void add_common_headers(RequestContext& ctx, const std::string& server_name,
                        const std::string& host_name);

// "Wed, 25 Nov 2026 12:00:00 GMT".
std::string http_date(std::int64_t unix_ms);
// Parses an HTTP date (RFC 1123) or an ISO-8601 date-time; nullopt if neither.
std::optional<std::int64_t> parse_http_date(const std::string& text);

// Splits a raw query string into decoded key/value pairs ('+' is a space).
Params parse_query(const std::string& raw_query);
// Percent-decodes a URL path segment; nullopt for malformed escapes or a NUL byte.
std::optional<std::string> decode_segment(const std::string& segment);

}  // namespace imgapi::server
