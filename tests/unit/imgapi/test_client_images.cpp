// GetImage, import, activate, delete, channels and ping against fake servers.
#include "fake_server.hpp"

#include <common/error.hpp>

#include <atomic>

using common::ExitCode;
using common::Json;
using imgapi_test::FakeServer;

namespace {

const std::string k_uuid = imgapi_test::uuid_n(42);

template <typename F>
common::Error error_of(F&& f) {
  try {
    f();
  } catch (const common::Error& e) {
    return e;
  }
  FAIL("no common::Error thrown");
  return common::Error(ExitCode::ok, "");
}

}  // namespace

TEST_CASE("get_image sends Accept-Version and the channel", "[imgapi][get]") {
  FakeServer server([](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [](const auto&, auto& res) {
      imgapi_test::reply_json(res, imgapi_test::manifest_json(k_uuid, "imgapi", 1));
    });
  });
  imgapi::Client client(server.url() + "/?channel=dev", imgapi_test::fast_options());
  CHECK(client.channel() == std::string("dev"));
  CHECK(client.get_image(k_uuid).name() == "imgapi");
  CHECK(client.get_image(k_uuid, std::string("*")).name() == "imgapi");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("Accept-Version") == "~2");
  CHECK(requests[0].param("channel") == "dev");
  CHECK(requests[1].param("channel") == "*");
}

