// Selecting targets: SERVICE[@PIN] parsing, and the "latest" rules of sdcadm against the
// real server (sdcadm-bundle serve) over hand-written catalogs.
#include "catalog_server.hpp"

#include <builder/resolve.hpp>
#include <builder/service_map.hpp>

#include <imgapi/client.hpp>

using builder::ResolveRequest;
using builder::Resolution;
using builder::Selection;
using builder_test::build;
using builder_test::CatalogServer;
using builder_test::day;
using builder_test::error_of;
using builder_test::ImageSpec;
using common::ExitCode;

namespace {

ResolveRequest request_for(std::vector<std::string> args) {
  ResolveRequest r;
  for (const auto& a : args) r.selections.push_back(builder::parse_selection(a));
  return r;
}

Resolution run(CatalogServer& catalog, const ResolveRequest& request) {
  imgapi::Client client(catalog.url());
  return builder::resolve(client, request);
}

// The target artifact of `role` for image name(s); fails when absent.
const builder::ResolvedArtifact& target(const Resolution& r, const std::string& name) {
  for (const auto& a : r.artifacts) {
    if (a.role != "origin" && a.image.name() == name) return a;
  }
  FAIL("no target named " << name);
  return r.artifacts.front();
}

}  // namespace

TEST_CASE("parse_selection accepts SERVICE, SERVICE@UUID, SERVICE@VERSION", "[builder][select]") {
  Selection s = builder::parse_selection("imgapi");
  CHECK(s.service == "imgapi");
  CHECK(!s.uuid);
  CHECK(!s.version);
  s = builder::parse_selection("imgapi@0A1B2C3D-0000-4000-8000-00000000000F");
  CHECK(s.uuid == std::string("0a1b2c3d-0000-4000-8000-00000000000f"));
  CHECK(s.text() == "imgapi@0a1b2c3d-0000-4000-8000-00000000000f");
  s = builder::parse_selection("sdcadm@1.39.0");
  CHECK(s.version == std::string("1.39.0"));
  CHECK(!s.uuid);
  s = builder::parse_selection("gz-tools@2.1.0-master-20250101T000000Z-g1234567");
  CHECK(s.version == std::string("2.1.0-master-20250101T000000Z-g1234567"));
}

TEST_CASE("parse_selection refuses malformed and unknown selections", "[builder][select]") {
  CHECK(error_of([] { builder::parse_selection(""); }, ExitCode::usage).find("empty") !=
        std::string::npos);
  CHECK(error_of([] { builder::parse_selection("@1.0"); }, ExitCode::usage)
            .find("no service before") != std::string::npos);
  CHECK(error_of([] { builder::parse_selection("imgapi@"); }, ExitCode::usage)
            .find("nothing after") != std::string::npos);
  CHECK(error_of([] { builder::parse_selection("imgapi@a b"); }, ExitCode::usage)
            .find("neither an image uuid nor a version") != std::string::npos);
  const std::string unknown = error_of([] { builder::parse_selection("imgpai"); }, ExitCode::usage);
  CHECK(unknown.find("unknown service \"imgpai\"") != std::string::npos);
  CHECK(unknown.find("imgapi") != std::string::npos);
  CHECK(error_of([] { builder::parse_selection("sdc-postgres@1"); }, ExitCode::usage)
            .find("did you mean manatee?") != std::string::npos);
}

TEST_CASE("newest is the greatest published_at, never the version string", "[builder][select]") {
  CatalogServer catalog;
  catalog.add({"imgapi", build("release-20250101", 1, "aaaaaaa"), day(1)});
  const auto newest = catalog.add({"imgapi", build("master", 3, "ccccccc"), day(3)});
  // Greatest version text ("zz..."), published in between.
  catalog.add({"imgapi", "zz-" + build("master", 2, "bbbbbbb"), day(2)});
  const Resolution r = run(catalog, request_for({"imgapi"}));
  CHECK(r.channel == "dev");
  CHECK(r.source_url == catalog.url());
  REQUIRE(r.artifacts.size() == 1);
  CHECK(r.artifacts[0].image.uuid() == newest);
  CHECK(r.artifacts[0].role == "service-image");
  CHECK(r.artifacts[0].services == std::vector<std::string>{"imgapi"});
  CHECK(!r.artifacts[0].pinned);
}

