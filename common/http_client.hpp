#pragma once
// HTTP client on libcurl. One HttpClient per thread (a curl easy handle is reused for
// keep-alive). Proxies come from the usual environment variables, read by libcurl:
// http_proxy (lower-case only: curl ignores HTTP_PROXY, a CGI safety rule), https_proxy
// or HTTPS_PROXY, all_proxy, and no_proxy / NO_PROXY. Only http:// and https:// URLs are
// accepted; redirects are not followed. Bodies stream: downloads go to a Sink,
// uploads come from a Source with a known Content-Length; only small bodies (JSON,
// error replies) are held in memory, and those are capped (as are response headers,
// at 256 KiB in all; both overruns throw Error(bad_data)).
//
// Retries: connection errors, timeouts and 5xx replies are retried with exponential
// backoff, but only while no byte of a streamed response body has reached the sink and
// (for uploads) only when the request can be rewound. A failure after that throws
// common::Error(network) and the caller decides (IMGAPI files restart from zero, since
// IMGAPI has no Range support). Each retry is logged with common::log::warn. Timeouts:
// connect_timeout_ms to connect, read_timeout_s without a single byte moving.
// Exceptions thrown by a Sink, Source or ProgressFn abort the transfer and reach the
// caller unchanged, without a retry.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace common {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpOptions {
  long connect_timeout_ms = 10'000;
  long read_timeout_s = 60;        // abort when no byte arrives for this long
  int max_attempts = 5;            // total tries for retryable failures
  long backoff_initial_ms = 200;   // doubled after each failed try ...
  long backoff_max_ms = 5'000;     // ... up to this
  std::size_t max_memory_body = 16u << 20;  // cap for bodies kept in memory
  std::string user_agent = "sdcadm-bundle";
};

struct HttpResponse {
  long status = 0;
  Headers headers;   // names lower-cased, in arrival order
  std::string body;  // empty when the body went to a sink

  // First header with this (case-insensitive) name.
  std::optional<std::string> header(const std::string& name) const;
};

// Receives each chunk of a streamed response body, in order.
using Sink = std::function<void(const char* data, std::size_t size)>;
// Fills buf with up to max bytes of the upload body; returns the count, 0 at the end.
using Source = std::function<std::size_t(char* buf, std::size_t max)>;
// Bytes done and total (0 when unknown), for downloads or uploads.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;                  // small in-memory request body (e.g. JSON)
  Source upload;                     // streamed request body (PUT), if set ...
  std::uint64_t upload_size = 0;     // ... sent with this Content-Length
  std::function<void()> rewind;      // restarts `upload` from byte 0; enables retries
  ProgressFn progress;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and keeps the response body in memory (capped by
  // max_memory_body: larger bodies throw Error(bad_data)). Returns any HTTP status;
  // throws Error(network) when no response could be had after the retries.
  HttpResponse send(const HttpRequest& request);

  // As send(), but a 2xx body is streamed into `sink` instead of kept. Non-2xx bodies
  // are kept in memory (they are error replies). A transfer cut mid-body throws
  // Error(network) after the sink has seen part of the body.
  HttpResponse download(const HttpRequest& request, const Sink& sink);

  const HttpOptions& options() const { return m_options; }

 private:
  struct Impl;
  HttpOptions m_options;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace common
