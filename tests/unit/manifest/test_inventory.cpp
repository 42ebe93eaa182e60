// Tests for manifest/inventory.cpp: the sample in docs/examples parses and is in canonical
// form, the builder's lookups, and each refusal (bad_data, with the field path).
#include <manifest/inventory.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::Inventory;

namespace {

std::string read_sample() {
  const char* source = std::getenv("SDCB_SOURCE");
  REQUIRE(source != nullptr);
  std::ifstream in(std::string(source) + "/docs/examples/inventory.json", std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string k_img_a = "11111111-1111-4111-8111-111111111111";
const std::string k_img_b = "22222222-2222-4222-8222-222222222222";
const std::string k_img_c = "33333333-3333-4333-8333-333333333333";
const std::string k_server = "44444444-4444-4444-8444-444444444444";

Json small_inventory() {
  return Json::parse(R"({
    "format": "sdcadm-inventory", "schema_version": 1, "datacenter": "lab-1",
    "created": "2025-03-01T09:30:00Z",
    "sdcadm": {"version": "1.38.0", "buildstamp": "master-20250103T012311Z-gc8b93b1"},
    "services": [
      {"name": "imgapi", "type": "vm", "params_image": ")" + k_img_b + R"(",
       "instances": [
         {"uuid": "55555555-5555-4555-8555-555555555555", "alias": "imgapi0",
          "server": ")" + k_server + R"(", "image": ")" + k_img_b + R"("},
         {"uuid": "66666666-6666-4666-8666-666666666666", "alias": "imgapi1",
          "image": ")" + k_img_a + R"("},
         {"uuid": "77777777-7777-4777-8777-777777777777", "image": ")" + k_img_b + R"("}]},
      {"name": "portolan", "type": "vm", "params_image": ")" + k_img_c + R"(", "instances": []},
      {"name": "cn-agent", "type": "agent", "instances": []}
    ],
    "images": [
      {"uuid": ")" + k_img_a + R"(", "name": "imgapi",
       "version": "release-20250116-20250117T063640Z-g17f6e1a",
       "published_at": "2025-01-17T07:06:17.221Z"},
      {"uuid": ")" + k_img_b + R"(", "name": "imgapi",
       "version": "release-20250130-20250131T160238Z-ga9e10e4",
       "published_at": "2025-01-31T16:38:13.593Z"}
    ],
    "platforms": [{"version": "20250104T162650Z", "latest": true, "boot": true, "servers": 3}],
    "agents": [{"name": "cn-agent", "images": [")" + k_img_a + R"("]}]
  })");
}

std::string text(const Json& j) { return common::dump_json(j); }

std::string refusal(const Json& j, int indent = 2) {
  try {
    Inventory::parse(common::dump_json(j, indent));
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_data);
    return e.what();
  }
  return "";
}

std::string refusal_after(const std::function<void(Json&)>& mutate) {
  Json j = small_inventory();
  mutate(j);
  return refusal(j);
}

}  // namespace

TEST_CASE("the documented sample parses and is in canonical form") {
  const std::string bytes = read_sample();
  const Inventory inv = Inventory::parse(bytes);
  CHECK(inv.datacenter == "us-east-1");
  CHECK(inv.sdcadm.version == "1.38.0");
  REQUIRE(inv.trust_root_version);
  CHECK(*inv.trust_root_version == 1);
  CHECK(inv.services.size() >= 10);
  CHECK(inv.agentsshar);
  CHECK(inv.gz_tools);
  // The sample is written exactly as serialize() writes it, so its digest is stable.
  CHECK(inv.serialize() == bytes);
  CHECK(inv.digest() == common::hex_digest(common::HashAlgorithm::sha256, bytes));
  // Every image an instance runs is active in the sample's IMGAPI.
  for (const auto& s : inv.services) {
    for (const auto& uuid : inv.current_images_for_service(s.name)) {
      INFO(s.name << " " << uuid);
      CHECK(inv.has_active_image(uuid));
    }
    CHECK(inv.current_published_at(s.name).has_value());
  }
  CHECK(inv.runs_service("manatee"));
  CHECK(inv.find_service("manatee")->instances.size() == 3);
  CHECK(inv.find_agent("cn-agent")->images.size() == 2);
}

