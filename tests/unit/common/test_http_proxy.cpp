// HTTP client: proxies come from the environment (libcurl's rules). The "proxy" is a
// raw socket listener: it records the request line (absolute-form through a proxy) and
// answers itself, which cpp-httplib's router cannot do for absolute-form targets.
#include <common/http_client.hpp>

#include "http_test_server.hpp"

#include <poll.h>

#include <atomic>
#include <cstdlib>
#include <optional>

using common::HttpClient;
using common::HttpRequest;
using test_support::fast_options;
using test_support::TestServer;

namespace {

const char* const k_proxy_vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                    "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY"};

// The other tests talk to 127.0.0.1 directly; a proxy set in the developer's shell
// must not change that, so the program starts with none.
const bool g_proxies_cleared = [] {
  for (const char* name : k_proxy_vars) ::unsetenv(name);
  return true;
}();

// Sets environment variables for one test, then removes them again.
class EnvGuard {
 public:
  void set(const char* name, const std::string& value) {
    ::setenv(name, value.c_str(), 1);
    m_names.push_back(name);
  }
  ~EnvGuard() {
    for (const char* name : m_names) ::unsetenv(name);
  }

 private:
  std::vector<const char*> m_names;
};

class FakeProxy {
 public:
  FakeProxy() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(m_fd, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve_one(); });
  }
  ~FakeProxy() {
    m_stop = true;
    m_thread.join();
    ::close(m_fd);
  }
  FakeProxy(const FakeProxy&) = delete;
  FakeProxy& operator=(const FakeProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  // The request line of the one request served, or "(none)".
  std::string request_line() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_request_line.value_or("(none)");
  }

 private:
  void serve_one() {
    pollfd p{m_fd, POLLIN, 0};
    while (!m_stop && ::poll(&p, 1, 20) == 0) {
    }
    if (m_stop) return;
    const int conn = ::accept(m_fd, nullptr, nullptr);
    if (conn < 0) return;
    std::string head;
    char buf[1024];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) break;
      head.append(buf, static_cast<std::size_t>(n));
    }
    {
      // Recorded before replying: the client checks it as soon as the reply arrives.
      std::lock_guard<std::mutex> lock(m_mutex);
      m_request_line = head.substr(0, head.find("\r\n"));
    }
    const std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nvia proxy";
    if (::write(conn, reply.data(), reply.size()) < 0) {
      // the client went away; the test's assertions will say so
    }
    ::close(conn);
  }

  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  std::mutex m_mutex;
  std::optional<std::string> m_request_line;
};

HttpRequest get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}


}  // namespace

TEST_CASE("http_proxy from the environment is used", "[http][proxy]") {
  REQUIRE(g_proxies_cleared);
  FakeProxy proxy;
  EnvGuard env;
  env.set("http_proxy", proxy.url());
  HttpClient client(fast_options());
  // A name that cannot resolve: only a proxy can answer for it.
  const std::string target = "http://sdcb-updates.invalid:8080/images?channel=dev";
  const auto res = client.send(get(target));
  CHECK(res.status == 200);
  CHECK(res.body == "via proxy");
  CHECK(proxy.request_line() == "GET " + target + " HTTP/1.1");
}

TEST_CASE("no_proxy bypasses the proxy", "[http][proxy]") {
  FakeProxy proxy;
  std::atomic<int> hits{0};
  TestServer server([&hits](httplib::Server& s) {
    s.Get("/direct", [&hits](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.set_content("direct", "text/plain");
    });
  });
  EnvGuard env;
  env.set("http_proxy", proxy.url());
  env.set("no_proxy", "127.0.0.1");
  HttpClient client(fast_options());
  CHECK(client.send(get(server.url("/direct"))).body == "direct");
  CHECK(hits == 1);
  CHECK(proxy.request_line() == "(none)");
}

TEST_CASE("upper-case HTTP_PROXY is ignored for http, as curl does", "[http][proxy]") {
  FakeProxy proxy;
  std::atomic<int> hits{0};
  TestServer server([&hits](httplib::Server& s) {
    s.Get("/direct", [&hits](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.set_content("direct", "text/plain");
    });
  });
  EnvGuard env;
  env.set("HTTP_PROXY", proxy.url());
  HttpClient client(fast_options());
  CHECK(client.send(get(server.url("/direct"))).body == "direct");
  CHECK(hits == 1);
  CHECK(proxy.request_line() == "(none)");
}
