// Tests for manifest/part_list.cpp: NAME.sdc.parts.json round trip and refusals.
#include <manifest/part_list.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::PartList;

namespace {

const std::string k_a(64, 'a');

Json sample() {
  return Json::parse(R"({"format": "sdcadm-bundle-parts", "format_version": 1,
    "bundle_id": "0f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "bundle_size": 9000000000,
    "bundle_json_sha256": ")" + k_a + R"(",
    "parts": [{"name": "dc.sdc.001", "size": 4000000000, "sha256": ")" + k_a + R"("},
              {"name": "dc.sdc.002", "size": 4000000000, "sha256": ")" + k_a + R"("},
              {"name": "dc.sdc.003", "size": 1000000000, "sha256": ")" + k_a + R"("}]})");
}

ExitCode code_after(const std::function<void(Json&)>& mutate, const std::string& name = "dc.sdc") {
  Json j = sample();
  mutate(j);
  try {
    PartList::parse(common::dump_json(j), name);
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("part list round trip") {
  const PartList p = PartList::parse(common::dump_json(sample()), "dc.sdc");
  REQUIRE(p.parts.size() == 3);
  CHECK(p.bundle_size == 9000000000ull);
  CHECK(p.parts[2].name == "dc.sdc.003");
  const std::string out = p.serialize();
  CHECK(PartList::parse(out, "dc.sdc").serialize() == out);
  CHECK(out == common::dump_json(sample()) + "\n");  // the sample is in canonical order
}

TEST_CASE("part names and helpers") {
  CHECK(manifest::part_name("dc.sdc", 1) == "dc.sdc.001");
  CHECK(manifest::part_name("dc.sdc", 999) == "dc.sdc.999");
  CHECK_THROWS_AS(manifest::part_name("dc.sdc", 0), Error);
  CHECK_THROWS_AS(manifest::part_name("dc.sdc", 1000), Error);
  CHECK(manifest::bundle_name_from_parts_path("/mnt/usb/dc.sdc.parts.json") == "dc.sdc");
  CHECK(manifest::bundle_name_from_parts_path("dc.sdc.parts.json") == "dc.sdc");
  CHECK(manifest::bundle_name_from_parts_path(".parts.json").empty());
  CHECK(manifest::bundle_name_from_parts_path("dc.sdc").empty());
}

TEST_CASE("part list refusals") {
  // Names must be exactly <bundle>.NNN in order: no path tricks, no reordering.
  for (const char* bad : {"../dc.sdc.001", "/tmp/dc.sdc.001", "dc.sdc.1", "other.sdc.001",
                          "dc.sdc.002", "dc.sdc.001/"}) {
    INFO(bad);
    CHECK(code_after([&](Json& j) { j["parts"][0]["name"] = bad; }) == ExitCode::bundle_unsafe);
  }
  CHECK(code_after([](Json&) {}, "../dc.sdc") == ExitCode::bundle_unsafe);
  CHECK(code_after([](Json&) {}, "") == ExitCode::bundle_unsafe);
  CHECK(code_after([](Json& j) { j["format_version"] = 2; }) == ExitCode::bundle_unsupported);
  CHECK(code_after([](Json& j) { j["format"] = "sdcadm-bundle"; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["parts"][0]["size"] = 4ull << 30; }) ==
        ExitCode::bundle_too_large);
  CHECK(code_after([](Json& j) { j["parts"][2]["size"] = 0; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["bundle_size"] = 9000000001ull; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) {
          j["parts"][1]["size"] = 3999999999ull;  // a short part in the middle
          j["bundle_size"] = 8999999999ull;
        }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) {
          j["parts"][2]["size"] = 4000000001ull;  // the last part larger than the split size
          j["bundle_size"] = 12000000001ull;
        }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["parts"][0]["sha256"] = "ab"; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["bundle_json_sha256"] = 1; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["bundle_id"] = "x"; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["parts"] = Json::array(); }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) {
          j["parts"] = Json::array();
          for (int i = 0; i < 1000; ++i) j["parts"].push_back(0);
        }) == ExitCode::bundle_too_large);
  CHECK_THROWS_AS(PartList::parse("{\"format\":", "dc.sdc"), Error);
  CHECK_THROWS_AS(PartList::parse(std::string((1u << 20) + 1, ' '), "dc.sdc"), Error);
}
