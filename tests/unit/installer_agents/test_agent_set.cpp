// The agent set: validation of each field (every refusal), agents_core required, order,
// stamp determinism, JSON round trip.
#include "agents_support.hpp"

#include <manifest/image_manifest.hpp>

#include <catch2/catch.hpp>

using namespace installer::agents;
using namespace agents_test;
using common::ExitCode;

namespace {

manifest::ImageManifest agent_manifest(const std::string& extra_edit = "") {
  common::Json j = {{"v", 2}, {"uuid", uuid_n(7)}, {"owner", "00000000-0000-0000-0000-000000000000"},
                    {"name", "cn-agent"}, {"version", "2.14.3-master-20250103T101010Z-g1234567"},
                    {"state", "active"}, {"published_at", "2025-01-03T10:10:10.000Z"},
                    {"type", "other"}, {"os", "other"},
                    {"files", common::Json::array()}};
  j["files"].push_back({{"sha1", std::string(40, 'b')}, {"size", std::uint64_t{4242}}, {"compression", "gzip"}});
  if (extra_edit == "type") j["type"] = "zone-dataset";
  if (extra_edit == "name") j["name"] = "cn-agent; rm -rf /";
  if (extra_edit == "compression") j["files"][0]["compression"] = "none";
  if (extra_edit == "sha1") j["files"][0]["sha1"] = "B" + std::string(39, 'b');
  if (extra_edit == "size") j["files"][0]["size"] = std::uint64_t{0};
  if (extra_edit == "nofile") j.erase("files");
  if (extra_edit == "published_at") j["published_at"] = "yesterday";
  if (extra_edit == "version") j["version"] = "1.0\n$(reboot)";
  return manifest::ImageManifest::from_json(j, "test manifest");
}

}  // namespace

TEST_CASE("agent_image_of: a good agent manifest", "[agents]") {
  const AgentImage a = agent_image_of(agent_manifest(), "m");
  CHECK(a.name == "cn-agent");
  CHECK(a.uuid == uuid_n(7));
  CHECK(a.size == 4242);
  CHECK(a.sha1 == std::string(40, 'b'));
  CHECK(a.compression == "gzip");
  CHECK(a.published_at == "2025-01-03T10:10:10.000Z");
}

TEST_CASE("agent_image_of: each bad field is refused with bad_data, naming it", "[agents]") {
  for (const std::string field : {"type", "name", "compression", "sha1", "size", "nofile", "published_at", "version"}) {
    INFO(field);
    const auto m = agent_manifest(field);
    CHECK(code_of([&] { agent_image_of(m, "agent image X"); }) == ExitCode::bad_data);
    const std::string msg = message_of([&] { agent_image_of(m, "agent image X"); });
    CHECK(msg.find("agent image X") != std::string::npos);
  }
  CHECK(message_of([&] { agent_image_of(agent_manifest("compression"), "m"); }).find("gzip or bzip2") !=
        std::string::npos);
  CHECK(message_of([&] { agent_image_of(agent_manifest("type"), "m"); }).find("type") != std::string::npos);
}

TEST_CASE("agent_image_of: bzip2 is accepted", "[agents]") {
  common::Json j = agent_manifest().json();
  j["files"][0]["compression"] = "bzip2";
  CHECK(agent_image_of(manifest::ImageManifest::from_json(j, "m"), "m").compression == "bzip2");
}

TEST_CASE("make_agent_set: the 11 agents in install order, agents_core first", "[agents]") {
  const AgentSet set = make_agent_set(eleven(), "imgapi.sim-1.example.com");
  REQUIRE(set.agents.size() == 11);
  CHECK(set.agents.front().name == "agents_core");
  for (std::size_t i = 0; i < set.agents.size(); ++i) CHECK(set.agents[i].name == known_agents()[i]);
  CHECK(set.find("vm-agent"));
  CHECK(!set.find("cabase"));
}

TEST_CASE("make_agent_set: a subset works, agents_core is required", "[agents]") {
  auto images = eleven();
  images.erase(images.begin(), images.begin() + 5);  // keeps agents_core (last)
  CHECK(make_agent_set(images, "imgapi").agents.size() == 6);
  auto without = eleven();
  without.pop_back();  // agents_core
  CHECK(code_of([&] { make_agent_set(without, "imgapi"); }) == ExitCode::bad_data);
  CHECK(message_of([&] { make_agent_set(without, "imgapi"); }).find("agents_core") != std::string::npos);
}

