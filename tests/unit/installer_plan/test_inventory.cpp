// The inventory from sdcadm's answers, the DC IMGAPI and the headnode's files, in the
// schema sdcadm-bundle build --inventory reads.

#include "fixtures.hpp"

#include <installer/inventory.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <signing/key.hpp>
#include <signing/root.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace installer;
using namespace test_fixtures;

namespace {

manifest::ImageManifest image(int n, const std::string& name, const std::string& version,
                              const std::string& sha1 = std::string(40, 'a')) {
  return manifest::ImageManifest::from_json(
      {{"v", 2}, {"uuid", U(n)}, {"name", name}, {"version", version}, {"type", "other"}, {"os", "other"},
       {"owner", "00000000-0000-0000-0000-000000000000"}, {"public", false}, {"state", "active"},
       {"published_at", "2025-01-01T00:00:00.000Z"},
       {"files", common::Json::array({common::Json{{"sha1", sha1}, {"size", 10u},
                                                   {"compression", "none"}}})}},
      "test image");
}

}  // namespace

TEST_CASE("inventory: services, instances, agents, images, platforms, agentsshar, gz-tools") {
  TempDir dir;
  ::mkdir((dir.path + "/os").c_str(), 0755);
  ::mkdir((dir.path + "/os/20240101T000000Z").c_str(), 0755);
  ::mkdir((dir.path + "/os/20250101T000000Z").c_str(), 0755);
  ::mkdir((dir.path + "/os/not-a-stamp").c_str(), 0755);
  // A shar installed from a local file keeps its name: only its SHA-1 says which image it is.
  common::write_file_atomic(dir.path + "/agents-1.0.0.sh", "#!/bin/sh\necho shar\n");
  const std::string shar_sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, dir.path + "/agents-1.0.0.sh");
  REQUIRE(::symlink("agents-1.0.0.sh", (dir.path + "/latest").c_str()) == 0);
  common::write_file_atomic(dir.path + "/gz-tools.image", U(31) + "\n");
  // A real, self-signed root of version 3 (the inventory reports the DC's root version).
  const signing::PrivateKey key = signing::PrivateKey::generate();
  signing::TrustRoot root = signing::TrustRoot::create(3, 4102444800, 1, {{"alice", key.public_key()}});
  root.sign(key);
  common::write_file_atomic(dir.path + "/root.json", root.serialize());
  const HeadnodeFiles files = read_headnode_files(
      {dir.path + "/os", dir.path + "/latest", dir.path + "/gz-tools.image", dir.path + "/root.json",
       SharDigest::compute});
  CHECK(files.agents_latest_sha1 == shar_sha1);
  CHECK(files.platforms == std::vector<std::string>{"20240101T000000Z", "20250101T000000Z"});
  CHECK(files.agents_latest == "agents-1.0.0.sh");
  CHECK(files.gz_tools_image == U(31));
  CHECK(files.trust_root_version == 3);

  const std::vector<Inst> insts = {{"imgapi", 1}, {"vm-agent", 2, "agent"}, {"vm-agent", 3, "agent"}};
  InventoryInputs in;
  in.datacenter = "sim-1";
  in.created = "2025-03-01T00:00:00Z";
  in.sdcadm = {"1.40.0", "master-20250101T000000Z-g1"};
  in.svcs = svcs_json(insts, {"cns"});
  in.insts = insts_json(insts);
  in.active_images = {image(1, "imgapi", "master-20250101T000000Z-g1"), image(30, "agentsshar", "1.0.0", shar_sha1),
                      image(32, "agentsshar", "0.9.0"),
                      image(31, "gz-tools", "2.0.0")};
  in.files = files;
  const manifest::Inventory inv = build_inventory(in);
  CHECK(inv.datacenter == "sim-1");
  REQUIRE(inv.services.size() == 3);
  CHECK(inv.services[0].instances.size() == 1);
  CHECK(inv.services[0].params_image == U(1));
  CHECK(inv.services[1].type == manifest::ServiceType::agent);
  CHECK(inv.services[2].name == "cns");
  CHECK(inv.services[2].instances.empty());
  REQUIRE(inv.agents.size() == 1);
  CHECK(inv.agents[0].images == std::vector<std::string>{U(2), U(3)});
  CHECK(inv.images.size() == 4);
  REQUIRE(inv.agentsshar);
  CHECK(inv.agentsshar->uuid == U(30));
  CHECK(inv.agentsshar->sha1 == shar_sha1);
  REQUIRE(inv.gz_tools);
  CHECK(inv.gz_tools->version == "2.0.0");
  REQUIRE(inv.platforms.size() == 2);
  CHECK(inv.platforms[1].latest);
  CHECK(inv.trust_root_version == 3);
  // What we write reads back unchanged.
  CHECK(manifest::Inventory::parse(inv.serialize()).serialize() == inv.serialize());
}