TEST_CASE("lookups the builder uses to trim") {
  const Inventory inv = Inventory::parse(text(small_inventory()));
  CHECK(inv.runs_service("imgapi"));
  CHECK(inv.runs_service("portolan"));
  CHECK_FALSE(inv.runs_service("docker"));
  // Distinct images in first-seen order.
  CHECK(inv.current_images_for_service("imgapi") == std::vector<std::string>{k_img_b, k_img_a});
  // No instances: SAPI's params image, as sdcadm does.
  CHECK(inv.current_images_for_service("portolan") == std::vector<std::string>{k_img_c});
  CHECK(inv.current_images_for_service("cn-agent").empty());
  CHECK(inv.current_images_for_service("docker").empty());
  // The marker is the OLDEST current image's published_at.
  CHECK(inv.current_published_at("imgapi") == "2025-01-17T07:06:17.221Z");
  // k_img_c is not in the IMGAPI list: no marker.
  CHECK_FALSE(inv.current_published_at("portolan").has_value());
  CHECK(inv.has_active_image(k_img_a));
  CHECK_FALSE(inv.has_active_image(k_img_c));
  CHECK(inv.find_image(k_img_b)->version == "release-20250130-20250131T160238Z-ga9e10e4");
  CHECK(inv.has_platform("20250104T162650Z"));
  CHECK_FALSE(inv.has_platform("20250117T065248Z"));
  CHECK(inv.find_agent("vm-agent") == nullptr);
  CHECK_FALSE(inv.agentsshar);
  CHECK_FALSE(inv.trust_root_version);
}

