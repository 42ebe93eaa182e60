// The inventory from sdcadm's answers, the DC IMGAPI and the headnode's files, in the
// schema sdcadm-bundle build --inventory reads.

#include "fixtures.hpp"

#include <installer/inventory.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/key.hpp>
#include <signing/root.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace installer;
using namespace test_fixtures;

namespace {

manifest::ImageManifest image(int n, const std::string& name, const std::string& version) {
  return manifest::ImageManifest::from_json(
      {{"v", 2}, {"uuid", U(n)}, {"name", name}, {"version", version}, {"type", "other"}, {"os", "other"},
       {"owner", "00000000-0000-0000-0000-000000000000"}, {"public", false}, {"state", "active"},
       {"published_at", "2025-01-01T00:00:00.000Z"},
       {"files", common::Json::array({common::Json{{"sha1", std::string(40, 'a')}, {"size", 10u},
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
  REQUIRE(::symlink("agents-1.0.0.sh", (dir.path + "/latest").c_str()) == 0);
  common::write_file_atomic(dir.path + "/gz-tools.image", U(31) + "\n");
  // A real, self-signed root of version 3 (the inventory reports the DC's root version).
  const signing::PrivateKey key = signing::PrivateKey::generate();
  signing::TrustRoot root = signing::TrustRoot::create(3, 4102444800, 1, {{"alice", key.public_key()}});
  root.sign(key);
  common::write_file_atomic(dir.path + "/root.json", root.serialize());
  const HeadnodeFiles files = read_headnode_files(
      {dir.path + "/os", dir.path + "/latest", dir.path + "/gz-tools.image", dir.path + "/root.json"});
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
  in.active_images = {image(1, "imgapi", "master-20250101T000000Z-g1"), image(30, "agentsshar", "1.0.0"),
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
  CHECK(inv.images.size() == 3);
  REQUIRE(inv.agentsshar);
  CHECK(inv.agentsshar->uuid == U(30));
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
