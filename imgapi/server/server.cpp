// imgapi::server::Server: cpp-httplib wiring. Every request goes through one dispatcher
// (routes.hpp decides the endpoint) so that unknown routes, wrong methods, bad versions
// and bad uuids get IMGAPI's answers in IMGAPI's order, whatever httplib would do.

#include <imgapi/server/server.hpp>

#include <imgapi/server/gated_http_server.hpp>
#include <imgapi/server/handlers.hpp>
#include <imgapi/server/rest_error.hpp>
#include <imgapi/server/routes.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace imgapi::server {
namespace {

// What the request log needs about the request being handled on this thread. httplib
// runs routing, the reply (including a streamed body) and its logger on one thread.
struct RequestLog {
  bool active = false;
  std::string id;
  std::chrono::steady_clock::time_point start;
  std::uint64_t bytes = 0;
  FaultDecision faults;
};
thread_local RequestLog t_log;

std::string request_id(const httplib::Request& req) {
  for (const char* name : {"x-request-id", "request-id"}) {
    std::string value = req.get_header_value(name);
    bool printable = !value.empty() && value.size() <= 128 &&
                     value.find_first_of("\r\n\"\\") == std::string::npos;
    if (printable) return value;
  }
  // A v4-style id from the clock and a counter: unique enough for log correlation.
  static std::atomic<std::uint64_t> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch().count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
                static_cast<unsigned long long>(now >> 32) & 0xffffffffULL,
                static_cast<unsigned long long>(now >> 16) & 0xffffULL,
                static_cast<unsigned long long>(now) & 0xfffULL,
                static_cast<unsigned long long>(::getpid()) & 0xfffULL,
                static_cast<unsigned long long>(++counter) & 0xffffffffffffULL);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

struct Server::Impl {
  ServerState state;
  GatedHttpServer http;  // httplib behind the connection gate (gated_http_server.hpp)
  std::string summary;

  explicit Impl(Options options);
  void setup();
  httplib::Server::HandlerResponse pre_route(const httplib::Request& req, httplib::Response& res);
  void dispatch(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader);
  void route(RequestContext& ctx);
  void log_request(const httplib::Request& req, const httplib::Response& res);
  RequestContext context(const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader* reader);
};

Server::Impl::Impl(Options options) {
  state.mode = options.mode;
  if (!manifest::is_uuid(options.admin_uuid)) {
    throw common::Error(common::ExitCode::usage,
                        "--admin-uuid \"" + options.admin_uuid + "\" is not a lower-case UUID");
  }
  state.admin_uuid = options.admin_uuid;
  state.faults = std::make_unique<FaultInjector>(options.faults);
  state.server_name = std::string("IMGAPI/") + k_imgapi_version + " (sdcadm-bundle " +
                      SDCB_VERSION + ")";
  state.host_name = host_name();
  if (options.mode == Mode::private_ && options.source) {
    state.store = options.source->store;
    state.channels_owner = options.source->channels;
    summary = "mode private, " + options.source->description;
  } else if (options.mode == Mode::private_) {
    auto catalog = std::make_shared<CatalogStore>(options.catalog_dir);
    state.channels_owner = std::shared_ptr<const Channels>(catalog, &catalog->channels());
    summary = "mode private";
    state.store = std::move(catalog);
  } else {
    auto dc = std::make_shared<DcStore>(options.data_dir);
    state.dc = dc.get();
    summary = "mode dc, " + std::to_string(dc->all().size()) + " images, data " + options.data_dir;
    state.store = std::move(dc);
  }
  if (state.channels_owner) {
    state.channels = state.channels_owner.get();
    summary += ", " + std::to_string(state.store->all().size()) + " images, channels " +
               state.channels->summary();
  }
  if (!state.faults->empty()) summary += ", TEST FAULTS ON";
  setup();
}

void Server::Impl::setup() {
  // Timeouts and connection limits live in the gate (connection_gate.hpp, GateLimits);
  // httplib's own read timeout only reaches the socket option it sets on accept.
  http.set_read_timeout(60);
  // Replies go out as a header write then a body write; without TCP_NODELAY, Nagle plus the
  // client's delayed ACK add ~40 ms to every small reply.
  http.set_tcp_nodelay(true);
  http.set_write_timeout(60);
  http.set_keep_alive_max_count(100);
  http.set_payload_max_length(static_cast<std::size_t>(k_max_image_size));
  http.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return pre_route(req, res); });
  // Any path, any characters: the dispatcher decides (a plain ".*" would miss newlines).
  const std::string any = "[\\s\\S]*";
  http.Get(any, [this](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res, nullptr);
  });
  http.Options(any, [this](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res, nullptr);
  });
  auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) { dispatch(req, res, &reader); };
  http.Post(any, with_body);
  http.Put(any, with_body);
  http.Patch(any, with_body);
  http.Delete(any, with_body);
  // Errors httplib answers itself (malformed request line, bad Range, unrouted methods
  // such as TRACE) get an IMGAPI-style JSON body too.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) res.status = 405;  // only methods without any route get here
    RequestContext ctx = context(req, res, nullptr);
    std::string message;
    switch (res.status) {
      case 405: message = req.method + " is not allowed"; break;
      case 413: message = "the request body is too large"; break;
      case 414: message = "the request URI is longer than 8192 bytes"; break;
      case 416: message = "the Range header is malformed (this server ignores ranges)"; break;
      case 500: message = "internal error"; break;
      default: message = "the request could not be parsed as HTTP/1.1"; break;
    }
    send_error(ctx, res.status, http_error(res.status, message).body());
    add_common_headers(ctx, state.server_name, state.host_name);
    return httplib::Server::HandlerResponse::Handled;
  }));
  // An exception that escapes the dispatcher's own catch (a bug) is still answered in
  // IMGAPI's shape, and logged, rather than as httplib's bare 500.
  http.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        common::log::error(req.method + " " + req.target + ": internal error: " + what);
        res.headers.clear();
        RequestContext ctx = context(req, res, nullptr);
        send_error(ctx, 500, internal_error("internal error: " + what).body());
        add_common_headers(ctx, state.server_name, state.host_name);
      });
  http.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { log_request(req, res); });
}

