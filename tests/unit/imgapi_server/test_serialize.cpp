#include <imgapi/server/image_record.hpp>

#include <common/hash.hpp>

#include "server_test_support.hpp"

using namespace imgapi::server;
using server_test::record;
using server_test::uuid_n;

namespace {
std::vector<std::string> keys(const common::Json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}
}  // namespace

TEST_CASE("serialize emits IMGAPI's key order whatever the stored order", "[serialize]") {
  ImageRecord r = record(uuid_n(1), "imgapi", "2025-01-01T00:00:00Z");
  r.fields = {{"tags", {{"smartdc_service", true}}},
              {"origin", uuid_n(2)},
              {"description", "the image API"},
              {"os", "smartos"},
              {"type", "zone-dataset"},
              {"published_at", "2025-01-01T00:00:00Z"},
              {"public", false},
              {"version", "1.0"},
              {"name", "imgapi"},
              {"owner", uuid_n(9)},
              {"v", 2},
              {"requirements", {{"min_platform", {{"7.0", "20210826T002459Z"}}}}}};
  r.channels = {"dev"};
  common::Json j = serialize(r, {ApiVersion::v2, false});
  CHECK(keys(j) == std::vector<std::string>{"v", "uuid", "owner", "name", "version", "state",
                                            "disabled", "public", "published_at", "type", "os",
                                            "files", "description", "requirements", "origin",
                                            "tags", "channels"});
  CHECK(j["state"] == "active");
  CHECK(keys(j["files"][0]) == std::vector<std::string>{"sha1", "size", "compression"});
}

TEST_CASE("serialize leaves out what IMGAPI leaves out", "[serialize]") {
  ImageRecord r = record(uuid_n(1), "x", "2025-01-01T00:00:00Z");
  r.fields["acl"] = common::Json::array();
  r.fields["description"] = "";
  r.fields["generate_passwords"] = false;
  r.fields["billing_tags"] = common::Json::array();
  r.fields["traits"] = common::Json::object();
  r.fields["image_size"] = 0;
  r.channels = {"dev"};
  common::Json j = serialize(r, {ApiVersion::v1, false});
  for (const char* k : {"acl", "description", "generate_passwords", "billing_tags", "traits",
                        "image_size", "channels"}) {
    CHECK_FALSE(j.contains(k));
  }
  r.fields["generate_passwords"] = true;
  r.fields["acl"] = {uuid_n(3)};
  j = serialize(r, {ApiVersion::v2, false});
  CHECK(j["generate_passwords"] == true);
  CHECK(j["acl"].size() == 1);
  CHECK(j["channels"] == common::Json::array({"dev"}));
}

TEST_CASE("serialize: state from activated/disabled, files, admin stor", "[serialize]") {
  ImageRecord r = record(uuid_n(1), "x", "2025-01-01T00:00:00Z");
  r.disabled = true;
  CHECK(serialize(r, {})["state"] == "disabled");
  r.activated = false;
  r.file.reset();
  common::Json j = serialize(r, {});
  CHECK(j["state"] == "unactivated");
  CHECK(j["files"] == common::Json::array());
  r.file = StoredFile{std::string(40, 'b'), 7, "none", "1234", "md5", "mtime"};
  j = serialize(r, {ApiVersion::v2, true});
  CHECK(j["files"][0] == common::Json({{"sha1", std::string(40, 'b')}, {"size", 7},
                                       {"compression", "none"}, {"dataset_guid", "1234"},
                                       {"stor", "local"}}));
  r.fields["public"] = "true";  // raw "true" strings come out as booleans
  r.fields["v"] = "2";
  j = serialize(r, {});
  CHECK(j["public"] == true);
  CHECK(j["v"] == 2);
}

TEST_CASE("Etag is the sha1 of the compact JSON text", "[serialize]") {
  common::Json j = {{"b", 1}, {"a", "é/\"x\""}};
  CHECK(json_etag(j) ==
        common::hex_digest(common::HashAlgorithm::sha1, "{\"b\":1,\"a\":\"é/\\\"x\\\"\"}"));
}

TEST_CASE("tag search strings as IMGAPI indexes them", "[serialize]") {
  common::Json tags = {{"a", true}, {"b", "x"}, {"c", 5}, {"d", {{"k", 1}}},
                       {"e", std::string(101, 'z')}, {"f", {1, 2}}};
  CHECK(tag_search_strings(&tags) ==
        std::vector<std::string>{"a=true", "b=x", "c=5", "d=", "e=", "f="});
  CHECK(tag_search_strings(nullptr).empty());
}

TEST_CASE("ISO dates parse like JavaScript's Date for IMGAPI's forms", "[serialize]") {
  CHECK(parse_iso_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso_ms("1970-01-01T00:00:01.5Z") == 1500);
  CHECK(parse_iso_ms("2025-01-01T00:00:00.123Z") == 1735689600123);
  CHECK(parse_iso_ms("2025-01-01") == 1735689600000);
  CHECK(parse_iso_ms("2025-01-01T01:00:00+01:00") == 1735689600000);
  CHECK(parse_iso_ms("2025") == 1735689600000);
  CHECK_FALSE(parse_iso_ms("2025-13-01"));
  CHECK_FALSE(parse_iso_ms("2025-01-01T25:00"));
  CHECK_FALSE(parse_iso_ms("2025-01-01T00:00:00Zjunk"));
  CHECK_FALSE(parse_iso_ms("yesterday"));
  CHECK(iso_from_ms(1735689600123) == "2025-01-01T00:00:00.123Z");
  CHECK(iso_from_ms(0) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("validation_object adds the state fields imgmanifest needs", "[serialize]") {
  ImageRecord r = record(uuid_n(1), "x", "2025-01-01T00:00:00Z");
  r.channels = {"dev"};
  common::Json v = validation_object(r);
  CHECK(v["activated"] == true);
  CHECK(v["state"] == "active");
  CHECK(v["disabled"] == false);
  CHECK(v["files"][0]["size"] == 10);
  CHECK(v["channels"] == common::Json::array({"dev"}));
}
