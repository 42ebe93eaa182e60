#include <common/http_client.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

namespace common {

namespace {

constexpr std::size_t k_max_header_bytes = 256 * 1024;

void global_init_once() {
  static std::once_flag flag;
  std::call_once(flag, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Error(ExitCode::internal, "libcurl global initialisation failed");
    }
  });
}

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

class Slist {
 public:
  Slist() = default;
  ~Slist() { curl_slist_free_all(m_list); }
  Slist(const Slist&) = delete;
  Slist& operator=(const Slist&) = delete;
  void append(const std::string& line) {
    curl_slist* next = curl_slist_append(m_list, line.c_str());
    if (!next) throw Error(ExitCode::internal, "out of memory building HTTP headers");
    m_list = next;
  }
  curl_slist* get() const { return m_list; }

 private:
  curl_slist* m_list = nullptr;
};

// Failures where the server may answer on a later try: it was down, restarting,
// overloaded or the network dropped the connection before the reply was complete.
bool is_retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

long backoff_ms(const HttpOptions& options, int failed_attempts) {
  long delay = std::max(1L, options.backoff_initial_ms);
  for (int i = 1; i < failed_attempts && delay < options.backoff_max_ms; ++i) delay *= 2;
  delay = std::min(delay, std::max(1L, options.backoff_max_ms));
  // Up to 10 % jitter so many clients restarting together do not retry in lockstep.
  static thread_local std::minstd_rand rng(std::random_device{}());
  return delay + static_cast<long>(rng() % static_cast<unsigned long>(delay / 10 + 1));
}

// State of one attempt, shared with the libcurl callbacks through their void* argument.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  const Sink* sink = nullptr;
  std::size_t max_memory = 0;
  HttpResponse response;
  std::size_t header_bytes = 0;     // all header lines so far, capped (hostile servers)
  std::uint64_t sink_bytes = 0;     // body bytes handed to the sink
  std::uint64_t upload_sent = 0;    // bytes taken from request->upload
  std::uint64_t* progress_last = nullptr;  // largest "done" reported, across attempts
  bool body_too_large = false;
  std::exception_ptr error;         // thrown by a callback, rethrown after perform

  bool sinking() {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    return sink && status >= 200 && status < 300;
  }
};

size_t header_cb(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string line(data, size * count);
  try {
    t->header_bytes += line.size();
    if (t->header_bytes > k_max_header_bytes) {
      throw Error(ExitCode::bad_data, t->request->method + " " + t->request->url +
                                          ": reply headers larger than " +
                                          std::to_string(k_max_header_bytes) + " bytes");
    }
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.headers.clear();  // a new response starts (after 100 Continue, ...)
    } else if (const auto colon = line.find(':'); colon != std::string::npos) {
      t->response.headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                       trim(line.substr(colon + 1)));
    }
  } catch (...) {
    t->error = std::current_exception();
    return 0;
  }
  return size * count;
}

size_t write_cb(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  try {
    if (t->sinking()) {
      (*t->sink)(data, n);
      t->sink_bytes += n;
      return n;
    }
    if (t->response.body.size() + n > t->max_memory) {
      t->body_too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, n);
    return n;
  } catch (...) {
    // Exceptions must not unwind through libcurl's C frames.
    t->error = std::current_exception();
    return 0;
  }
}