RequestContext Server::Impl::context(const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader* reader) {
  RequestContext ctx(req, res, reader);
  ctx.method = req.method;
  ctx.raw_url = req.target;
  std::size_t q = req.target.find('?');
  ctx.raw_path = req.target.substr(0, q);
  if (q != std::string::npos) ctx.query = parse_query(req.target.substr(q + 1));
  if (!t_log.active) {
    t_log = RequestLog{};
    t_log.active = true;
    t_log.id = request_id(req);
    t_log.start = std::chrono::steady_clock::now();
  }
  ctx.request_id = t_log.id;
  ctx.start = t_log.start;
  ctx.faults = t_log.faults;
  ctx.bytes_sent = &t_log.bytes;
  return ctx;
}

httplib::Server::HandlerResponse Server::Impl::pre_route(const httplib::Request& req,
                                                         httplib::Response& res) {
  t_log = RequestLog{};
  t_log.active = true;
  t_log.id = request_id(req);
  t_log.start = std::chrono::steady_clock::now();
  // IMGAPI has no Range support and never compresses: keep httplib from doing either
  // (these fields belong to httplib's own non-const Request object).
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.ranges.clear();
  mutable_req.headers.erase("Accept-Encoding");
  mutable_req.headers.erase("Content-Encoding");
  if (state.faults->empty()) return httplib::Server::HandlerResponse::Unhandled;
  std::string path = req.target.substr(0, req.target.find('?'));
  t_log.faults = state.faults->on_request(req.method, path);
  if (t_log.faults.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(t_log.faults.latency_ms));
  }
  if (t_log.faults.status == 0) return httplib::Server::HandlerResponse::Unhandled;
  RequestContext ctx = context(req, res, nullptr);
  common::log::info("fault: answering " + std::to_string(t_log.faults.status) + " (" +
                    t_log.faults.status_spec + ")");
  send_error(ctx, t_log.faults.status,
             http_error(t_log.faults.status, "injected fault (--fault " + t_log.faults.status_spec + ")").body());
  add_common_headers(ctx, state.server_name, state.host_name);
  return httplib::Server::HandlerResponse::Handled;
}

