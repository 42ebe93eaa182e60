// Tests for manifest/changelog.cpp: changelog.json round trip and refusals, git sha
// extraction from Triton versions, and the text of `sdcadm-bundle changelog`.
#include <manifest/changelog.hpp>

#include <common/error.hpp>
#include <common/json.hpp>
#include <manifest/image_manifest.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::Changelog;
using manifest::git_sha_from_version;
using manifest::render_text;

namespace {

const std::string k_u1 = "11111111-1111-4111-8111-111111111111";
const std::string k_u2 = "22222222-2222-4222-8222-222222222222";
const std::string k_u3 = "33333333-3333-4333-8333-333333333333";

Json sample() {
  return Json::parse(R"({"artifacts": [
    {"name": "imgapi",
     "from": {"uuid": ")" + k_u1 + R"(", "version": "master-20240101T000000Z-g0a0a0a0"},
     "to": {"uuid": ")" + k_u3 + R"(", "version": "master-20250101T000000Z-g1a2b3c4"},
     "entries": [
       {"uuid": ")" + k_u2 + R"(", "version": "master-20240601T000000Z-gbbbbbbb",
        "published_at": "2024-06-01T00:10:00.000Z", "git_sha": "bbbbbbb",
        "description": "Fix paging\nLonger text that is not shown"},
       {"uuid": ")" + k_u3 + R"(", "version": "master-20250101T000000Z-g1a2b3c4",
        "published_at": "2025-01-01T00:10:00.000Z", "git_sha": "1a2b3c4",
        "description": "Image API"}]},
    {"name": "sdcadm",
     "to": {"uuid": ")" + k_u2 + R"(", "version": "1.39.0"},
     "entries": [
       {"uuid": ")" + k_u2 + R"(", "version": "1.39.0",
        "published_at": "2025-01-13T12:26:14.107Z"}]}
  ]})");
}

