// Trim by inventory and the changelogs, against the real server: images the DC has active,
// services it does not run (unless named) and targets not newer than what it runs (unless
// pinned) are left out; changelogs run from the DC's version or --since to the target.
#include "catalog_server.hpp"

#include <builder/resolve.hpp>

#include <imgapi/client.hpp>
#include <manifest/changelog.hpp>
#include <manifest/inventory.hpp>

#include <map>

using builder::ResolveRequest;
using builder::Resolution;
using builder_test::build;
using builder_test::CatalogServer;
using builder_test::day;
using builder_test::error_of;
using builder_test::ImageSpec;
using common::ExitCode;

namespace {

ImageSpec other(std::string name, std::string version, std::string when,
                std::string buildstamp = "") {
  ImageSpec s{std::move(name), std::move(version), std::move(when)};
  s.type = "other";
  s.buildstamp = std::move(buildstamp);
  return s;
}

// A catalog with a few builds of a handful of artifacts; uuids by "name:N".
struct Fixture {
  CatalogServer catalog;
  std::map<std::string, std::string> u;

  Fixture() {
    u["imgapi:1"] = catalog.add({"imgapi", build("master", 1, "aaaaaaa"), day(1)});
    u["imgapi:2"] = catalog.add({"imgapi", build("master", 2, "bbbbbbb"), day(2)});
    u["imgapi:3"] = catalog.add({"imgapi", build("release-20250103", 3, "ccccccc"), day(3)});
    u["cnapi:1"] = catalog.add({"cnapi", build("master", 1, "ddddddd"), day(1)});
    u["cnapi:2"] = catalog.add({"cnapi", build("master", 2, "eeeeeee"), day(2)});
    u["docker:1"] = catalog.add({"docker", build("master", 1, "fffffff"), day(1)});
    u["vmapi:1"] = catalog.add({"vmapi", build("master", 1, "1111111"), day(1)});
    u["vmapi:2"] = catalog.add({"vmapi", build("master", 2, "2222222"), day(2)});
    u["cn-agent:1"] = catalog.add(other("cn-agent", "1.0.0-" + build("master", 1, "3333333"), day(1)));
    u["cn-agent:2"] = catalog.add(other("cn-agent", "1.0.1-" + build("master", 2, "4444444"), day(2)));
    u["net-agent:1"] = catalog.add(other("net-agent", "1.0.0-" + build("master", 1, "5555555"), day(1)));
    u["agentsshar:1"] = catalog.add(other("agentsshar", "1.0.0-" + build("master", 1, "6666666"), day(1)));
    u["agentsshar:2"] = catalog.add(other("agentsshar", "1.0.0-" + build("master", 2, "7777777"), day(2)));
    u["gz-tools:1"] = catalog.add(other("gz-tools", "2.0.0-" + build("master", 1, "8888888"), day(1)));
    u["gz-tools:2"] = catalog.add(other("gz-tools", "2.0.0-" + build("master", 2, "9999999"), day(2)));
    u["platform:1"] = catalog.add(other("platform", "master-20250101T120000Z", day(1)));
    u["platform:3"] = catalog.add(other("platform", "master-20250103T120000Z", day(3)));
    u["sdcadm:1"] = catalog.add(other("sdcadm", "1.39.0", day(1), build("master", 1, "abcdef0")));
    u["sdcadm:2"] = catalog.add(other("sdcadm", "1.40.0", day(2), build("master", 2, "abcdef1")));
    u["sdcadm:3"] = catalog.add(other("sdcadm", "1.39.1", day(3), build("release-1", 3, "abcdef2")));
  }

  // The DC: imgapi on build 1, cnapi on its newest, vmapi on build 1 with build 2 already
  // imported, cn-agent on build 1, agentsshar 2, gz-tools 1, platform 3, sdcadm 1.39.0.
  manifest::Inventory inventory() const {
    manifest::Inventory dc;
    dc.datacenter = "lab-1";
    auto image = [&](const std::string& key, const std::string& name, const std::string& version,
                     const std::string& when) {
      dc.images.push_back({u.at(key), name, version, when});
    };
    image("imgapi:1", "imgapi", build("master", 1, "aaaaaaa"), day(1));
    image("cnapi:2", "cnapi", build("master", 2, "eeeeeee"), day(2));
    image("vmapi:1", "vmapi", build("master", 1, "1111111"), day(1));
    image("vmapi:2", "vmapi", build("master", 2, "2222222"), day(2));
    auto service = [&](const std::string& name, const std::string& key) {
      manifest::InventoryService s;
      s.name = name;
      s.instances.push_back({"00000000-1111-4000-8000-000000000000", name + "0", "", u.at(key)});
      dc.services.push_back(s);
    };
    service("imgapi", "imgapi:1");
    service("cnapi", "cnapi:2");
    service("vmapi", "vmapi:1");
    dc.agents.push_back({"cn-agent", {u.at("cn-agent:1")}});
    dc.agentsshar = manifest::InventoryAgentsshar{u.at("agentsshar:2"), "x", ""};
    dc.gz_tools = manifest::InventoryGzTools{u.at("gz-tools:1"), ""};
    dc.platforms.push_back({"20250101T120000Z", false, false, 0});
    dc.platforms.push_back({"20250103T120000Z", true, true, 1});
    dc.sdcadm = {"1.39.0", build("master", 1, "abcdef0")};
    return dc;
  }