void Server::Impl::dispatch(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader* reader) {
  RequestContext ctx = context(req, res, reader);
  try {
    route(ctx);
  } catch (const RestError& e) {
    std::string allow = res.get_header_value("Allow");
    res.headers.clear();
    if (!allow.empty()) res.set_header("Allow", allow);
    send_error(ctx, e.status(), e.body());
  } catch (const common::Error& e) {
    common::log::error(ctx.method + " " + ctx.raw_url + ": " + e.what());
    res.headers.clear();
    send_error(ctx, 500, internal_error(e.what()).body());
  } catch (const std::exception& e) {
    common::log::error(ctx.method + " " + ctx.raw_url + ": internal error: " + e.what());
    res.headers.clear();
    send_error(ctx, 500, internal_error(std::string("internal error: ") + e.what()).body());
  }
  ctx.drain_small_body();
  add_common_headers(ctx, state.server_name, state.host_name);
}

void Server::Impl::route(RequestContext& ctx) {
  std::optional<Route> r = match_route(ctx.raw_path, state.mode);
  if (!r) throw url_not_found(ctx.raw_url);
  std::string method = ctx.method == "HEAD" ? "GET" : ctx.method;
  if (std::find(r->methods.begin(), r->methods.end(), method) == r->methods.end()) {
    ctx.res.set_header("Allow", join(r->methods, ", "));
    throw http_error(405, ctx.method + " is not allowed");
  }
  const std::string* accept = ctx.header("Accept-Version");
  std::optional<ApiVersion> version = resolve_accept_version(accept);
  if (!version) {
    throw RestError(400, "InvalidVersion", (accept && !accept->empty() ? *accept : "?") +
                                               " is not supported by " + ctx.method + " " +
                                               ctx.raw_path);
  }
  ctx.version = *version;
  if (method == "POST" || method == "PUT" || method == "DELETE") strict_auth(state, ctx);
  if (r->has_uuid && !manifest::is_uuid(r->uuid)) throw url_not_found(ctx.raw_url);
  switch (r->endpoint) {
    case Endpoint::ping: return handle_ping(state, ctx);
    case Endpoint::list_channels: return handle_list_channels(state, ctx);
    case Endpoint::images:
      return method == "GET" ? handle_list_images(state, ctx) : handle_create_image(state, ctx);
    case Endpoint::image:
      if (method == "GET") return handle_get_image(state, ctx, r->uuid);
      if (method == "POST") return handle_image_action(state, ctx, r->uuid);
      return handle_delete_image(state, ctx, r->uuid);
    case Endpoint::image_file:
      return method == "GET" ? handle_get_file(state, ctx, r->uuid)
                             : handle_add_file(state, ctx, r->uuid);
    case Endpoint::image_icon:
      if (method == "GET") return handle_get_icon(state, ctx, r->uuid);
      get_image(state, ctx, r->uuid, request_channel(state, ctx, false));
      throw not_available("image icons are not supported by this server");
    case Endpoint::unsupported:
      throw not_available(r->name + " is not supported by this server (sdcadm-bundle serve)");
  }
}

void Server::Impl::log_request(const httplib::Request& req, const httplib::Response& res) {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - t_log.start);
  std::uint64_t bytes = res.content_provider_ ? t_log.bytes : res.body.size();
  common::Json fields = {{"req_id", t_log.active ? t_log.id : std::string()},
                         {"method", req.method},
                         {"url", req.target},
                         {"status", res.status},
                         {"bytes", bytes},
                         {"ms", t_log.active ? elapsed.count() : 0},
                         {"remote", req.remote_addr}};
  common::log::info(req.method + " " + req.target + " " + std::to_string(res.status), fields);
  t_log.active = false;
}

Server::Server(Options options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() = default;

int Server::bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = m_impl->http.bind_to_any_port(host);
  } else if (!m_impl->http.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    throw common::Error(common::ExitCode::config,
                        "cannot listen on " + host + ":" + std::to_string(port) +
                            ": the address is in use or not available on this machine");
  }
  m_impl->http.widen_backlog();
  return bound;
}

void Server::run() {
  // A client that disconnects mid-reply must not kill the server with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  m_impl->http.listen_after_bind();
}

void Server::stop() { m_impl->http.stop(); }

std::string Server::summary() const { return m_impl->summary; }

void parse_listen(const std::string& listen, std::string& host, int& port) {
  std::size_t colon = listen.rfind(':');
  auto bad = [&] {
    return common::Error(common::ExitCode::usage,
                         "--listen \"" + listen + "\" is not HOST:PORT (e.g. 127.0.0.1:8080, "
                                                  "or port 0 for any free port)");
  };
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) throw bad();
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string digits = listen.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) throw bad();
  port = std::stoi(digits);
  if (port > 65535) throw bad();
}

}  // namespace imgapi::server
