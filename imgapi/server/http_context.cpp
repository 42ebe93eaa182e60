#include <imgapi/server/http_context.hpp>

#include <imgapi/server/image_record.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace imgapi::server {
namespace {

const char* const k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// qs-style decoding: '+' is a space; a malformed escape leaves the text as it was.
std::string decode_query_part(const std::string& text) {
  std::string plus = text;
  for (char& c : plus) {
    if (c == '+') c = ' ';
  }
  std::optional<std::string> decoded = decode_segment(plus);
  return decoded ? *decoded : plus;
}

std::uint64_t content_length(const RequestContext& ctx) {
  const std::string* cl = ctx.header("Content-Length");
  if (cl == nullptr || cl->empty() || cl->size() > 19) return 0;
  std::uint64_t n = 0;
  for (char c : *cl) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

bool is_chunked(const RequestContext& ctx) {
  const std::string* te = ctx.header("Transfer-Encoding");
  return te != nullptr && te->find("chunked") != std::string::npos;
}

// The entity tags of an If-Match / If-None-Match header, weak prefixes and quotes removed.
bool etag_listed(const std::string& header, const std::string& etag) {
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = header.find(',', start);
    std::string tag = header.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    std::size_t b = tag.find_first_not_of(" \t");
    std::size_t e = tag.find_last_not_of(" \t");
    tag = b == std::string::npos ? "" : tag.substr(b, e - b + 1);
    if (tag.compare(0, 2, "W/") == 0) tag.erase(0, 2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

RestError precondition_failed(const std::string& message) { return http_error(412, message); }

}  // namespace

const std::string* RequestContext::header(const char* name) const {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? nullptr : &it->second;
}

bool RequestContext::has_body() const { return is_chunked(*this) || content_length(*this) > 0; }

std::string RequestContext::read_body(std::size_t max) {
  std::string body;
  if (!has_body() || reader == nullptr) {
    body_read = true;
    return body;
  }
  std::string too_large = "Request body size exceeds " + std::to_string(max);
  if (content_length(*this) > max) throw http_error(413, too_large);
  bool over = false;
  bool ok = (*reader)([&](const char* data, std::size_t size) {
    if (body.size() + size > max) {
      over = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  body_read = true;
  if (over) throw http_error(413, too_large);
  if (!ok) throw http_error(400, "the request body ended before its announced length");
  return body;
}

bool RequestContext::stream_body(const std::function<bool(const char*, std::size_t)>& sink) {
  body_read = true;
  if (!has_body() || reader == nullptr) return true;
  return (*reader)([&](const char* data, std::size_t size) { return sink(data, size); });
}

void RequestContext::drain_small_body() {
  if (body_read || reader == nullptr || !has_body()) return;
  if (content_length(*this) > k_max_json_body) return;
  std::size_t seen = 0;
  body_read = true;
  (*reader)([&](const char*, std::size_t size) {
    seen += size;
    return seen <= k_max_json_body;
  });
}

std::optional<common::Json> read_json_body(RequestContext& ctx) {
  std::string text = ctx.read_body(k_max_json_body);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  try {
    return common::parse_json(text, "request body", 64, k_max_json_body);
  } catch (const common::Error& e) {
    std::string detail = e.what();
    std::size_t at = detail.find("invalid JSON: ");
    if (at != std::string::npos) detail = detail.substr(at + 14);
    throw RestError(400, "InvalidContent", "Invalid JSON: " + detail);
  }
}

void send_json(RequestContext& ctx, int status, const common::Json& body) {
  // Error messages quote what the client sent ("unknown channel: \xFF"): bytes that are not
  // UTF-8 become U+FFFD instead of an exception that left the client a bare 500.
  std::string text = body.dump(2, ' ', false, common::Json::error_handler_t::replace);
  ctx.res.status = status;
  ctx.res.set_header("Content-MD5", common::to_base64(
      [&] { common::Hasher h(common::HashAlgorithm::md5); h.update(text); return h.finish(); }()));
  ctx.res.set_content(text, "application/json");
}

void send_object(RequestContext& ctx, const common::Json& body) {
  ctx.res.set_header("Etag", json_etag(body));
  send_json(ctx, 200, body);
}

void send_error(RequestContext& ctx, int status, const common::Json& body) {
  send_json(ctx, status, body);
}

void send_empty(RequestContext& ctx, int status) {
  ctx.res.status = status;
  ctx.res.body.clear();
}

bool answer_conditional(RequestContext& ctx, const std::string& etag,
                        std::optional<std::int64_t> last_modified_ms) {
  bool safe = ctx.method == "GET" || ctx.method == "HEAD";
  if (const std::string* h = ctx.header("If-Match")) {
    if (!etag_listed(*h, etag)) throw precondition_failed(*h + " does not match");
  }
  if (const std::string* h = ctx.header("If-None-Match")) {
    if (etag_listed(*h, etag)) {
      if (!safe) throw precondition_failed(*h + " matched");
      send_empty(ctx, 304);
      return true;
    }
  }
  if (!last_modified_ms) return false;
  // HTTP dates have whole seconds; compare what the client saw in Last-Modified.
  std::int64_t mtime = *last_modified_ms / 1000 * 1000;
  if (const std::string* h = ctx.header("If-Modified-Since")) {
    std::optional<std::int64_t> since = parse_http_date(*h);
    if (since && mtime <= *since) {
      if (!safe) throw precondition_failed(*h + " modified");
      send_empty(ctx, 304);
      return true;
    }
  }
  if (const std::string* h = ctx.header("If-Unmodified-Since")) {
    std::optional<std::int64_t> since = parse_http_date(*h);
    if (since && mtime > *since) throw precondition_failed(*h + " modified");
  }
  return false;
}

void add_common_headers(RequestContext& ctx, const std::string& server_name,
                        const std::string& host_name) {
  auto now = std::chrono::system_clock::now();
  std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - ctx.start);
  ctx.res.set_header("Date", http_date(now_ms));
  ctx.res.set_header("Server", server_name);
  ctx.res.set_header("x-request-id", ctx.request_id);
  ctx.res.set_header("x-response-time", std::to_string(elapsed.count()));
  ctx.res.set_header("x-server-name", host_name);
}

std::string http_date(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[tm.tm_wday],
                tm.tm_mday, k_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<std::int64_t> parse_http_date(const std::string& text) {
  char day[4] = {}, mon[4] = {};
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(text.c_str(), "%3s %d %3s %d %d:%d:%d GMT", day, &d, mon, &y, &hh, &mm, &ss) == 7 ||
      std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", day, &d, mon, &y, &hh, &mm, &ss) == 7) {
    for (int m = 0; m < 12; ++m) {
      if (std::strcmp(mon, k_months[m]) != 0) continue;
      char iso[40];
      std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m + 1, d, hh, mm, ss);
      return parse_iso_ms(iso);
    }
    return std::nullopt;
  }
  return parse_iso_ms(text);
}

Params parse_query(const std::string& raw_query) {
  Params params;
  std::size_t start = 0;
  while (start < raw_query.size()) {
    std::size_t amp = raw_query.find('&', start);
    std::string item = raw_query.substr(start, amp == std::string::npos ? std::string::npos
                                                                        : amp - start);
    if (!item.empty()) {
      std::size_t eq = item.find('=');
      std::string key = decode_query_part(item.substr(0, eq));
      std::string value = eq == std::string::npos ? "" : decode_query_part(item.substr(eq + 1));
      params.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return params;
}

std::optional<std::string> decode_segment(const std::string& segment) {
  std::string out;
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c == '%') {
      if (i + 2 >= segment.size()) return std::nullopt;
      int hi = hex_value(segment[i + 1]), lo = hex_value(segment[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    out += c;
  }
  return out;
}

}  // namespace imgapi::server
