#pragma once
// Helpers for the HTTP client tests: a cpp-httplib server on 127.0.0.1 (any free port)
// run in a thread, a port nobody listens on, fast retry options, and a log capture.

#include <common/error.hpp>
#include <common/http_client.hpp>
#include <common/log.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace test_support {

class TestServer {
 public:
  explicit TestServer(const std::function<void(httplib::Server&)>& routes) {
    routes(m_server);
    m_server.set_keep_alive_timeout(1);  // bounds how long stop() waits on idle clients
    m_port = m_server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() only works once the accept loop runs.
    while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    m_server.stop();
    m_thread.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  int port() const { return m_port; }

 private:
  httplib::Server m_server;
  int m_port = -1;
  std::thread m_thread;
};

// A port that was free a moment ago and has no listener now: connecting is refused.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Retries without waiting, so retry tests stay fast.
inline common::HttpOptions fast_options() {
  common::HttpOptions o;
  o.connect_timeout_ms = 2000;
  o.read_timeout_s = 5;
  o.max_attempts = 3;
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 4;
  return o;
}

// Sends log records to a file (not the test's stderr) while it lives.
class LogCapture {
 public:
  LogCapture() {
    common::log::Config config;
    config.file = m_dir.file("log.json");
    config.stderr_level = common::log::Level::fatal;
    common::log::configure(config);
  }
  ~LogCapture() { common::log::configure(common::log::Config{}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return slurp(m_dir.file("log.json")); }

 private:
  TempDir m_dir;
};

// Deterministic, non-repeating-looking test bytes.
inline std::string pattern_bytes(std::size_t size) {
  std::string s(size, '\0');
  std::uint32_t x = 2463534242u;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return s;
}

template <typename Fn>
common::ExitCode error_code(Fn&& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const common::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  FAIL("no common::Error thrown");
  return common::ExitCode::ok;
}

}  // namespace test_support