std::string refusal(const Json& j) {
  try {
    Changelog::parse(common::dump_json(j));
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_data);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("git_sha_from_version handles Triton's version forms") {
  CHECK(git_sha_from_version("master-20250101T000000Z-g1a2b3c4") == "1a2b3c4");
  CHECK(git_sha_from_version("release-20250101-20250101T000000Z-g1a2b3c4") == "1a2b3c4");
  CHECK(git_sha_from_version("1.0.0-master-20250103T010331Z-gb96a202") == "b96a202");  // agentsshar
  CHECK(git_sha_from_version("1.2.1-release-20250102-20250104T162650Z-g60f35f7") == "60f35f7");
  CHECK(git_sha_from_version("master-20250101T000000Z-g1a2b3c4-dirty") == "1a2b3c4");
  CHECK(git_sha_from_version("TRITON-2468-20250211T062836Z-ga7d9588") == "a7d9588");
  CHECK(git_sha_from_version("master-20250101T000000Z-g" + std::string(40, 'f')) ==
        std::string(40, 'f'));
  // No sha: semver, platform stamps, malformed shas.
  CHECK(git_sha_from_version("1.39.0").empty());
  CHECK(git_sha_from_version("master-20200304T133736Z").empty());
  CHECK(git_sha_from_version("20200304T133736Z").empty());
  CHECK(git_sha_from_version("").empty());
  CHECK(git_sha_from_version("master-20250101T000000Z-g12345").empty());     // too short
  CHECK(git_sha_from_version("master-20250101T000000Z-gABCDEF1").empty());   // upper case
  CHECK(git_sha_from_version("master-20250101T000000Z-1a2b3c4").empty());    // no 'g'
  CHECK(git_sha_from_version("master-g1a2b3c4").empty());                    // no stamp
}

TEST_CASE("changelog round trip and lookups") {
  const Changelog c = Changelog::parse(common::dump_json(sample()));
  REQUIRE(c.artifacts.size() == 2);
  REQUIRE(c.artifacts[0].from);
  CHECK(c.artifacts[0].from->version == "master-20240101T000000Z-g0a0a0a0");
  CHECK_FALSE(c.artifacts[1].from);
  CHECK(c.artifacts[1].entries[0].git_sha.empty());
  CHECK(c.find("sdcadm") == &c.artifacts[1]);
  CHECK(c.find("vmapi") == nullptr);
  const std::string out = c.serialize();
  CHECK(out.back() == '\n');
  CHECK(Changelog::parse(out).serialize() == out);
  const Json j = Json::parse(out);
  CHECK(j["artifacts"][1].count("from") == 0);
  CHECK(j["artifacts"][1]["entries"][0]["git_sha"] == "");
  // Unknown keys survive.
  Json extended = sample();
  extended["x"] = 1;
  extended["artifacts"][0]["role"] = "service-image";
  const Json again = Json::parse(Changelog::parse(common::dump_json(extended)).serialize());
  CHECK(again["x"] == 1);
  CHECK(again["artifacts"][0]["role"] == "service-image");
  // "from": null is the same as no "from".
  extended["artifacts"][0]["from"] = nullptr;
  CHECK_FALSE(Changelog::parse(common::dump_json(extended)).artifacts[0].from);
}

TEST_CASE("changelog refusals name the field") {
  const std::vector<std::pair<std::function<void(Json&)>, const char*>> cases = {
      {[](Json& j) { j["artifacts"] = 1; }, "changelog: artifacts: expected an array"},
      {[](Json& j) { j["artifacts"][0]["entries"][1]["uuid"] = "x"; },
       "artifacts[0].entries[1].uuid: "},
      {[](Json& j) { j["artifacts"][0]["entries"][0]["published_at"] = "June"; },
       "artifacts[0].entries[0].published_at: "},
      {[](Json& j) { j["artifacts"][0]["entries"][0]["git_sha"] = "xyz"; },
       "artifacts[0].entries[0].git_sha: "},
      {[](Json& j) { j["artifacts"][0]["entries"][0]["description"] = 3; },
       "artifacts[0].entries[0].description: expected a string"},
      {[](Json& j) { j["artifacts"][0]["from"] = "x"; }, "artifacts[0].from: expected an object"},
      {[](Json& j) { j["artifacts"][0]["to"].erase("version"); },
       "artifacts[0].to.version: missing"},
      {[](Json& j) { j["artifacts"][1].erase("to"); }, "artifacts[1].to: missing"},
      {[](Json& j) { j["artifacts"][1]["name"] = "imgapi"; }, "artifacts[1].name: duplicate"},
      {[](Json& j) { j["artifacts"][1]["name"] = ""; }, "artifacts[1].name: must not be empty"},
  };
  for (const auto& [mutate, expected] : cases) {
    Json j = sample();
    mutate(j);
    INFO(expected);
    CHECK_THAT(refusal(j), Catch::Contains(expected));
  }
  CHECK_THROWS_AS(Changelog::parse("{\"artifacts\": ["), Error);
  CHECK_THROWS_AS(Changelog::parse(std::string(20, '[') + std::string(20, ']')), Error);
  CHECK_THROWS_AS(Changelog::parse("[]"), Error);
}

TEST_CASE("render_text: headers, entries, filter") {
  const Changelog c = Changelog::parse(common::dump_json(sample()));
  CHECK(render_text(c) ==
        "imgapi: master-20240101T000000Z-g0a0a0a0 -> master-20250101T000000Z-g1a2b3c4 "
        "(2 images)\n"
        "  2024-06-01  master-20240601T000000Z-gbbbbbbb  bbbbbbb  Fix paging\n"
        "  2025-01-01  master-20250101T000000Z-g1a2b3c4  1a2b3c4  Image API\n"
        "\n"
        "sdcadm: (new) -> 1.39.0 (1 image)\n"
        "  2025-01-13  1.39.0  -\n");
  CHECK(render_text(c, {"sdcadm"}) == "sdcadm: (new) -> 1.39.0 (1 image)\n"
                                      "  2025-01-13  1.39.0  -\n");
  CHECK(render_text(c, {"vmapi"}).empty());
  CHECK(render_text(Changelog{}).empty());
}

TEST_CASE("render_text keeps terminal control sequences out") {
  Json j = sample();
  j["artifacts"][0]["entries"][0]["description"] = "\x1b]0;pwned\x07 ok\xc2\x9b" "31m";
  j["artifacts"][0]["name"] = "img\x1b[2Japi";
  const std::string out = render_text(Changelog::parse(common::dump_json(j)));
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK(out.find("\xc2\x9b") == std::string::npos);
  CHECK_THAT(out, Catch::Contains("?]0;pwned? ok?31m"));
  CHECK_THAT(out, Catch::StartsWith("img?[2Japi: "));
  // Non-ASCII text is kept as is.
  j = sample();
  j["artifacts"][0]["entries"][0]["description"] = "Überarbeitet";
  CHECK_THAT(render_text(Changelog::parse(common::dump_json(j))), Catch::Contains("Überarbeitet"));
}

TEST_CASE("changelog_entry_from takes the sha from the version or the build stamp") {
  const auto m = manifest::ImageManifest::parse(
      R"({"v": 2, "uuid": ")" + k_u1 + R"(", "name": "sdcadm", "version": "1.39.0",
          "published_at": "2025-01-13T12:26:14.107Z", "description": "Administer SDC",
          "tags": {"buildstamp": "master-20250113T114909Z-g68e7b2f"}})",
      "m");
  const auto e = manifest::changelog_entry_from(m);
  CHECK(e.uuid == k_u1);
  CHECK(e.version == "1.39.0");
  CHECK(e.published_at == "2025-01-13T12:26:14.107Z");
  CHECK(e.git_sha == "68e7b2f");
  CHECK(e.description == "Administer SDC");
  const auto zone = manifest::ImageManifest::parse(
      R"({"uuid": ")" + k_u2 + R"(", "name": "imgapi",
          "version": "release-20250116-20250117T063640Z-g17f6e1a"})",
      "m");
  CHECK(manifest::changelog_entry_from(zone).git_sha == "17f6e1a");
  CHECK(manifest::changelog_entry_from(zone).description.empty());
}

TEST_CASE("transition_text: one version, two builds are told apart") {
  manifest::ChangelogArtifact a;
  a.name = "sdcadm";
  a.to = {"5e6f7a8b-0000-4000-8000-000000000002", "1.40.0"};
  CHECK(manifest::transition_text(a) == "(new) -> 1.40.0");
  a.from = manifest::ChangelogRef{"1a2b3c4d-0000-4000-8000-000000000001", "1.39.0"};
  CHECK(manifest::transition_text(a) == "1.39.0 -> 1.40.0");
  a.from->version = "1.40.0";
  CHECK(manifest::transition_text(a) == "1.40.0 (1a2b3c4d) -> 1.40.0 (5e6f7a8b), same version, newer build");
  a.to.version = "1.40.0\x1b[2J";
  a.from->version = a.to.version;
  CHECK(manifest::transition_text(a).find('\x1b') == std::string::npos);
}
