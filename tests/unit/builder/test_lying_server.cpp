// Servers the real one cannot imitate: a DC IMGAPI without /channels, a manifest for
// another uuid, a channel that vanishes between GET /channels and ListImages. A small
// in-process cpp-httplib server plays them.
#include "artifact_support.hpp"
#include "catalog_server.hpp"

#include <builder/resolve.hpp>

#include <imgapi/client.hpp>

#include <tests/unit/imgapi/fake_server.hpp>

using builder_test::error_of;
using common::ExitCode;
using common::Json;

namespace {

using Fake = imgapi_test::FakeServer;  // tests/unit/imgapi/fake_server.hpp

const std::string k_img = "11111111-0000-4000-8000-000000000001";
const std::string k_origin = "22222222-0000-4000-8000-000000000002";
const std::string k_liar = "33333333-0000-4000-8000-000000000003";

Json manifest_json(const std::string& uuid, const std::string& name, const std::string& origin) {
  Json m = artifact_test::manifest_json(uuid, name, "master-20250101T000000Z-g1234567",
                                        {std::string(40, 'a'), 1, "none"});
  m["channels"] = Json::array({"dev"});
  if (!origin.empty()) m["origin"] = origin;
  return m;
}

void reply(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void standard_channels(httplib::Server& s) {
  s.Get("/channels", [](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, Json::parse(R"([{"name":"dev","description":"d","default":true}])"));
  });
}

builder::ResolveRequest imgapi_request() {
  builder::ResolveRequest r;
  r.selections = {builder::parse_selection("imgapi")};
  return r;
}

}  // namespace

TEST_CASE("a server without channels needs -C, which is then recorded", "[builder][lying]") {
  Fake fake([](httplib::Server& s) {
    s.Get("/channels", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 404, {{"code", "ResourceNotFound"}, {"message", "/channels does not exist"}});
    });
    s.Get("/images", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, Json::array({manifest_json(k_img, "imgapi", "")}));
    });
  });
  imgapi::Client client(fake.url());
  CHECK(error_of([&] { builder::resolve(client, imgapi_request()); }, ExitCode::unknown_channel)
            .find("has no channels") != std::string::npos);
  builder::ResolveRequest req = imgapi_request();
  req.channel = "release";
  const builder::Resolution r = builder::resolve(client, req);
  CHECK(r.channel == "release");
  REQUIRE(r.artifacts.size() == 1);
  CHECK(r.artifacts[0].image.uuid() == k_img);
}

TEST_CASE("an origin manifest for another uuid is refused", "[builder][lying]") {
  Fake fake([](httplib::Server& s) {
    standard_channels(s);
    s.Get("/images", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, Json::array({manifest_json(k_img, "imgapi", k_origin)}));
    });
    s.Get("/images/" + k_origin, [](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, manifest_json(k_liar, "triton-origin", ""));
    });
  });
  imgapi::Client client(fake.url());
  const std::string m = error_of([&] { builder::resolve(client, imgapi_request()); },
                                 ExitCode::bad_data);
  CHECK(m.find(k_origin) != std::string::npos);
}

TEST_CASE("a channel refused by ListImages after GET /channels listed it", "[builder][lying]") {
  Fake fake([](httplib::Server& s) {
    standard_channels(s);
    s.Get("/images", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 422, {{"code", "ValidationFailed"}, {"message", "unknown channel: dev"},
                       {"errors", Json::array({{{"field", "channel"}, {"code", "Invalid"}}})}});
    });
  });
  imgapi::Client client(fake.url());
  const std::string m = error_of([&] { builder::resolve(client, imgapi_request()); },
                                 ExitCode::unknown_channel);
  CHECK(m.find("channel dev was refused by") != std::string::npos);
}

TEST_CASE("an origin that is not active is refused", "[builder][lying]") {
  Fake fake([](httplib::Server& s) {
    standard_channels(s);
    s.Get("/images", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, Json::array({manifest_json(k_img, "imgapi", k_origin)}));
    });
    s.Get("/images/" + k_origin, [](const httplib::Request&, httplib::Response& res) {
      Json m = manifest_json(k_origin, "triton-origin", "");
      m["state"] = "disabled";
      m["disabled"] = true;
      reply(res, 200, m);
    });
  });
  imgapi::Client client(fake.url());
  CHECK(error_of([&] { builder::resolve(client, imgapi_request()); }, ExitCode::bad_data)
            .find("which is disabled on the server, not active") != std::string::npos);
}