TEST_CASE("multi-name services take the newest across both names", "[builder][select]") {
  CatalogServer catalog;
  catalog.add({"mantav2-nameservice", build("master", 5, "aaaaaaa"), day(5)});
  const auto binder = catalog.add({"manta-nameservice", build("master", 6, "bbbbbbb"), day(6)});
  const auto mahi = catalog.add({"mantav2-authcache", build("master", 7, "ccccccc"), day(7)});
  catalog.add({"manta-authcache", build("master", 4, "ddddddd"), day(4)});
  catalog.add({"binder", build("master", 9, "eeeeeee"), day(9)});  // not an image name of binder
  const Resolution r = run(catalog, request_for({"binder", "mahi"}));
  REQUIRE(r.artifacts.size() == 2);
  CHECK(r.artifacts[0].image.uuid() == binder);  // binder sorts before mahi
  CHECK(r.artifacts[0].services == std::vector<std::string>{"binder"});
  CHECK(r.artifacts[1].image.uuid() == mahi);
}

TEST_CASE("pins by uuid and by version", "[builder][select]") {
  CatalogServer catalog;
  const auto old_one = catalog.add({"cnapi", build("master", 1, "aaaaaaa"), day(1)});
  catalog.add({"cnapi", build("master", 2, "bbbbbbb"), day(2)});
  const auto other = catalog.add({"vmapi", build("master", 1, "ccccccc"), day(1)});
  const auto staging = catalog.add({"cnapi", build("release-1", 3, "ddddddd"), day(3), {"staging"}});
  const auto vm_b = catalog.add({"mantav2-moray", "same-version", day(1)});
  const auto vm_a = catalog.add({"manta-moray", "same-version", day(2)});

  SECTION("by uuid") {
    const Resolution r = run(catalog, request_for({"cnapi@" + old_one}));
    REQUIRE(r.artifacts.size() == 1);
    CHECK(r.artifacts[0].image.uuid() == old_one);
    CHECK(r.artifacts[0].pinned);
  }
  SECTION("by version") {
    const Resolution r = run(catalog, request_for({"cnapi@" + build("master", 1, "aaaaaaa")}));
    REQUIRE(r.artifacts.size() == 1);
    CHECK(r.artifacts[0].image.uuid() == old_one);
    CHECK(r.artifacts[0].pinned);
  }
  SECTION("a uuid of another service") {
    const std::string m = error_of([&] { run(catalog, request_for({"cnapi@" + other})); },
                                   ExitCode::usage);
    CHECK(m.find("not an image of cnapi") != std::string::npos);
    CHECK(m.find(other) != std::string::npos);
  }
  SECTION("a uuid in another channel") {
    const std::string m = error_of([&] { run(catalog, request_for({"cnapi@" + staging})); },
                                   ExitCode::not_found);
    CHECK(m.find("not in channel dev (it is in: staging)") != std::string::npos);
  }
  SECTION("an unknown uuid") {
    const std::string m = error_of(
        [&] { run(catalog, request_for({"cnapi@deadbeef-0000-4000-8000-000000000000"})); },
        ExitCode::not_found);
    CHECK(m.find("has no image deadbeef-0000-4000-8000-000000000000") != std::string::npos);
  }
  SECTION("a version matching several images lists them") {
    const std::string m = error_of([&] { run(catalog, request_for({"moray@same-version"})); },
                                   ExitCode::usage);
    CHECK(m.find("matches 2 images") != std::string::npos);
    CHECK(m.find(vm_a) != std::string::npos);
    CHECK(m.find(vm_b) != std::string::npos);
  }
  SECTION("a version no image has") {
    const std::string m = error_of([&] { run(catalog, request_for({"cnapi@nope"})); },
                                   ExitCode::not_found);
    CHECK(m.find("has version nope on channel dev") != std::string::npos);
  }
}