  Resolution run(ResolveRequest request) {
    imgapi::Client client(catalog.url());
    return builder::resolve(client, request);
  }
};

std::vector<std::string> target_names(const Resolution& r) {
  std::vector<std::string> out;
  for (const auto& a : r.artifacts) out.push_back(a.image.name() + ":" + a.image.version());
  return out;
}

std::string reason(const Resolution& r, const std::string& what) {
  for (const auto& note : r.trimmed) {
    if (note.what == what) return note.reason;
  }
  return "<not trimmed>";
}

std::vector<std::string> entry_versions(const manifest::ChangelogArtifact& a) {
  std::vector<std::string> out;
  for (const auto& e : a.entries) out.push_back(e.version);
  return out;
}

}  // namespace

TEST_CASE("trim by inventory", "[builder][trim]") {
  Fixture f;
  const manifest::Inventory dc = f.inventory();
  ResolveRequest req;
  req.all = true;
  req.inventory = &dc;
  Resolution r = f.run(req);
  CHECK(target_names(r) == std::vector<std::string>{
                               "imgapi:" + build("release-20250103", 3, "ccccccc"),
                               "cn-agent:1.0.1-" + build("master", 2, "4444444"),
                               "gz-tools:2.0.0-" + build("master", 2, "9999999"), "sdcadm:1.40.0"});
  CHECK(reason(r, "service cnapi").find("is not newer than what the DC runs: " +
                                        build("master", 2, "eeeeeee")) != std::string::npos);
  CHECK(reason(r, "service docker") == "not run by the DC (name it to include it anyway)");
  CHECK(reason(r, "service vmapi").find("already active in the DC's IMGAPI") != std::string::npos);
  CHECK(reason(r, "agent net-agent") == "not run by the DC (name it to include it anyway)");
  CHECK(reason(r, "agentsshar").find("not newer") != std::string::npos);
  CHECK(reason(r, "platform").find("not newer than what the DC runs: platform 20250103T120000Z") !=
        std::string::npos);
  CHECK(r.trimmed.size() == 6);

  SECTION("named services and pins stay") {
    req.selections = {builder::parse_selection("docker"),
                      builder::parse_selection("cnapi@" + f.u["cnapi:1"])};
    r = f.run(req);
    CHECK(reason(r, "service docker") == "<not trimmed>");
    CHECK(reason(r, "service cnapi") == "<not trimmed>");
    REQUIRE(r.artifacts.size() == 6);
    CHECK(r.artifacts[0].image.uuid() == f.u["cnapi:1"]);
    CHECK(r.artifacts[0].pinned);
    CHECK(r.artifacts[1].image.uuid() == f.u["docker:1"]);
  }
  SECTION("a pin the DC already has active is still left out, with the reason") {
    req.selections = {builder::parse_selection("vmapi@" + f.u["vmapi:1"])};
    r = f.run(req);
    CHECK(reason(r, "service vmapi").find("already active") != std::string::npos);
  }
  SECTION("without an inventory nothing is trimmed") {
    req.inventory = nullptr;
    r = f.run(req);
    CHECK(r.trimmed.empty());
    CHECK(r.artifacts.size() == 10);
  }
}

