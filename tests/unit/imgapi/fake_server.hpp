#pragma once
// Test doubles for the IMGAPI client tests: a cpp-httplib server on 127.0.0.1 (any free
// port) in a thread, whose routes each test writes to misbehave on purpose (cut bodies,
// wrong bytes, HTML errors, duplicate pages ...). Every request is recorded. The real
// server is exercised by tests/integration/imgapi_client.sh.

#include <imgapi/client.hpp>

#include <common/hash.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace imgapi_test {

struct Recorded {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;
  std::multimap<std::string, std::string, httplib::detail::ci> headers;
  std::string body;

  std::string param(const std::string& key) const {
    const auto it = params.find(key);
    return it == params.end() ? std::string("<unset>") : it->second;
  }
  bool has_param(const std::string& key) const { return params.count(key) > 0; }
  std::string header(const std::string& key) const {
    const auto it = headers.find(key);
    return it == headers.end() ? std::string("<unset>") : it->second;
  }
};

class FakeServer {
 public:
  explicit FakeServer(const std::function<void(httplib::Server&)>& routes) {
    routes(m_server);
    // The logger runs after the reply went out (so it sees the body), possibly after the
    // client already returned; requests() waits for the requests counted on arrival.
    m_server.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
      std::lock_guard<std::mutex> lock(m_mutex);
      ++m_arrived;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    m_server.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_requests.push_back({req.method, req.path, {req.params.begin(), req.params.end()},
                            {req.headers.begin(), req.headers.end()}, req.body});
      m_logged.notify_all();
    });
    m_server.set_keep_alive_timeout(1);
    m_port = m_server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeServer() {
    m_server.stop();
    m_thread.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // The requests that were answered, in order (waits up to 2 s for the last ones to be
  // logged; requests whose connection was cut may never be).
  std::vector<Recorded> requests() const {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_logged.wait_for(lock, std::chrono::seconds(2), [this] { return m_requests.size() >= m_arrived; });
    return m_requests;
  }

 private:
  httplib::Server m_server;
  int m_port = -1;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_logged;
  std::size_t m_arrived = 0;
  std::vector<Recorded> m_requests;
};

// Client options for tests: no waiting between retries.
inline imgapi::ClientOptions fast_options() {
  imgapi::ClientOptions o;
  o.http.connect_timeout_ms = 2000;
  o.http.read_timeout_s = 5;
  o.http.max_attempts = 3;
  o.http.backoff_initial_ms = 1;
  o.http.backoff_max_ms = 2;
  o.file_attempts = 3;
  o.file_backoff_ms = 1;
  return o;
}

inline std::string uuid_n(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

// A minimal API-form manifest; published_at is 2020-01-01T00:00:NN.000Z for n < 60.
inline common::Json manifest_json(const std::string& uuid, const std::string& name, int second,
                                  const std::string& state = "active") {
  char published[64];
  std::snprintf(published, sizeof published, "2020-01-01T00:%02d:%02d.000Z", second / 60,
                second % 60);
  return common::Json{{"v", 2},           {"uuid", uuid},          {"owner", uuid_n(0)},
                      {"name", name},     {"version", "1.0." + std::to_string(second)},
                      {"state", state},   {"disabled", false},     {"public", false},
                      {"published_at", published}, {"type", "zone-dataset"}, {"os", "smartos"},
                      {"files", common::Json::array()}};
}

inline void reply_json(httplib::Response& res, const common::Json& json, int status = 200) {
  res.status = status;
  res.set_content(common::dump_json(json), "application/json");
}

inline void reply_error(httplib::Response& res, int status, const std::string& code,
                        const std::string& message) {
  reply_json(res, {{"code", code}, {"message", message}}, status);
}

inline std::string md5_base64(const std::string& data) {
  common::Hasher md5(common::HashAlgorithm::md5);
  md5.update(data);
  return md5.finish_base64();
}

// A deterministic, incompressible-looking payload.
inline std::string payload(std::size_t size, unsigned seed = 1) {
  std::string out(size, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// Serves `body` as an image file: Content-Length and Content-MD5 of `body`, or of what is
// given. When cut_at is set the connection is closed after that many bytes.
inline void serve_file(httplib::Response& res, const std::string& body,
                       std::optional<std::size_t> cut_at = std::nullopt,
                       std::optional<std::string> content_md5 = std::nullopt) {
  res.status = 200;
  res.set_header("Content-MD5", content_md5 ? *content_md5 : md5_base64(body));
  const std::size_t limit = cut_at ? *cut_at : body.size();
  res.set_content_provider(
      body.size(), "application/octet-stream",
      [body, limit](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        if (offset >= limit) return false;  // cancel: the server closes the connection
        const std::size_t n = std::min(length, limit - offset);
        sink.write(body.data() + offset, n);
        return true;
      });
}

}  // namespace imgapi_test