TEST_CASE("inventory: bad headnode files and instances of unknown services are refused") {
  TempDir dir;
  common::write_file_atomic(dir.path + "/gz-tools.image", "not a uuid\n");
  CHECK_THROWS_WITH(read_headnode_files({dir.path + "/os", dir.path + "/latest", dir.path + "/gz-tools.image",
                                         dir.path + "/root.json"}),
                    Catch::Contains("is not an image uuid"));
  const HeadnodeFiles none = read_headnode_files({dir.path + "/x", dir.path + "/x", dir.path + "/x", dir.path + "/x"});
  CHECK(none.platforms.empty());
  CHECK_FALSE(none.trust_root_version);

  InventoryInputs in;
  in.datacenter = "sim-1";
  in.created = "2025-03-01T00:00:00Z";
  in.sdcadm = {"1.40.0", "master-20250101T000000Z-g1"};
  in.svcs = svcs_json({{"imgapi", 1}});
  in.insts = insts_json({{"sapi", 1}});
  CHECK_THROWS_WITH(build_inventory(in), Catch::Contains("which sdcadm svcs -j does not list"));
}

TEST_CASE("inventory: the agentsshar by the name update-agents gives a fetched shar, else by SHA-1") {
  InventoryInputs in;
  in.datacenter = "sim-1";
  in.created = "2025-03-01T00:00:00Z";
  in.sdcadm = {"1.40.0", "master-20250101T000000Z-g1"};
  in.svcs = svcs_json({{"imgapi", 1}});
  in.insts = insts_json({{"imgapi", 1}});
  in.active_images = {image(30, "agentsshar", "1.0.0"), image(31, "agentsshar", "1.1.0"), image(33, "other", "1")};
  SECTION("agents-<uuid>.sh: that image, no hashing needed") {
    in.files.agents_latest = "agents-" + U(31) + ".sh";
    REQUIRE(build_inventory(in).agentsshar);
    CHECK(build_inventory(in).agentsshar->uuid == U(31));
  }
  SECTION("the older agent-<uuid>.sh name too") {
    in.files.agents_latest = "agent-" + U(30) + ".sh";
    REQUIRE(build_inventory(in).agentsshar);
    CHECK(build_inventory(in).agentsshar->version == "1.0.0");
  }
  SECTION("a version in the name proves nothing: the content decides") {
    in.files.agents_latest = "agents-1.1.0.sh";
    in.files.agents_latest_sha1 = std::string(40, 'b');
    CHECK_FALSE(build_inventory(in).agentsshar);
  }
  SECTION("the uuid of an image that is not an agentsshar, or not in the DC IMGAPI") {
    in.files.agents_latest = "agents-" + U(33) + ".sh";
    CHECK_FALSE(build_inventory(in).agentsshar);
    in.files.agents_latest = "agents-" + U(34) + ".sh";
    CHECK_FALSE(build_inventory(in).agentsshar);
  }
}

TEST_CASE("inventory: the shar is hashed only when asked") {
  TempDir dir;
  common::write_file_atomic(dir.path + "/agents-x.sh", "shar\n");
  REQUIRE(::symlink("agents-x.sh", (dir.path + "/latest").c_str()) == 0);
  const HeadnodeLocations where{dir.path + "/os", dir.path + "/latest", dir.path + "/g", dir.path + "/r"};
  CHECK(read_headnode_files(where).agents_latest_sha1.empty());
  HeadnodeLocations hashed = where;
  hashed.shar_digest = SharDigest::compute;
  CHECK(read_headnode_files(hashed).agents_latest_sha1 == common::file_hex_digest(common::HashAlgorithm::sha1, dir.path + "/agents-x.sh"));
  // A dangling link: no file, no digest, no error.
  REQUIRE(::unlink((dir.path + "/agents-x.sh").c_str()) == 0);
  CHECK(read_headnode_files(hashed).agents_latest_sha1.empty());
}