TEST_CASE("changelogs from the DC's version to the target", "[builder][changelog]") {
  Fixture f;
  const manifest::Inventory dc = f.inventory();
  ResolveRequest req;
  req.all = true;
  req.inventory = &dc;
  const Resolution r = f.run(req);
  REQUIRE(r.changelog.artifacts.size() == 4);
  const manifest::ChangelogArtifact* imgapi = r.changelog.find("imgapi");
  REQUIRE(imgapi != nullptr);
  REQUIRE(imgapi->from);
  CHECK(imgapi->from->uuid == f.u["imgapi:1"]);
  CHECK(imgapi->from->version == build("master", 1, "aaaaaaa"));
  CHECK(imgapi->to.uuid == f.u["imgapi:3"]);
  REQUIRE(imgapi->entries.size() == 2);
  CHECK(imgapi->entries[0].uuid == f.u["imgapi:2"]);
  CHECK(imgapi->entries[0].git_sha == "bbbbbbb");
  CHECK(imgapi->entries[0].published_at == day(2));
  CHECK(imgapi->entries[0].description == "imgapi " + build("master", 2, "bbbbbbb"));
  CHECK(imgapi->entries[1].git_sha == "ccccccc");

  // sdcadm: semver order, the later-published hotfix in between; shas from the buildstamp.
  const manifest::ChangelogArtifact* sdcadm = r.changelog.find("sdcadm");
  REQUIRE(sdcadm != nullptr);
  REQUIRE(sdcadm->from);
  CHECK(sdcadm->from->uuid == f.u["sdcadm:1"]);
  CHECK(entry_versions(*sdcadm) == std::vector<std::string>{"1.39.1", "1.40.0"});
  CHECK(sdcadm->entries[0].git_sha == "abcdef2");

  // The model accepts what we produce.
  CHECK(manifest::Changelog::parse(r.changelog.serialize()).serialize() == r.changelog.serialize());
}

TEST_CASE("changelogs with --since, and without any start", "[builder][changelog]") {
  Fixture f;
  ResolveRequest req;
  req.selections = {builder::parse_selection("imgapi"), builder::parse_selection("cnapi")};

  SECTION("no start: just the target") {
    const Resolution r = f.run(req);
    const auto* imgapi = r.changelog.find("imgapi");
    REQUIRE(imgapi != nullptr);
    CHECK(!imgapi->from);
    CHECK(entry_versions(*imgapi) == std::vector<std::string>{build("release-20250103", 3, "ccccccc")});
  }
  SECTION("--since DATE") {
    req.since = "2025-01-02";
    const Resolution r = f.run(req);
    const auto* imgapi = r.changelog.find("imgapi");
    REQUIRE(imgapi->from);
    CHECK(imgapi->from->uuid == f.u["imgapi:1"]);
    CHECK(imgapi->entries.size() == 2);
    req.since = "2025-01-02T13:00:00Z";
    CHECK(f.run(req).changelog.find("imgapi")->entries.size() == 1);
    req.since = "2025-02-30";
    error_of([&] { f.run(req); }, ExitCode::usage);
  }
  SECTION("--since VERSION") {
    req.since = build("master", 2, "bbbbbbb");
    const Resolution r = f.run(req);
    const auto* imgapi = r.changelog.find("imgapi");
    REQUIRE(imgapi->from);
    CHECK(imgapi->from->uuid == f.u["imgapi:2"]);
    CHECK(entry_versions(*imgapi) == std::vector<std::string>{build("release-20250103", 3, "ccccccc")});
    CHECK(!r.changelog.find("cnapi")->from);  // the version is imgapi's only
    req.since = "no-such-version";
    CHECK(error_of([&] { f.run(req); }, ExitCode::usage).find("no image of the selected") !=
          std::string::npos);
    req.since = "bad version!";
    error_of([&] { f.run(req); }, ExitCode::usage);
  }
  SECTION("--since wins over the inventory for the changelog") {
    const manifest::Inventory dc = f.inventory();
    req.inventory = &dc;
    req.since = build("master", 2, "bbbbbbb");
    const Resolution r = f.run(req);
    const auto* imgapi = r.changelog.find("imgapi");
    REQUIRE(imgapi != nullptr);
    REQUIRE(imgapi->from);
    CHECK(imgapi->from->uuid == f.u["imgapi:2"]);
  }
  SECTION("a pinned downgrade has no entries") {
    const manifest::Inventory dc = f.inventory();
    req.inventory = &dc;
    req.selections = {builder::parse_selection("cnapi@" + f.u["cnapi:1"])};
    const Resolution r = f.run(req);
    const auto* cnapi = r.changelog.find("cnapi");
    REQUIRE(cnapi != nullptr);
    CHECK(cnapi->from->uuid == f.u["cnapi:2"]);
    CHECK(cnapi->to.uuid == f.u["cnapi:1"]);
    CHECK(cnapi->entries.empty());
  }
}