TEST_CASE("make_agent_set: refusals", "[agents]") {
  auto twice = eleven();
  twice.push_back(image_of("cn-agent", 99));
  CHECK(code_of([&] { make_agent_set(twice, "imgapi"); }) == ExitCode::bad_data);
  CHECK(message_of([&] { make_agent_set(twice, "imgapi"); }).find("two images of agent cn-agent") !=
        std::string::npos);
  auto unknown = eleven();
  unknown.push_back(image_of("cabase", 50));
  CHECK(code_of([&] { make_agent_set(unknown, "imgapi"); }) == ExitCode::bad_data);
  auto bad_uuid = eleven();
  bad_uuid[0].uuid = "0A1B2C3D-0000-4000-8000-000000000001";
  CHECK(code_of([&] { make_agent_set(bad_uuid, "imgapi"); }) == ExitCode::bad_data);
  auto bad_sha1 = eleven();
  bad_sha1[0].sha1 = "abc\"def";
  CHECK(code_of([&] { make_agent_set(bad_sha1, "imgapi"); }) == ExitCode::bad_data);
  for (const std::string domain : {"", "imgapi$(id)", "a b", "imgapi;reboot", "-x", "`x`", "host\"", "h/x"}) {
    INFO(domain);
    CHECK(code_of([&] { make_agent_set(eleven(), domain); }) == ExitCode::config);
  }
  CHECK(make_agent_set(eleven(), "10.0.0.5:8080").imgapi_domain == "10.0.0.5:8080");
  CHECK(make_agent_set(eleven(), "[fd00::1]:80").imgapi_domain == "[fd00::1]:80");
}

TEST_CASE("stamp: newest published_at + digest, deterministic, changes with the set", "[agents]") {
  const AgentSet a = make_agent_set(eleven(), "imgapi");
  const AgentSet b = make_agent_set(eleven(), "imgapi");
  CHECK(a.stamp == b.stamp);
  // image_of(n): day 1 + n % 9, second n % 10; the newest of n = 1..11 is n = 8 (day 9).
  CHECK(a.stamp.substr(0, 17) == "20250109T120008Z-");
  CHECK(a.stamp.size() == 25);
  auto images = eleven();
  images[3].sha1 = std::string(40, 'c');
  CHECK(make_agent_set(images, "imgapi").stamp != a.stamp);
  CHECK(make_agent_set(eleven(), "imgapi2").stamp != a.stamp);
  // published_at is baked into the bootstrap too (issue 11): one stamp, one script.
  auto republished = eleven();
  republished[3].published_at = "2025-01-01T00:00:00.001Z";
  CHECK(make_agent_set(republished, "imgapi").stamp != a.stamp);
  auto reordered = eleven();
  std::swap(reordered[0], reordered[5]);
  CHECK(make_agent_set(reordered, "imgapi").stamp == a.stamp);
}

TEST_CASE("agent set JSON round trip, and a tampered file is refused", "[agents]") {
  const AgentSet set = make_agent_set(eleven(), "imgapi.example.com");
  const common::Json j = to_json(set);
  const AgentSet back = agent_set_from_json(j, "f");
  CHECK(back.stamp == set.stamp);
  CHECK(to_json(back) == j);
  common::Json wrong_stamp = j;
  wrong_stamp["stamp"] = "20250101T000000Z-00000000";
  CHECK(code_of([&] { agent_set_from_json(wrong_stamp, "f"); }) == ExitCode::bad_data);
  common::Json hostile = j;
  hostile["agents"][1]["name"] = "cn-agent\"; reboot; \"";
  CHECK(code_of([&] { agent_set_from_json(hostile, "f"); }) == ExitCode::bad_data);
  common::Json missing = j;
  missing["agents"][1].erase("sha1");
  CHECK(code_of([&] { agent_set_from_json(missing, "f"); }) == ExitCode::bad_data);
  common::Json version = j;
  version["v"] = 2;
  CHECK(code_of([&] { agent_set_from_json(version, "f"); }) == ExitCode::bad_data);
}