size_t read_cb(char* buf, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::uint64_t total = t->request->upload_size;
  try {
    const size_t want = static_cast<size_t>(
        std::min<std::uint64_t>(size * count, total - t->upload_sent));
    if (want == 0) return 0;
    const size_t got = t->request->upload(buf, want);
    if (got > want) throw Error(ExitCode::internal, "upload source returned too many bytes");
    if (got == 0) {
      throw Error(ExitCode::io, "upload source ended after " + std::to_string(t->upload_sent) +
                                    " of " + std::to_string(total) + " bytes");
    }
    t->upload_sent += got;
    return got;
  } catch (...) {
    t->error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

int xferinfo_cb(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow) {
  auto* t = static_cast<Transfer*>(user);
  (void)ultotal;
  const bool upload = static_cast<bool>(t->request->upload);
  const auto done = static_cast<std::uint64_t>(upload ? ulnow : dlnow);
  const auto total = upload ? t->request->upload_size : static_cast<std::uint64_t>(dltotal);
  if (done <= *t->progress_last) return 0;  // never report going backwards (retries)
  *t->progress_last = done;
  try {
    t->request->progress(done, total);
  } catch (...) {
    t->error = std::current_exception();
    return 1;  // aborts with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

template <typename T>
void setopt(CURL* curl, CURLoption option, T value) {
  if (curl_easy_setopt(curl, option, value) != CURLE_OK) {
    throw Error(ExitCode::internal, "libcurl refused option " + std::to_string(option));
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  const std::string wanted = to_lower(name);
  for (const auto& [key, value] : headers) {
    if (to_lower(key) == wanted) return value;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  CURL* curl = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};

  // One attempt: sets the options, performs, rethrows what a callback threw.
  CURLcode perform(const HttpOptions& options, const HttpRequest& req, Transfer& t, int attempt);
  void setup(const HttpOptions& options, const HttpRequest& req, Transfer& t, int attempt);
  void set_method_and_body(const HttpRequest& req, Transfer& t, Slist& headers);
  std::string error_text(CURLcode code) const {
    return errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(code));
  }
};

// Sets every option for one attempt on a freshly reset handle (the reset keeps the
// connection cache, so keep-alive still works).
void HttpClient::Impl::setup(const HttpOptions& options, const HttpRequest& req, Transfer& t, int attempt) {
  curl_easy_reset(curl);
  errbuf[0] = '\0';
  setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  setopt(curl, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85: the string form replaced the bit mask
  setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  setopt(curl, CURLOPT_NOSIGNAL, 1L);
  setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  // Image files are hundreds of MiB: 512 KiB per read and per send (libcurl's defaults are
  // 16 and 64 KiB) means a fraction of the syscalls and callbacks. 512 KiB is the largest
  // receive buffer libcurl 7.88 (Debian 12) accepts. Best effort: 7.88 refuses a new receive
  // buffer size on a handle whose previous transfer failed on a malformed URL (tested), and
  // the default sizes work.
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L << 10);
  curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 512L << 10);
  // A retry never rides on the connection the failed attempt used: after a server answered
  // an upload early (503 before the body was read), leftover body bytes on that connection
  // would be parsed as the next request (seen in CI as "400 ... could not be parsed").
  if (attempt > 1) setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
  // For the same reason an upload's connection is closed after it, whatever the answer;
  // uploads are image files, so one more TCP handshake costs nothing.
  if (req.upload) setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  // Read timeout: abort when less than 1 byte/s moves for read_timeout_s seconds.
  setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  setopt(curl, CURLOPT_LOW_SPEED_TIME, options.read_timeout_s);
  // CURLOPT_PROXY stays unset: libcurl then reads http_proxy, https_proxy, no_proxy.
  setopt(curl, CURLOPT_HEADERFUNCTION, &header_cb);
  setopt(curl, CURLOPT_HEADERDATA, &t);
  setopt(curl, CURLOPT_WRITEFUNCTION, &write_cb);
  setopt(curl, CURLOPT_WRITEDATA, &t);
  if (req.progress) {
    setopt(curl, CURLOPT_NOPROGRESS, 0L);
    setopt(curl, CURLOPT_XFERINFOFUNCTION, &xferinfo_cb);
    setopt(curl, CURLOPT_XFERINFODATA, &t);
  }
}

void HttpClient::Impl::set_method_and_body(const HttpRequest& req, Transfer& t, Slist& headers) {
  if (req.upload) {
    // Streamed body: PUT unless told otherwise; Expect: 100-continue stays on for
    // large bodies so a refusal comes before gigabytes are sent.
    setopt(curl, CURLOPT_UPLOAD, 1L);
    setopt(curl, CURLOPT_READFUNCTION, &read_cb);
    setopt(curl, CURLOPT_READDATA, &t);
    setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.upload_size));
    if (req.method != "PUT") setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (!req.body.empty() || req.method == "POST") {
    setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    setopt(curl, CURLOPT_POSTFIELDS, req.body.c_str());
    if (req.method != "POST") setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    headers.append("Expect:");  // bodies in memory are small: do not wait for 100 Continue
  } else if (req.method == "HEAD") {
    setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    setopt(curl, CURLOPT_HTTPGET, 1L);
    if (req.method != "GET") setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  for (const auto& [name, value] : req.headers) headers.append(name + ": " + value);
  if (headers.get()) setopt(curl, CURLOPT_HTTPHEADER, headers.get());
}

CURLcode HttpClient::Impl::perform(const HttpOptions& options, const HttpRequest& req,
                                   Transfer& t, int attempt) {
  Slist headers;  // must outlive curl_easy_perform
  setup(options, req, t, attempt);
  set_method_and_body(req, t, headers);
  const CURLcode rc = curl_easy_perform(curl);
  if (t.error) std::rethrow_exception(t.error);
  if (t.body_too_large) {
    throw Error(ExitCode::bad_data, req.method + " " + req.url + ": reply larger than " +
                                        std::to_string(options.max_memory_body) + " bytes");
  }
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.response.status);
  return rc;
}

namespace {

// An https:// URL whose server answers in plain HTTP: OpenSSL reads the HTTP reply as a
// TLS record and says "wrong version number" (older ones: "unknown protocol", "packet length
// too long"). Retrying cannot help and the OpenSSL text alone does not say what is wrong.
bool plain_http_answer(const std::string& url, CURLcode rc, const std::string& reason) {
  if (rc != CURLE_SSL_CONNECT_ERROR || url.compare(0, 8, "https://") != 0) return false;
  for (const char* sign : {"wrong version number", "unknown protocol", "packet length too long"}) {
    if (reason.find(sign) != std::string::npos) return true;
  }
  return false;
}

// "http://HOST:PORT" of an https:// URL: what the user probably meant.
std::string plain_http_origin(const std::string& url) {
  const std::size_t end = url.find('/', 8);
  return "http://" + url.substr(8, end == std::string::npos ? std::string::npos : end - 8);
}

// Throws for a failed attempt that must not (or can no longer) be retried.
void throw_unless_retryable(const std::string& what, CURLcode rc, const std::string& reason,
                            const Transfer& t, int attempt, bool may_retry) {
  if (t.sink_bytes > 0) {
    // The sink has part of the body; only the caller can start over.
    const auto length = t.response.header("content-length");
    throw Error(ExitCode::network, what + ": connection closed after " +
                                       std::to_string(t.sink_bytes) + " of " +
                                       (length ? *length : std::string("unknown")) +
                                       " bytes (" + reason + ")");
  }
  if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
    throw Error(ExitCode::config, what + ": " + reason + "; check the URL");
  }
  if (plain_http_answer(t.request->url, rc, reason)) {
    throw Error(ExitCode::config, what + ": the server does not speak TLS (it answered in plain HTTP: " +
                                      reason + "); did you mean " + plain_http_origin(t.request->url) + "?");
  }
  if (!is_retryable(rc) || !may_retry) {
    const std::string tries = std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts");
    throw Error(ExitCode::network, what + ": " + reason + " after " + tries +
                                       "; check that the server is up and reachable");
  }
}

void wait_before_retry(const HttpOptions& options, const HttpRequest& request,
                       const std::string& reason, int attempt) {
  const long delay = backoff_ms(options, attempt);
  log::warn(request.method + " " + request.url + ": " + reason + "; retrying in " +
                std::to_string(delay) + " ms (attempt " + std::to_string(attempt + 1) + " of " +
                std::to_string(options.max_attempts) + ")",
            {{"url", request.url}, {"method", request.method}, {"attempt", attempt + 1},
             {"delay_ms", delay}, {"reason", reason}});
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
}

// Curl's last progress call can come before the final bytes; make "done" reach the end.
void report_final_progress(const HttpRequest& request, const Transfer& t,
                           std::uint64_t progress_last) {
  if (!request.progress || t.response.status < 200 || t.response.status >= 300) return;
  const std::uint64_t done = request.upload ? request.upload_size
                             : t.sink        ? t.sink_bytes
                                             : t.response.body.size();
  if (done > progress_last) request.progress(done, done);
}

}  // namespace

HttpClient::HttpClient(HttpOptions options)
    : m_options(std::move(options)), m_impl(std::make_unique<Impl>()) {
  global_init_once();
  m_impl->curl = curl_easy_init();
  if (!m_impl->curl) throw Error(ExitCode::internal, "libcurl could not create a handle");
}

HttpClient::~HttpClient() {
  if (m_impl && m_impl->curl) curl_easy_cleanup(m_impl->curl);
}

HttpResponse HttpClient::send(const HttpRequest& request) { return download(request, Sink{}); }

HttpResponse HttpClient::download(const HttpRequest& request, const Sink& sink) {
  const std::string what = request.method + " " + request.url;
  const bool can_repeat = !request.upload || static_cast<bool>(request.rewind);
  const int max_attempts = std::max(1, m_options.max_attempts);
  std::uint64_t progress_last = 0;  // shared by all attempts: progress never goes back

  for (int attempt = 1;; ++attempt) {
    if (attempt > 1 && request.upload) request.rewind();
    Transfer t;
    t.curl = m_impl->curl;
    t.request = &request;
    t.sink = sink ? &sink : nullptr;
    t.max_memory = m_options.max_memory_body;
    t.progress_last = &progress_last;
    const CURLcode rc = m_impl->perform(m_options, request, t, attempt);

    const bool may_retry = attempt < max_attempts && can_repeat && t.sink_bytes == 0;
    std::string reason;
    if (rc == CURLE_OK) {
      if (t.response.status < 500 || !may_retry) {
        report_final_progress(request, t, progress_last);
        return std::move(t.response);
      }
      reason = "server answered " + std::to_string(t.response.status);
    } else {
      reason = m_impl->error_text(rc);
      throw_unless_retryable(what, rc, reason, t, attempt, may_retry);
    }
    wait_before_retry(m_options, request, reason, attempt);
  }
}

}  // namespace common