TEST_CASE("default channel, -C, unknown channels", "[builder][select]") {
  CatalogServer catalog;
  const auto dev = catalog.add({"sapi", build("master", 5, "aaaaaaa"), day(5), {"dev"}});
  const auto rel = catalog.add({"sapi", build("release-1", 3, "bbbbbbb"), day(3), {"staging", "release"}});
  catalog.add({"napi", build("release-1", 3, "ccccccc"), day(3), {"release"}});

  CHECK(run(catalog, request_for({"sapi"})).artifacts.at(0).image.uuid() == dev);
  ResolveRequest req = request_for({"sapi"});
  req.channel = "release";
  const Resolution r = run(catalog, req);
  CHECK(r.channel == "release");
  CHECK(r.artifacts.at(0).image.uuid() == rel);

  req.channel = "nightly";
  const std::string m = error_of([&] { run(catalog, req); }, ExitCode::unknown_channel);
  CHECK(m.find("channel nightly does not exist on " + catalog.url() +
               "; it has: experimental, dev, staging, release, support") != std::string::npos);
  req.channel = "*";
  error_of([&] { run(catalog, req); }, ExitCode::usage);

  // A named service without an image on the channel says where there are some.
  const std::string none = error_of([&] { run(catalog, request_for({"napi"})); },
                                    ExitCode::not_found);
  CHECK(none.find("no image named napi on channel dev") != std::string::npos);
  CHECK(none.find("there are some in: release") != std::string::npos);
  error_of([&] { run(catalog, request_for({"vmapi"})); }, ExitCode::not_found);
}

TEST_CASE("a server without a default channel needs -C", "[builder][select]") {
  CatalogServer catalog;
  catalog.set_channels(common::Json::parse(
      R"([{"name":"alpha","description":"a"},{"name":"beta","description":"b"}])"));
  const auto beta = catalog.add({"sapi", build("master", 5, "aaaaaaa"), day(5), {"beta"}});
  const std::string m = error_of([&] { run(catalog, request_for({"sapi"})); },
                                 ExitCode::unknown_channel);
  CHECK(m.find("marks no channel as default") != std::string::npos);
  CHECK(m.find("alpha, beta") != std::string::npos);
  ResolveRequest req = request_for({"sapi"});
  req.channel = "beta";
  CHECK(run(catalog, req).artifacts.at(0).image.uuid() == beta);
}

TEST_CASE("agents, agentsshar, gz-tools, platform: newest by published_at", "[builder][select]") {
  CatalogServer catalog;
  auto other = [](std::string name, std::string version, std::string when) {
    ImageSpec s{std::move(name), std::move(version), std::move(when)};
    s.type = "other";
    return s;
  };
  catalog.add(other("cn-agent", "9.0.0-" + build("master", 1, "aaaaaaa"), day(1)));
  const auto agent = catalog.add(other("cn-agent", "1.0.0-" + build("master", 2, "bbbbbbb"), day(2)));
  catalog.add(other("agentsshar", "1.0.0-" + build("release-20250109", 1, "ccccccc"), day(1)));
  const auto shar = catalog.add(other("agentsshar", "1.0.0-" + build("master", 2, "ddddddd"), day(2)));
  catalog.add(other("gz-tools", "3.0.0-" + build("master", 1, "eeeeeee"), day(1)));
  const auto gz = catalog.add(other("gz-tools", "2.1.0-" + build("master", 2, "fffffff"), day(2)));
  catalog.add(other("platform", "release-20250110-20250110T000000Z", day(1)));
  const auto platform = catalog.add(other("platform", "master-20250102T000000Z", day(2)));
  const Resolution r = run(catalog, request_for({"platform", "gz-tools", "agentsshar", "cn-agent"}));
  REQUIRE(r.artifacts.size() == 4);
  // Target order: agents, agentsshar, gz-tools, platform (ArtifactKind order).
  CHECK(r.artifacts[0].image.uuid() == agent);
  CHECK(r.artifacts[0].role == "agent");
  CHECK(r.artifacts[0].services.empty());
  CHECK(r.artifacts[1].image.uuid() == shar);
  CHECK(r.artifacts[1].role == "agentsshar");
  CHECK(r.artifacts[2].image.uuid() == gz);
  CHECK(r.artifacts[2].role == "gz-tools");
  CHECK(r.artifacts[3].image.uuid() == platform);
  CHECK(r.artifacts[3].role == "platform");
}