TEST_CASE("a 404 is not_found for get_image and nullopt for find_image", "[imgapi][get]") {
  FakeServer server([](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [](const auto&, auto& res) {
      imgapi_test::reply_error(res, 404, "ResourceNotFound", "image " + k_uuid + " not found");
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto e = error_of([&] { client.get_image(k_uuid); });
  CHECK(e.code() == ExitCode::not_found);
  CHECK(std::string(e.what()) == "IMGAPI GET /images/" + k_uuid + ": 404 ResourceNotFound: image " +
                                     k_uuid + " not found");
  CHECK_FALSE(client.find_image(k_uuid));
}

TEST_CASE("a bad uuid is refused before any request", "[imgapi][get]") {
  imgapi::Client client("http://127.0.0.1:9", imgapi_test::fast_options());
  CHECK(error_of([&] { client.get_image("ABC"); }).code() == ExitCode::usage);
  CHECK(error_of([&] { client.get_image(std::string(k_uuid).replace(0, 1, "A")); }).code() == ExitCode::usage);
}

TEST_CASE("hostile GetImage replies are bad_data", "[imgapi][get]") {
  std::string body;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [&](const auto&, auto& res) { res.set_content(body, "application/json"); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const std::string other = imgapi_test::uuid_n(7);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {common::dump_json(imgapi_test::manifest_json(other, "x", 1)),
       "server returned image " + other + " when asked for " + k_uuid},
      {"[" + common::dump_json(imgapi_test::manifest_json(k_uuid, "x", 1)) + "]",
       "expected an image object, got array"},
      {"{\"uuid\": \"" + k_uuid + "\", \"name\": \"x\", \"vers", "invalid JSON"},
      {"not json at all", "invalid JSON"},
      {"", "invalid JSON"},
      {"{\"uuid\": \"" + k_uuid + "\", \"name\": 3, \"version\": \"1\"}", "name"},
  };
  for (const auto& [reply, message] : cases) {
    INFO(reply);
    body = reply;
    const auto e = error_of([&] { client.get_image(k_uuid); });
    CHECK(e.code() == ExitCode::bad_data);
    CHECK_THAT(e.what(), Catch::Contains(message));
  }
}

TEST_CASE("a huge reply is refused by the body cap", "[imgapi][get]") {
  FakeServer server([](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [](const auto&, auto& res) {
      res.set_content("[" + std::string(3u << 20, ' ') + "]", "application/json");
    });
  });
  auto options = imgapi_test::fast_options();
  options.http.max_memory_body = 1u << 20;
  imgapi::Client client(server.url(), options);
  CHECK(error_of([&] { client.get_image(k_uuid); }).code() == ExitCode::bad_data);
}

TEST_CASE("503 then OK is retried", "[imgapi][get]") {
  std::atomic<int> calls{0};
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [&](const auto&, auto& res) {
      if (calls++ == 0) return imgapi_test::reply_error(res, 503, "ServiceUnavailableError", "busy");
      imgapi_test::reply_json(res, imgapi_test::manifest_json(k_uuid, "x", 1));
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  CHECK(client.get_image(k_uuid).uuid() == k_uuid);
  CHECK(calls == 2);
}

TEST_CASE("a 503 that persists is a remote error with the server's words", "[imgapi][get]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images/" + k_uuid, [&](const auto&, auto& res) {
      res.status = 503;
      res.set_content("<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html");
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto e = error_of([&] { client.get_image(k_uuid); });
  CHECK(e.code() == ExitCode::remote_error);
  CHECK_THAT(e.what(), Catch::Contains(": 503: <html><body><h1>503 Service Unavailable"));
}

TEST_CASE("a web server's HTML page says the URL is not an IMGAPI, without the page", "[imgapi][get]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/channels", [&](const auto&, auto& res) {
      res.status = 404;
      res.set_content("<html><body><h1>Not Found</h1><p>nothing here</p></body></html>", "text/html; charset=utf-8");
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto e = error_of([&] { client.list_channels(); });
  CHECK(e.code() == ExitCode::config);
  CHECK_THAT(e.what(), Catch::Contains("does not look like an updates server or IMGAPI: it answered GET /channels "
                                       "with 404 and text/html, not JSON; check the URL"));
  CHECK_THAT(e.what(), !Catch::Contains("<html>"));
}

TEST_CASE("import strips what IMGAPI refuses and returns the unactivated image", "[imgapi][import]") {
  Json received;
  FakeServer server([&](httplib::Server& s) {
    s.Post("/images/" + k_uuid, [&](const httplib::Request& req, httplib::Response& res) {
      received = Json::parse(req.body);
      Json image = received;
      image["state"] = "unactivated";
      image["files"] = Json::array();
      imgapi_test::reply_json(res, image);
    });
  });
  Json m = imgapi_test::manifest_json(k_uuid, "imgapi", 1);
  m["icon"] = true;
  m["files"] = Json::array({{{"sha1", std::string(40, 'a')}, {"size", 3}, {"compression", "gzip"}}});
  const auto image = manifest::ImageManifest::from_json(m, "test");
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto result = client.import_image(image, imgapi::OwnerCheck::skip);
  CHECK(result.outcome == imgapi::ImportResult::Outcome::imported);
  REQUIRE(result.image);
  CHECK(result.image->state() == "unactivated");
  CHECK(result.dropped_fields == std::vector<std::string>{"state", "files", "icon"});
  CHECK_FALSE(received.contains("icon"));
  CHECK_FALSE(received.contains("files"));
  CHECK(received["published_at"] == m["published_at"]);
  const auto r = server.requests().at(0);
  CHECK(r.param("action") == "import");
  CHECK(r.param("skip_owner_check") == "true");
  CHECK(r.header("Content-Type") == "application/json");

  client.import_image(image, imgapi::OwnerCheck::perform);
  CHECK_FALSE(server.requests().at(1).has_param("skip_owner_check"));
}

TEST_CASE("import of an existing uuid is already_exists, not an exception", "[imgapi][import]") {
  FakeServer server([&](httplib::Server& s) {
    s.Post("/images/" + k_uuid, [&](const auto&, auto& res) {
      imgapi_test::reply_error(res, 409, "ImageUuidAlreadyExists",
                               "image uuid \"" + k_uuid + "\" already exists");
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto image = manifest::ImageManifest::from_json(imgapi_test::manifest_json(k_uuid, "x", 1), "t");
  const auto result = client.import_image(image, imgapi::OwnerCheck::skip);
  CHECK(result.outcome == imgapi::ImportResult::Outcome::already_exists);
  CHECK_FALSE(result.image);
  CHECK(result.server_message == "image uuid \"" + k_uuid + "\" already exists");
}

TEST_CASE("import errors other than 409 throw with the field details", "[imgapi][import]") {
  FakeServer server([&](httplib::Server& s) {
    s.Post("/images/" + k_uuid, [&](const auto&, auto& res) {
      imgapi_test::reply_json(res, {{"code", "ValidationFailed"}, {"message", "invalid image data: v"},
                                    {"errors", {{{"field", "v"}, {"code", "MissingParameter"}}}}}, 422);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto image = manifest::ImageManifest::from_json(imgapi_test::manifest_json(k_uuid, "x", 1), "t");
  const auto e = error_of([&] { client.import_image(image, imgapi::OwnerCheck::skip); });
  CHECK(e.code() == ExitCode::remote_error);
  CHECK_THAT(e.what(), Catch::EndsWith("422 ValidationFailed: invalid image data: v (v: MissingParameter)"));
}

TEST_CASE("writes refuse channel *", "[imgapi][import]") {
  auto options = imgapi_test::fast_options();
  options.channel = "*";
  imgapi::Client client("http://127.0.0.1:9", options);
  CHECK(error_of([&] { client.activate_image(k_uuid); }).code() == ExitCode::usage);
  CHECK(error_of([&] { client.delete_image(k_uuid); }).code() == ExitCode::usage);
}

TEST_CASE("activate and delete", "[imgapi][activate]") {
  FakeServer server([&](httplib::Server& s) {
    s.Post("/images/" + k_uuid, [&](const auto&, auto& res) {
      imgapi_test::reply_json(res, imgapi_test::manifest_json(k_uuid, "x", 1, "active"));
    });
    s.Delete("/images/" + k_uuid, [&](const auto&, auto& res) { res.status = 204; });
    s.Delete("/images/" + imgapi_test::uuid_n(1), [&](const auto&, auto& res) {
      imgapi_test::reply_error(res, 404, "ResourceNotFound", "image not found");
    });
  });
  auto options = imgapi_test::fast_options();
  options.channel = "dev";
  imgapi::Client client(server.url(), options);
  CHECK(client.activate_image(k_uuid).state() == "active");
  client.delete_image(k_uuid, imgapi::AllChannels::yes);
  CHECK(error_of([&] { client.delete_image(imgapi_test::uuid_n(1)); }).code() == ExitCode::not_found);
  const auto r = server.requests();
  CHECK(r.at(0).param("action") == "activate");
  CHECK(r.at(0).param("channel") == "dev");
  CHECK(r.at(1).method == "DELETE");
  CHECK(r.at(1).param("force_all_channels") == "true");
}

TEST_CASE("channels: a DC's 404 means no channels", "[imgapi][channels]") {
  bool has_channels = true;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/channels", [&](const auto&, auto& res) {
      if (!has_channels) return imgapi_test::reply_error(res, 404, "ResourceNotFound", "/channels does not exist");
      imgapi_test::reply_json(res, Json::parse(R"([{"name":"experimental","description":"e"},
          {"name":"dev","description":"d","default":true},{"name":"release","description":"r"}])"));
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto channels = client.list_channels();
  REQUIRE(channels);
  REQUIRE(channels->size() == 3);
  CHECK((*channels)[1].name == "dev");
  CHECK((*channels)[1].is_default);
  CHECK_FALSE((*channels)[0].is_default);
  CHECK(client.get_default_channel() == std::string("dev"));
  has_channels = false;
  CHECK_FALSE(client.list_channels());
  CHECK_FALSE(client.get_default_channel());
}

TEST_CASE("channels: hostile replies are bad_data", "[imgapi][channels]") {
  std::string body;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/channels", [&](const auto&, auto& res) { res.set_content(body, "application/json"); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  for (const std::string reply : {R"({"name":"dev"})", R"([{"name":1}])", R"(["dev"])", "[{"}) {
    INFO(reply);
    body = reply;
    CHECK(error_of([&] { client.list_channels(); }).code() == ExitCode::bad_data);
  }
}

TEST_CASE("ping checks for pong", "[imgapi][ping]") {
  std::string body = R"({"ping":"pong","version":"4.13.1","imgapi":true})";
  FakeServer server([&](httplib::Server& s) {
    s.Get("/ping", [&](const auto&, auto& res) { res.set_content(body, "application/json"); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  CHECK(client.ping()["version"] == "4.13.1");
  body = R"({"status":"ok"})";
  CHECK(error_of([&] { client.ping(); }).code() == ExitCode::bad_data);
}

TEST_CASE("an unreachable server is a network error", "[imgapi][ping]") {
  int port = 0;
  {
    FakeServer server([](httplib::Server&) {});
    port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
  }
  imgapi::Client client("http://127.0.0.1:" + std::to_string(port), imgapi_test::fast_options());
  CHECK(error_of([&] { client.ping(); }).code() == ExitCode::network);
}