TEST_CASE("round trip keeps unknown keys; digest is of the bytes read") {
  Json j = small_inventory();
  j["future"] = {{"x", 1}};
  const std::string bytes = text(j);
  const Inventory inv = Inventory::parse(bytes);
  const std::string out = inv.serialize();
  CHECK(Json::parse(out)["future"]["x"] == 1);
  CHECK(Inventory::parse(out).serialize() == out);
  // The digest is of the exact file bytes, not of a re-serialization.
  CHECK(inv.digest() == manifest::inventory_digest(bytes));
  CHECK(inv.digest() != manifest::inventory_digest(out));
  Inventory built = inv;
  built.source_sha256.clear();
  CHECK(built.digest() == manifest::inventory_digest(out));
  CHECK(manifest::inventory_digest("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("the DC's update channel is kept; an inventory without one reads as before") {
  Json j = small_inventory();
  j["update_channel"] = "release";
  const Inventory inv = Inventory::parse(text(j));
  CHECK(inv.update_channel == "release");
  CHECK(inv.unknown.is_null());
  CHECK(Json::parse(inv.serialize())["update_channel"] == "release");
  const Inventory old = Inventory::parse(text(small_inventory()));
  CHECK(old.update_channel.empty());
  CHECK_FALSE(Json::parse(old.serialize()).contains("update_channel"));
}

TEST_CASE("inventory refusals name the field") {
  const std::vector<std::tuple<const char*, std::function<void(Json&)>, const char*>> cases = {
      {"format", [](Json& j) { j["format"] = "sdcadm-bundle"; }, "inventory: format: "},
      {"version 2", [](Json& j) { j["schema_version"] = 2; }, "newer than this program"},
      {"version 0", [](Json& j) { j["schema_version"] = 0; }, "schema_version: must be 1"},
      {"datacenter empty", [](Json& j) { j["datacenter"] = ""; }, "datacenter: "},
      {"datacenter control", [](Json& j) { j["datacenter"] = "a\x1b[2Jb"; }, "datacenter: "},
      {"created", [](Json& j) { j["created"] = "2025-03-01T09:30:00.000Z"; }, "created: "},
      {"sdcadm version", [](Json& j) { j["sdcadm"]["version"] = "1.38"; }, "sdcadm.version: "},
      {"sdcadm stamp", [](Json& j) { j["sdcadm"]["buildstamp"] = "x"; }, "sdcadm.buildstamp: "},
      {"update channel empty", [](Json& j) { j["update_channel"] = ""; }, "update_channel: "},
      {"update channel type", [](Json& j) { j["update_channel"] = 1; }, "update_channel"},
      {"trust root", [](Json& j) { j["trust_root_version"] = 0; }, "trust_root_version: "},
      {"trust root type", [](Json& j) { j["trust_root_version"] = "1"; }, "trust_root_version: "},
      {"services type", [](Json& j) { j["services"] = Json::object(); }, "services: expected"},
      {"service type", [](Json& j) { j["services"][0]["type"] = "zone"; },
       "services[0].type: "},
      {"service dup", [](Json& j) { j["services"][1]["name"] = "imgapi"; },
       "services[1]: duplicate"},
      {"instance image", [](Json& j) { j["services"][0]["instances"][2]["image"] = "x"; },
       "services[0].instances[2].image: "},
      {"instance server", [](Json& j) { j["services"][0]["instances"][0]["server"] = 5; },
       "services[0].instances[0].server: "},
      {"instance uuid upper",
       [](Json& j) {
         j["services"][0]["instances"][0]["uuid"] = "55555555-5555-4555-8555-55555555555A";
       },
       "services[0].instances[0].uuid: "},
      {"params_image", [](Json& j) { j["services"][1]["params_image"] = ""; },
       "services[1].params_image: "},
      {"image published_at", [](Json& j) { j["images"][1]["published_at"] = "2025-01-31"; },
       "images[1].published_at: "},
      {"image dup", [](Json& j) { j["images"][1]["uuid"] = j["images"][0]["uuid"]; },
       "images[1]: duplicate"},
      {"image name missing", [](Json& j) { j["images"][0].erase("name"); },
       "images[0].name: missing"},
      {"platform servers", [](Json& j) { j["platforms"][0]["servers"] = -3; },
       "platforms[0].servers: "},
      {"two latest",
       [](Json& j) {
         j["platforms"].push_back({{"version", "20250117T065248Z"}, {"latest", true}});
       },
       "platforms: more than one platform is marked latest"},
      {"agent image", [](Json& j) { j["agents"][0]["images"][0] = 7; }, "agents[0].images[0]: "},
      {"agentsshar sha1",
       [](Json& j) { j["agentsshar"] = {{"uuid", k_img_a}, {"version", "1.0.0"}, {"sha1", "AB"}}; },
       "agentsshar.sha1: "},
      {"gz_tools uuid", [](Json& j) { j["gz_tools"] = {{"uuid", "nope"}}; }, "gz_tools.uuid: "},
      {"missing images", [](Json& j) { j.erase("images"); }, "images: missing"},
  };
  for (const auto& [name, mutate, expected] : cases) {
    INFO(name);
    CHECK_THAT(refusal_after(mutate), Catch::Contains(expected));
  }
}

TEST_CASE("hostile inventory texts are refused as bad data") {
  const std::string good = text(small_inventory());
  for (std::size_t n = 0; n < good.size(); n += 7) {
    INFO(n);
    CHECK_THROWS_AS(Inventory::parse(good.substr(0, n)), Error);
  }
  std::string deep = good;
  deep.insert(1, "\"x\": " + std::string(20, '[') + std::string(20, ']') + ",");
  CHECK_THAT(refusal(Json::parse(good)), Catch::Equals(""));
  try {
    Inventory::parse(deep);
    FAIL("deep nesting accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_data);
    CHECK_THAT(e.what(), Catch::Contains("nested deeper than 16"));
  }
  CHECK_THROWS_AS(Inventory::parse(std::string(17u << 20, ' ')), Error);
  std::string dup = good;
  dup.insert(1, "\"datacenter\": \"other\",");
  CHECK_THROWS_WITH(Inventory::parse(dup), Catch::Contains("\"datacenter\" appears twice"));
  // 100001 images: over the per-array limit.
  Json many = small_inventory();
  many["images"] = Json::array();
  for (int i = 0; i <= 100000; ++i) many["images"].push_back(1);
  CHECK_THAT(refusal(many), Catch::Contains("images: 100001 entries, more than the limit"));
  // The instance limit is on all services together.
  Json split = small_inventory();
  const Json inst = {{"uuid", k_img_c}, {"image", k_img_a}};
  split["services"][1]["instances"] = Json(std::vector<Json>(60000, inst));
  split["services"][2]["instances"] = Json(std::vector<Json>(60000, inst));
  // Compact, to stay under the 16 MiB text limit and reach the count check.
  CHECK_THAT(refusal(split, -1),
             Catch::Contains("services[2].instances: 60000 entries, more than the limit of 39997"));
}

TEST_CASE("an inventory built in code serializes in the documented order") {
  Inventory inv;
  inv.datacenter = "dc";
  inv.created = "2025-03-01T09:30:00Z";
  inv.sdcadm = {"1.38.0", "master-20250103T012311Z-gc8b93b1"};
  manifest::InventoryService agent;
  agent.name = "vm-agent";
  agent.type = manifest::ServiceType::agent;
  agent.instances.push_back({k_img_c, "", k_server, k_img_a});
  inv.services.push_back(agent);
  inv.gz_tools = manifest::InventoryGzTools{k_img_b, ""};
  const Json j = Json::parse(inv.serialize());
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"format", "schema_version", "datacenter", "created",
                                         "sdcadm", "services", "images", "platforms", "agents",
                                         "gz_tools"});
  CHECK(j["services"][0]["type"] == "agent");
  CHECK(j["services"][0]["instances"][0].count("alias") == 0);
  CHECK(j["gz_tools"].count("version") == 0);
  const Inventory back = Inventory::parse(inv.serialize());
  CHECK(back.serialize() == inv.serialize());
  CHECK(back.services[0].type == manifest::ServiceType::agent);
}
