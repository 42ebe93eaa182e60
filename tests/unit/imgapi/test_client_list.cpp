// ListImages paging against fake servers: inclusive markers, ties, servers that ignore
// marker/limit or the name filter, hostile replies.
#include "fake_server.hpp"

#include <common/error.hpp>

#include <atomic>
#include <set>

using common::ExitCode;
using common::Json;
using imgapi_test::FakeServer;

namespace {

// IMGAPI's local-DB paging: sorted by published_at, marker inclusive (published_at >=
// the marker image's), `limit` images per page, `default_page` when no limit is sent.
struct Catalog {
  std::vector<Json> images;  // sorted by published_at
  std::size_t default_page = 3;
  bool ignore_marker = false;
  bool ignore_limit = false;

  void handle(const httplib::Request& req, httplib::Response& res) const {
    std::size_t start = 0;
    if (req.has_param("marker") && !ignore_marker) {
      const std::string marker = req.get_param_value("marker");
      std::string at;
      for (const auto& m : images) {
        if (m["uuid"] == marker) at = m["published_at"].get<std::string>();
      }
      if (at.empty()) return imgapi_test::reply_error(res, 404, "ResourceNotFound", "no marker");
      while (start < images.size() && images[start]["published_at"].get<std::string>() < at) ++start;
    }
    std::size_t limit = default_page;
    if (req.has_param("limit")) limit = std::stoul(req.get_param_value("limit"));
    if (ignore_limit) limit = images.size();
    Json page = Json::array();
    for (std::size_t i = start; i < images.size() && page.size() < limit; ++i) page.push_back(images[i]);
    imgapi_test::reply_json(res, page);
  }
};

Catalog make_catalog(const std::vector<int>& seconds) {
  Catalog c;
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    c.images.push_back(imgapi_test::manifest_json(imgapi_test::uuid_n(static_cast<int>(i + 1)),
                                                  "img", seconds[i]));
  }
  return c;
}

imgapi::ClientOptions paged_options(std::size_t page) {
  auto o = imgapi_test::fast_options();
  o.list_page_size = page;
  return o;
}

std::vector<std::string> uuids(const std::vector<manifest::ImageManifest>& images) {
  std::vector<std::string> out;
  for (const auto& m : images) out.push_back(m.uuid());
  return out;
}

std::vector<std::string> expected_uuids(int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(imgapi_test::uuid_n(i));
  return out;
}

}  // namespace

TEST_CASE("list pages by marker like sdc-clients and returns each image once", "[imgapi][list]") {
  const Catalog catalog = make_catalog({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto& req, auto& res) { catalog.handle(req, res); });
  });
  imgapi::Client client(server.url(), paged_options(3));
  CHECK(uuids(client.list_images()) == expected_uuids(10));

  const auto requests = server.requests();
  REQUIRE(requests.size() == 5);  // 1-3, 3-5, 5-7, 7-9, 9-10 (short: the end)
  CHECK_FALSE(requests[0].has_param("limit"));
  CHECK_FALSE(requests[0].has_param("marker"));
  CHECK(requests[1].param("marker") == imgapi_test::uuid_n(3));
  CHECK(requests[1].param("limit") == "3");
  for (const auto& r : requests) CHECK(r.header("Accept-Version") == "~2");
}

TEST_CASE("images sharing a published_at across pages come once", "[imgapi][list]") {
  const Catalog catalog = make_catalog({1, 2, 3, 3, 5, 6, 6, 8});
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto& req, auto& res) { catalog.handle(req, res); });
  });
  imgapi::Client client(server.url(), paged_options(3));
  const auto images = client.list_images();
  CHECK(uuids(images) == expected_uuids(8));
}

TEST_CASE("more ties than a page are paged past with a larger limit", "[imgapi][list]") {
  const Catalog catalog = make_catalog({1, 2, 2, 2, 2, 2, 2, 2, 9, 10});
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto& req, auto& res) { catalog.handle(req, res); });
  });
  imgapi::Client client(server.url(), paged_options(3));
  CHECK(uuids(client.list_images()) == expected_uuids(10));
}

TEST_CASE("a server ignoring marker and limit ends the loop", "[imgapi][list]") {
  Catalog catalog = make_catalog({1, 2, 3, 4, 5, 6, 7});
  catalog.ignore_marker = true;
  catalog.ignore_limit = true;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto& req, auto& res) { catalog.handle(req, res); });
  });
  imgapi::Client client(server.url(), paged_options(3));
  CHECK(uuids(client.list_images()) == expected_uuids(7));
  CHECK(server.requests().size() <= 5);
}

TEST_CASE("a server inventing new images forever is stopped", "[imgapi][list]") {
  std::atomic<int> next{1};
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const httplib::Request&, httplib::Response& res) {
      Json page = Json::array();
      for (int i = 0; i < 3; ++i) {
        page.push_back(imgapi_test::manifest_json(imgapi_test::uuid_n(next++), "img", 1));
      }
      imgapi_test::reply_json(res, page);
    });
  });
  auto options = paged_options(3);
  options.max_list_images = 20;
  imgapi::Client client(server.url(), options);
  try {
    client.list_images();
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::bad_data);
    CHECK_THAT(e.what(), Catch::Contains("more than 20 images"));
  }
}

