// builder/service_map: the table equals sdcadm's etc/defaults.json imgNamesFromSvcName (the
// copy committed with the sample catalog), agents are the ones sdcadm.md §3 lists, and the
// newness rules order by published_at / semver+buildstamp, never by version text.
#include "catalog_server.hpp"

#include <builder/resolve.hpp>
#include <builder/service_map.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using builder::ArtifactKind;
using common::ExitCode;
using common::Json;

namespace {

Json read_defaults() {
  const char* source = std::getenv("SDCB_SOURCE");
  REQUIRE(source != nullptr);
  std::ifstream in(std::string(source) + "/tools/sample_catalog/data/sdcadm-etc-defaults.json");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

manifest::ImageManifest image(const std::string& version, const std::string& published_at,
                              const std::string& buildstamp = "") {
  Json j = {{"uuid", "00000000-0000-4000-8000-000000000001"}, {"name", "x"},
            {"version", version}, {"published_at", published_at}};
  if (!buildstamp.empty()) j["tags"] = {{"buildstamp", buildstamp}};
  return manifest::ImageManifest::from_json(j, "test");
}

}  // namespace

TEST_CASE("service map equals sdcadm's imgNamesFromSvcName", "[builder][service_map]") {
  const Json map = read_defaults().at("imgNamesFromSvcName");
  std::size_t services = 0;
  for (auto it = map.begin(); it != map.end(); ++it) {
    INFO(it.key());
    const builder::ServiceMapEntry* entry = builder::find_service(it.key());
    REQUIRE(entry != nullptr);
    CHECK(Json(entry->image_names) == it.value());
    ++services;
  }
  std::size_t non_services = 0;
  for (const auto& entry : builder::service_map()) {
    if (!map.contains(entry.name)) {
      ++non_services;
      CHECK(entry.image_names == std::vector<std::string>{entry.name});
    }
  }
  CHECK(services == 47);
  CHECK(non_services == 4);  // agentsshar, gz-tools, platform, sdcadm
  CHECK(builder::find_service("agentsshar")->kind == ArtifactKind::agentsshar);
  CHECK(builder::find_service("gz-tools")->kind == ArtifactKind::gz_tools);
  CHECK(builder::find_service("platform")->kind == ArtifactKind::platform);
  CHECK(builder::find_service("sdcadm")->kind == ArtifactKind::sdcadm);
  CHECK(builder::find_service("ca") == nullptr);
}

TEST_CASE("agents are the ones sdcadm lists", "[builder][service_map]") {
  const std::set<std::string> want = {
      "agents_core", "amon-agent", "amon-relay", "cmon-agent", "cn-agent",
      "config-agent", "firewaller", "hagfish-watcher", "net-agent", "smartlogin",
      "vm-agent", "firewall-logger-agent", "dockerlogger", "cabase", "cainstsvc"};
  std::set<std::string> got;
  for (const auto& entry : builder::service_map()) {
    if (entry.kind == ArtifactKind::agent) got.insert(entry.name);
  }
  CHECK(got == want);
  CHECK(builder::role_of(ArtifactKind::agent) == "agent");
  CHECK(builder::role_of(ArtifactKind::service) == "service-image");
  CHECK(builder::role_of(ArtifactKind::gz_tools) == "gz-tools");
}

TEST_CASE("image names lead back to their service", "[builder][service_map]") {
  CHECK(builder::find_by_image_name("sdc-postgres")->name == "manatee");
  CHECK(builder::find_by_image_name("manta-nameservice")->name == "binder");
  CHECK(builder::find_by_image_name("nope") == nullptr);
}

TEST_CASE("newness: published_at for images, semver then buildstamp for sdcadm",
          "[builder][service_map]") {
  // "release-..." > "master-..." as text, but the master build is published later.
  const auto release = image("release-20250101-20250101T000000Z-gaaaaaaa", "2025-01-01T00:00:00Z");
  const auto master = image("master-20250102T000000Z-gbbbbbbb", "2025-01-02T00:00:00.000Z");
  CHECK(builder::compare_newness(ArtifactKind::service, master, release) > 0);
  CHECK(builder::compare_newness(ArtifactKind::platform, release, master) < 0);

  const auto v140 = image("1.40.0", "2025-01-05T00:00:00Z", "master-20250105T000000Z-g1111111");
  const auto v1391 = image("1.39.1", "2025-01-09T00:00:00Z", "release-20250109T000000Z-g2222222");
  const auto v140b = image("1.40.0", "2025-01-03T00:00:00Z", "master-20250110T000000Z-g3333333");
  CHECK(builder::compare_newness(ArtifactKind::sdcadm, v140, v1391) > 0);
  CHECK(builder::compare_newness(ArtifactKind::sdcadm, v140b, v140) > 0);
  CHECK(builder::compare_newness(ArtifactKind::service, v140b, v140) < 0);

  const auto bad = image("1.40.0", "yesterday");
  const std::string message = builder_test::error_of(
      [&] { builder::compare_newness(ArtifactKind::service, bad, v140); }, ExitCode::bad_data);
  CHECK(message.find("comparing image") != std::string::npos);
}

TEST_CASE("platform stamps come from the version or the buildstamp tag", "[builder][service_map]") {
  CHECK(builder::platform_stamp(image("master-20250103T101010Z", "2025-01-03T00:00:00Z")) ==
        "20250103T101010Z");
  CHECK(builder::platform_stamp(image("release-20250102-20250104T000000Z", "2025-01-04T00:00:00Z")) ==
        "20250104T000000Z");
  CHECK(builder::platform_stamp(image("7.0", "2025-01-04T00:00:00Z", "master-20250105T000000Z")) ==
        "20250105T000000Z");
  CHECK(builder::platform_stamp(image("7.0", "2025-01-04T00:00:00Z")).empty());
}
