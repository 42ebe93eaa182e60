// HTTP client: requests, statuses, retries, timeouts and limits against a local server.
// Streaming bodies are in test_http_streaming.cpp, proxies in test_http_proxy.cpp.
#include <common/http_client.hpp>

#include <common/error.hpp>

#include "http_test_server.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

using common::ExitCode;
using common::HttpClient;
using common::HttpRequest;
using test_support::error_code;
using test_support::fast_options;
using test_support::TestServer;

namespace {

HttpRequest get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

}  // namespace

TEST_CASE("GET returns status, JSON body and headers", "[http]") {
  TestServer server([](httplib::Server& s) {
    s.Get("/images", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Image-Count", "2");
      res.set_content(R"([{"uuid":"a"},{"uuid":"b"}])", "application/json");
      res.set_header("X-Seen-Agent", req.get_header_value("User-Agent"));
      res.set_header("X-Seen-Custom", req.get_header_value("X-Custom"));
    });
  });
  HttpClient client(fast_options());
  HttpRequest req = get(server.url("/images"));
  req.headers = {{"X-Custom", "yes"}};
  const auto res = client.send(req);
  CHECK(res.status == 200);
  const auto json = nlohmann::json::parse(res.body);
  REQUIRE(json.size() == 2);
  CHECK(json[1]["uuid"] == "b");
  CHECK(res.header("Content-Type") == std::optional<std::string>("application/json"));
  CHECK(res.header("x-image-count") == std::optional<std::string>("2"));
  CHECK(res.header("X-IMAGE-COUNT") == std::optional<std::string>("2"));
  CHECK_FALSE(res.header("X-Missing").has_value());
  CHECK(res.header("x-seen-agent") == std::optional<std::string>("sdcadm-bundle"));
  CHECK(res.header("x-seen-custom") == std::optional<std::string>("yes"));
  bool names_lower = true;
  for (const auto& header : res.headers) {
    for (char c : header.first) names_lower = names_lower && !(c >= 'A' && c <= 'Z');
  }
  CHECK(names_lower);
  CHECK(res.headers.size() >= 4);
}

TEST_CASE("a 404 is returned, not thrown, and its body kept", "[http]") {
  TestServer server([](httplib::Server& s) {
    s.Get("/images/x", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content(R"({"code":"ResourceNotFound"})", "application/json");
    });
  });
  HttpClient client(fast_options());
  const auto res = client.send(get(server.url("/images/x")));
  CHECK(res.status == 404);
  CHECK(res.body == R"({"code":"ResourceNotFound"})");

  bool sink_called = false;
  const auto dl = client.download(get(server.url("/images/x")),
                                  [&](const char*, std::size_t) { sink_called = true; });
  CHECK(dl.status == 404);
  CHECK_FALSE(sink_called);  // error replies stay in memory
  CHECK(dl.body == R"({"code":"ResourceNotFound"})");
}

TEST_CASE("in-memory POST bodies are sent without Expect: 100-continue", "[http]") {
  std::string seen_body, seen_type, seen_expect;
  TestServer server([&](httplib::Server& s) {
    s.Post("/images", [&](const httplib::Request& req, httplib::Response& res) {
      seen_body = req.body;
      seen_type = req.get_header_value("Content-Type");
      seen_expect = req.get_header_value("Expect");
      res.status = 201;
    });
  });
  HttpClient client(fast_options());
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/images");
  req.headers = {{"Content-Type", "application/json"}};
  req.body = nlohmann::json{{"name", std::string(1536 * 1024, 'n')}}.dump();  // curl adds Expect above 1 MiB
  const auto start = std::chrono::steady_clock::now();
  const auto res = client.send(req);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(800));
  CHECK(res.status == 201);
  CHECK(seen_body == req.body);
  CHECK(seen_type == "application/json");
  CHECK(seen_expect.empty());
}

TEST_CASE("other methods are sent as asked", "[http]") {
  std::string seen;
  TestServer server([&](httplib::Server& s) {
    s.Delete("/images/u", [&](const httplib::Request& req, httplib::Response& res) {
      seen = req.method;
      res.status = 204;
    });
    s.Put("/meta", [&](const httplib::Request& req, httplib::Response& res) {
      seen = req.method + " " + req.body;
      res.status = 200;
    });
    s.Post("/empty", [&](const httplib::Request& req, httplib::Response& res) {
      seen = req.method + " length=" + req.get_header_value("Content-Length");
      res.status = 200;
    });
  });
  HttpClient client(fast_options());
  HttpRequest del = get(server.url("/images/u"));
  del.method = "DELETE";
  CHECK(client.send(del).status == 204);
  CHECK(seen == "DELETE");
  HttpRequest put = get(server.url("/meta"));
  put.method = "PUT";
  put.body = "{}";
  CHECK(client.send(put).status == 200);
  CHECK(seen == "PUT {}");
  HttpRequest post = get(server.url("/empty"));
  post.method = "POST";
  CHECK(client.send(post).status == 200);
  CHECK(seen == "POST length=0");
}

TEST_CASE("one client reuses its connection", "[http]") {
  std::vector<int> ports;
  TestServer server([&](httplib::Server& s) {
    s.Get("/ping", [&](const httplib::Request& req, httplib::Response& res) {
      ports.push_back(req.remote_port);
      res.set_content("pong", "text/plain");
    });
  });
  HttpClient client(fast_options());
  CHECK(client.send(get(server.url("/ping"))).body == "pong");
  CHECK(client.send(get(server.url("/ping"))).body == "pong");
  REQUIRE(ports.size() == 2);
  CHECK(ports[0] == ports[1]);
}