TEST_CASE("every filter and the channel are sent", "[imgapi][list]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [](const auto&, auto& res) { imgapi_test::reply_json(res, Json::array()); });
  });
  auto options = imgapi_test::fast_options();
  options.channel = "release";
  imgapi::Client client(server.url(), options);
  imgapi::ListFilter f;
  f.name = "~sdc";
  f.version = "~master";
  f.owner = imgapi_test::uuid_n(9);
  f.os = "smartos";
  f.type = "!zvol";
  f.state = "all";
  f.is_public = false;
  f.tags = {{"smartdc_service", "true"}};
  f.billing_tags = {"a", "b"};
  f.account = imgapi_test::uuid_n(8);
  f.incl_admin_fields = true;
  CHECK(client.list_images(f).empty());
  const auto r = server.requests().at(0);
  CHECK(r.param("name") == "~sdc");
  CHECK(r.param("version") == "~master");
  CHECK(r.param("owner") == imgapi_test::uuid_n(9));
  CHECK(r.param("os") == "smartos");
  CHECK(r.param("type") == "!zvol");
  CHECK(r.param("state") == "all");
  CHECK(r.param("public") == "false");
  CHECK(r.param("tag.smartdc_service") == "true");
  CHECK(r.params.count("billing_tag") == 2);
  CHECK(r.param("account") == imgapi_test::uuid_n(8));
  CHECK(r.param("inclAdminFields") == "true");
  CHECK(r.param("channel") == "release");

  f = {};
  f.channel = "*";  // a per-call channel wins over the client's
  client.list_images(f);
  CHECK(server.requests().at(1).param("channel") == "*");
}

TEST_CASE("a caller's limit means one request", "[imgapi][list]") {
  const Catalog catalog = make_catalog({1, 2, 3, 4, 5, 6});
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto& req, auto& res) { catalog.handle(req, res); });
  });
  imgapi::Client client(server.url(), paged_options(3));
  imgapi::ListFilter f;
  f.limit = 2;
  f.marker = imgapi_test::uuid_n(3);
  CHECK(uuids(client.list_images(f)) == std::vector<std::string>{imgapi_test::uuid_n(3), imgapi_test::uuid_n(4)});
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].param("limit") == "2");
}

TEST_CASE("name and version are filtered again locally (TOOLS-745)", "[imgapi][list]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [](const auto&, auto& res) {
      Json page = Json::array({imgapi_test::manifest_json(imgapi_test::uuid_n(1), "imgapi", 1),
                               imgapi_test::manifest_json(imgapi_test::uuid_n(2), "imgapi-agent", 2),
                               imgapi_test::manifest_json(imgapi_test::uuid_n(3), "vmapi", 3)});
      imgapi_test::reply_json(res, page);
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  imgapi::ListFilter f;
  f.name = "imgapi";
  CHECK(uuids(client.list_images(f)) == std::vector<std::string>{imgapi_test::uuid_n(1)});
  f.name = "~imgapi";
  CHECK(client.list_images(f).size() == 2);
  f.name.reset();
  f.version = "1.0.3";
  CHECK(uuids(client.list_images(f)) == std::vector<std::string>{imgapi_test::uuid_n(3)});
}

TEST_CASE("results are sorted by published_at; latest_image picks the newest", "[imgapi][list]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [](const auto&, auto& res) {
      Json a = imgapi_test::manifest_json(imgapi_test::uuid_n(1), "x", 1);
      Json b = imgapi_test::manifest_json(imgapi_test::uuid_n(2), "x", 2);
      Json c = imgapi_test::manifest_json(imgapi_test::uuid_n(3), "x", 3);
      a["published_at"] = "2020-01-01T00:00:05Z";      // no milliseconds: after b
      b["published_at"] = "2020-01-01T00:00:04.999Z";
      c.erase("published_at");                         // none: first
      imgapi_test::reply_json(res, Json::array({a, b, c}));  // the server's order is wrong
    });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const auto images = client.list_images();
  CHECK(uuids(images) == std::vector<std::string>{imgapi_test::uuid_n(3), imgapi_test::uuid_n(2),
                                                  imgapi_test::uuid_n(1)});
  REQUIRE(imgapi::latest_image(images));
  CHECK(imgapi::latest_image(images)->uuid() == imgapi_test::uuid_n(1));
  CHECK_FALSE(imgapi::latest_image({}));
}

TEST_CASE("hostile list replies are bad_data", "[imgapi][list]") {
  std::string body;
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [&](const auto&, auto& res) { res.set_content(body, "application/json"); });
  });
  imgapi::Client client(server.url(), imgapi_test::fast_options());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"uuid\": 1}", "expected an array of images, got object"},
      {"[{\"uuid\": \"", "invalid JSON"},
      {"<html>hi</html>", "invalid JSON"},
      {"[1]", "image #0 is number, not an object"},
      {"[{\"name\": \"x\", \"version\": \"1\"}]", "uuid"},
      {std::string(100, '[') + std::string(100, ']'), "nested deeper"},
  };
  for (const auto& [reply, message] : cases) {
    INFO(reply);
    body = reply;
    try {
      client.list_images();
      FAIL("no error");
    } catch (const common::Error& e) {
      CHECK(e.code() == ExitCode::bad_data);
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  }
}

TEST_CASE("an unknown channel is a remote error carrying the restCode", "[imgapi][list]") {
  FakeServer server([&](httplib::Server& s) {
    s.Get("/images", [](const auto& req, auto& res) {
      imgapi_test::reply_error(res, 422, "ValidationFailed",
                               "unknown channel: " + req.get_param_value("channel"));
    });
  });
  auto options = imgapi_test::fast_options();
  options.channel = "nope";
  imgapi::Client client(server.url(), options);
  try {
    client.list_images();
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::remote_error);
    CHECK(std::string(e.what()) ==
          "IMGAPI GET /images?channel=nope: 422 ValidationFailed: unknown channel: nope");
  }
}
