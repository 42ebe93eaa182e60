#include <imgapi/server/routes.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

namespace {
const char* const k_uuid = "11111111-2222-4333-8444-555555555555";
}

TEST_CASE("routes of the IMGAPI endpoints", "[routes]") {
  auto r = match_route("/ping", Mode::private_);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::ping);
  CHECK(r->methods == std::vector<std::string>{"GET"});

  r = match_route("/images", Mode::dc);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::images);
  CHECK(r->methods == std::vector<std::string>{"GET", "POST"});

  r = match_route(std::string("/images/") + k_uuid, Mode::dc);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::image);
  CHECK(r->uuid == k_uuid);
  CHECK(r->has_uuid);
  CHECK(r->methods == std::vector<std::string>{"GET", "POST", "DELETE"});

  r = match_route(std::string("/images/") + k_uuid + "/file", Mode::dc);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::image_file);
  CHECK(r->methods == std::vector<std::string>{"GET", "PUT"});

  CHECK(match_route(std::string("/images/") + k_uuid + "/icon", Mode::dc)->endpoint ==
        Endpoint::image_icon);
  CHECK(match_route(std::string("/images/") + k_uuid + "/acl", Mode::dc)->endpoint ==
        Endpoint::unsupported);
  CHECK(match_route(std::string("/images/") + k_uuid + "/file/from-url", Mode::dc)->endpoint ==
        Endpoint::unsupported);
}

TEST_CASE("/channels exists on channel servers only", "[routes]") {
  CHECK(match_route("/channels", Mode::private_));
  CHECK_FALSE(match_route("/channels", Mode::dc));
}

TEST_CASE("a trailing slash is accepted, other shapes are not routes", "[routes]") {
  CHECK(match_route("/ping/", Mode::dc));
  CHECK(match_route("/images/", Mode::dc));
  CHECK_FALSE(match_route("/", Mode::dc));
  CHECK_FALSE(match_route("", Mode::dc));
  CHECK_FALSE(match_route("//images", Mode::dc));
  CHECK_FALSE(match_route("/images//file", Mode::dc));
  CHECK_FALSE(match_route("/pong", Mode::dc));
  CHECK_FALSE(match_route("/images/x/y/z", Mode::dc));
  CHECK_FALSE(match_route("http://host/images", Mode::dc));
  CHECK_FALSE(match_route("/images/%zz", Mode::dc));
  CHECK_FALSE(match_route("/images/%00", Mode::dc));
}

TEST_CASE("segments are decoded after splitting: %2F stays in the uuid", "[routes]") {
  auto r = match_route("/images/..%2F..%2Fetc", Mode::dc);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::image);
  CHECK(r->uuid == "../../etc");  // the dispatcher then answers 404: not a uuid

  r = match_route(std::string("/images/") + k_uuid + "%2Ffile", Mode::dc);
  REQUIRE(r);
  CHECK(r->endpoint == Endpoint::image);
  CHECK(r->uuid == std::string(k_uuid) + "/file");

  r = match_route("/images/%31%31111111-2222-4333-8444-555555555555", Mode::dc);
  REQUIRE(r);
  CHECK(r->uuid == k_uuid);
  CHECK(match_route("/%70ing", Mode::dc)->endpoint == Endpoint::ping);
}