TEST_CASE("5xx replies are retried with backoff until one succeeds", "[http]") {
  test_support::LogCapture log;
  std::atomic<int> requests{0};
  TestServer server([&](httplib::Server& s) {
    s.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
      if (++requests <= 2) {
        res.status = 503;
        res.set_content("busy", "text/plain");
      } else {
        res.set_content("ok", "text/plain");
      }
    });
  });
  HttpClient client(fast_options());
  const auto res = client.send(get(server.url("/flaky")));
  CHECK(res.status == 200);
  CHECK(res.body == "ok");
  CHECK(requests == 3);
  const std::string text = log.text();
  CHECK(text.find("server answered 503; retrying in") != std::string::npos);
  CHECK(text.find("\"attempt\":2") != std::string::npos);
  CHECK(text.find("\"attempt\":3") != std::string::npos);
}

TEST_CASE("a 5xx that persists is returned after max_attempts", "[http]") {
  test_support::LogCapture log;
  std::atomic<int> requests{0};
  TestServer server([&](httplib::Server& s) {
    s.Get("/down", [&](const httplib::Request&, httplib::Response& res) {
      ++requests;
      res.status = 500;
      res.set_content(R"({"code":"InternalError"})", "application/json");
    });
  });
  HttpClient client(fast_options());
  const auto res = client.send(get(server.url("/down")));
  CHECK(res.status == 500);
  CHECK(res.body == R"({"code":"InternalError"})");
  CHECK(requests == 3);
}

TEST_CASE("a refused connection is Error(network) after the retries", "[http]") {
  test_support::LogCapture log;
  HttpClient client(fast_options());
  const std::string url = "http://127.0.0.1:" + std::to_string(test_support::closed_port()) + "/x";
  std::string message;
  CHECK(error_code([&] { client.send(get(url)); }, &message) == ExitCode::network);
  CHECK(message.find("GET " + url + ": ") == 0);
  CHECK(message.find("after 3 attempts; check that the server is up and reachable") !=
        std::string::npos);
  CHECK(common::to_int(ExitCode::network) == 6);
}

TEST_CASE("a server that goes silent hits the read timeout", "[http]") {
  test_support::LogCapture log;
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  TestServer server([&](httplib::Server& s) {
    s.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
      res.set_content("late", "text/plain");
    });
  });
  auto options = fast_options();
  options.read_timeout_s = 1;
  options.max_attempts = 1;
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  CHECK(error_code([&] { client.send(get(server.url("/slow"))); }, &message) ==
        ExitCode::network);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= std::chrono::milliseconds(900));
  CHECK(took < std::chrono::seconds(4));
  CHECK(message.find("after 1 attempt;") != std::string::npos);
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  cv.notify_all();
}

TEST_CASE("bodies over max_memory_body are refused with Error(bad_data)", "[http]") {
  TestServer server([](httplib::Server& s) {
    s.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(5000, 'b'), "text/plain");
    });
    s.Get("/small", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("s", "text/plain");
    });
    s.Get("/big-error", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content(std::string(5000, 'e'), "text/plain");
    });
  });
  auto options = fast_options();
  options.max_memory_body = 1000;
  HttpClient client(options);
  std::string message;
  CHECK(error_code([&] { client.send(get(server.url("/big"))); }, &message) ==
        ExitCode::bad_data);
  CHECK(message.find("reply larger than 1000 bytes") != std::string::npos);
  CHECK(error_code([&] {
          client.download(get(server.url("/big-error")), [](const char*, std::size_t) {});
        }) == ExitCode::bad_data);
  // Exactly at the cap is fine; the client is still usable after the aborts.
  options.max_memory_body = 5000;
  HttpClient exact(options);
  CHECK(exact.send(get(server.url("/big"))).body.size() == 5000);
  CHECK(client.send(get(server.url("/small"))).body == "s");
}

TEST_CASE("a flood of response headers is refused with Error(bad_data)", "[http]") {
  TestServer server([](httplib::Server& s) {
    s.Get("/headers", [](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 400; ++i) {
        res.set_header("X-Pad-" + std::to_string(i), std::string(1000, 'h'));
      }
      res.set_content("x", "text/plain");
    });
  });
  HttpClient client(fast_options());
  std::string message;
  HttpRequest req = get(server.url("/headers"));
  CHECK(error_code([&] { client.send(req); }, &message) == ExitCode::bad_data);
  CHECK(message.find("reply headers larger than 262144 bytes") != std::string::npos);
}

TEST_CASE("bad URLs are configuration errors", "[http]") {
  HttpClient client(fast_options());
  CHECK(error_code([&] { client.send(get("not a url")); }) == ExitCode::config);
  CHECK(error_code([&] { client.send(get("file:///etc/passwd")); }) == ExitCode::config);
}

TEST_CASE("https:// to a plain-HTTP server is a configuration error, asked once", "[http]") {
  std::atomic<int> calls{0};
  TestServer server([&](httplib::Server& s) {
    s.Get("/ping", [&](const httplib::Request&, httplib::Response& res) {
      ++calls;
      res.set_content("pong", "text/plain");
    });
  });
  const std::string plain = server.url("/ping");  // http://127.0.0.1:PORT/ping
  const std::string tls = "https://" + plain.substr(7);
  test_support::LogCapture log;
  HttpClient client(fast_options());
  try {
    client.send(get(tls));
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::config);
    const std::string origin = plain.substr(0, plain.find('/', 7));
    const std::string what = e.what();
    CHECK(what.find("the server does not speak TLS") != std::string::npos);
    CHECK(what.find("did you mean " + origin + "?") != std::string::npos);
  }
  CHECK(log.text().find("retrying") == std::string::npos);  // a retry cannot help
  CHECK(calls == 0);
}