TEST_CASE("sdcadm: semver first, then the buildstamp time, never published_at",
          "[builder][select]") {
  CatalogServer catalog;
  auto sdcadm = [](std::string version, std::string when, std::string stamp,
                   std::vector<std::string> channels = {"dev", "release"}) {
    ImageSpec s{"sdcadm", std::move(version), std::move(when), std::move(channels)};
    s.type = "other";
    s.buildstamp = std::move(stamp);
    return s;
  };
  catalog.add(sdcadm("1.39.0", day(1), build("master", 1, "aaaaaaa")));
  const auto v140 = catalog.add(sdcadm("1.40.0", day(5), build("master", 5, "bbbbbbb"),
                                       {"release"}));
  // Hotfix: lower semver, published last.
  catalog.add(sdcadm("1.39.1", day(9), build("release-20250109", 9, "ccccccc"), {"release"}));
  // Same semver, later build stamp, published earlier.
  const auto rebuilt = catalog.add(sdcadm("1.40.0", day(4), build("master", 10, "ddddddd"),
                                          {"dev"}));
  catalog.add(sdcadm("1.40.0", day(6), build("master", 8, "eeeeeee"), {"dev"}));
  // Unusable: not semver; no buildstamp.
  const auto bad1 = catalog.add(sdcadm("master-20250111T000000Z", day(11), "", {"dev"}));
  const auto bad2 = catalog.add(sdcadm("9.0.0", day(12), "", {"dev"}));

  ResolveRequest req = request_for({"sdcadm"});
  req.channel = "release";
  Resolution r = run(catalog, req);
  REQUIRE(r.artifacts.size() == 1);
  CHECK(r.artifacts[0].image.uuid() == v140);
  CHECK(r.artifacts[0].role == "sdcadm");

  req.channel = "dev";
  r = run(catalog, req);
  REQUIRE(r.artifacts.size() == 1);
  CHECK(r.artifacts[0].image.uuid() == rebuilt);
  REQUIRE(r.skipped.size() == 2);
  CHECK(r.skipped[0].what.find(bad1) != std::string::npos);
  CHECK(r.skipped[0].reason.find("not semver") != std::string::npos);
  CHECK(r.skipped[1].what.find(bad2) != std::string::npos);
  CHECK(r.skipped[1].reason.find("tags.buildstamp") != std::string::npos);

  // Pinning an unusable one is an error, not a silent skip.
  req.selections = {builder::parse_selection("sdcadm@" + bad2)};
  error_of([&] { run(catalog, req); }, ExitCode::bad_data);
}

TEST_CASE("--all resolves everything there is and notes what there is not", "[builder][select]") {
  CatalogServer catalog;
  const auto imgapi = catalog.add({"imgapi", build("master", 2, "aaaaaaa"), day(2)});
  const auto imgapi_old = catalog.add({"imgapi", build("master", 1, "bbbbbbb"), day(1)});
  const auto cn = catalog.add({"cn-agent", "1.0.0-" + build("master", 1, "ccccccc"), day(1)});
  ResolveRequest req;
  req.all = true;
  Resolution r = run(catalog, req);
  REQUIRE(r.artifacts.size() == 2);
  CHECK(r.artifacts[0].image.uuid() == imgapi);
  CHECK(target(r, "cn-agent").image.uuid() == cn);
  CHECK(r.skipped.size() == builder::service_map().size() - 2);
  bool noted_docker = false;
  for (const auto& note : r.skipped) {
    if (note.what == "service docker") {
      noted_docker = true;
      CHECK(note.reason == "no image named docker on channel dev");
    }
  }
  CHECK(noted_docker);

  // Selections with --all pin single entries; flags leave out agents and the shar.
  req.selections = {builder::parse_selection("imgapi@" + imgapi_old)};
  req.include_agent_images = false;
  r = run(catalog, req);
  REQUIRE(r.artifacts.size() == 1);
  CHECK(r.artifacts[0].image.uuid() == imgapi_old);
  CHECK(r.artifacts[0].pinned);

  // Naming a service twice, or nothing at all.
  req.selections.push_back(builder::parse_selection("imgapi"));
  error_of([&] { run(catalog, req); }, ExitCode::usage);
  error_of([&] { run(catalog, ResolveRequest{}); }, ExitCode::usage);
}
