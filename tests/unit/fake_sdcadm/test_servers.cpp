// fake-sdcadm's server selections (servers.hpp): update-agents' findServersToUpdate and
// urDiscovery, update-gz-tools' selectServers and ensureServersRunning, sdcadm's MultiError
// text, and humanDurationFromMs (table.hpp). Expected texts are sdcadm 1.39.0's.
#include "state_support.hpp"

#include <tools/fake_sdcadm/servers.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <sstream>

using namespace fake_sdcadm;

namespace {

const std::string k_hn = "eeeeeeee-0000-4000-8000-000000000001";
const std::string k_cn1 = "eeeeeeee-0000-4000-8000-000000000002";
const std::string k_cn2 = "eeeeeeee-0000-4000-8000-000000000003";
const std::string k_cn3 = "eeeeeeee-0000-4000-8000-000000000004";
const std::string k_cn4 = "eeeeeeee-0000-4000-8000-000000000005";

// headnode; cn1 running; cn2 stopped; cn3 unsetup; cn4 running but ur times out. Listed out
// of uuid order: server_list sorts as CNAPI does.
std::vector<ServerInfo> dc() {
  return {{k_cn2, "cn2", "unknown", false, true, false}, {k_hn, "headnode", "running", true, true, false},
          {k_cn4, "cn4", "running", false, true, true},  {k_cn1, "cn1", "running", false, true, false},
          {k_cn3, "cn3", "running", false, false, false}};
}

std::vector<std::string> uuids(const std::vector<ServerInfo>& servers) {
  std::vector<std::string> out;
  for (const auto& s : servers) out.push_back(s.uuid);
  return out;
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::usage);
    return e.what();
  }
  FAIL("no error");
  return "";
}

}  // namespace

TEST_CASE("server_list: the state's servers in CNAPI's order (by uuid), ur and setup read", "[fake_sdcadm]") {
  common::Json j = common::parse_json(fake_sdcadm_test::state_text(), "t");
  j["servers"] = common::Json::array({
      {{"uuid", k_cn1}, {"hostname", "cn1"}, {"headnode", false}, {"setup", false}, {"status", "unknown"}, {"ur", "timeout"}},
      {{"uuid", k_hn}, {"hostname", "headnode"}, {"headnode", true}, {"setup", true}, {"status", "running"}}});
  const State state = State::parse(common::dump_json(j, 2), "t");
  const auto list = server_list(state);
  REQUIRE(list.size() == 2);
  CHECK(list[0].uuid == k_hn);
  CHECK(list[0].headnode);
  CHECK(answers_ur(list[0]));
  CHECK(list[1].hostname == "cn1");
  CHECK_FALSE(list[1].setup);
  CHECK(list[1].ur_timeout);
  CHECK_FALSE(answers_ur(list[1]));
  CHECK_FALSE(answers_ur({k_cn1, "cn1", "unknown", false, true, false}));  // down: no ur either
}

TEST_CASE("update-agents --all: unsetup and ur-less servers are failures, -x excludes", "[fake_sdcadm]") {
  std::ostringstream out;
  AgentsSelection sel = select_agents_servers(dc(), true, {}, {}, out);
  CHECK(sel.all.size() == 5);
  CHECK(uuids(sel.to_update) == std::vector<std::string>{k_hn, k_cn1});
  CHECK(sel.failures == std::vector<std::string>{
                            "server " + k_cn3 + " (cn3) is not setup",
                            "server " + k_cn2 + " (cn2) did not reply to Ur broadcast",
                            "server " + k_cn4 + " (cn4) did not reply to Ur broadcast"});
  CHECK(out.str() == "Warning: server " + k_cn3 + " (cn3) is not setup, skipping\n"
                     "Warning: server " + k_cn2 + " (cn2) did not reply to Ur broadcast, skipping\n"
                     "Warning: server " + k_cn4 + " (cn4) did not reply to Ur broadcast, skipping\n");

  // The setup check comes before the exclusion: an excluded unsetup server is still a failure.
  std::ostringstream out2;
  sel = select_agents_servers(dc(), true, {}, {"cn3", k_cn2, "nosuch"}, out2);
  CHECK(uuids(sel.to_update) == std::vector<std::string>{k_hn, k_cn1});
  CHECK(sel.excluded == std::vector<std::string>{k_cn2, k_cn3});
  CHECK(sel.failures.size() == 2);
  CHECK(out2.str().find("Warning: server " + k_cn3 + " (cn3) is not setup, skipping\n"
                        "Info: server " + k_cn3 + " (cn3) was excluded on cmdline, skipping\n") != std::string::npos);
}

TEST_CASE("update-agents SERVER...: unknown then unsetup names refused, -x ignored, duplicates dropped",
          "[fake_sdcadm]") {
  std::ostringstream out;
  CHECK(usage_error([&] { select_agents_servers(dc(), false, {"cn1", "nosuch", "cn3", "other"}, {}, out); }) ==
        "2 of 4 selected servers were not found in CNAPI: nosuch, other");
  CHECK(out.str().find("Warning: server nosuch does not exist, skipping\n") != std::string::npos);
  CHECK(out.str().find("Warning: server " + k_cn3 + " (cn3) is not setup, skipping\n") != std::string::npos);
  CHECK(usage_error([&] { select_agents_servers(dc(), false, {"cn1", "cn3"}, {}, out); }) ==
        "1 of 2 selected servers are not setup: cn3");

  std::ostringstream ok;
  const AgentsSelection sel = select_agents_servers(dc(), false, {"cn1", k_cn1, "headnode", "cn4"}, {"cn1"}, ok);
  CHECK(uuids(sel.to_update) == std::vector<std::string>{k_cn1, k_hn});
  CHECK(sel.excluded.empty());
  CHECK(sel.failures == std::vector<std::string>{"server " + k_cn4 + " (cn4) did not reply to Ur broadcast"});
}

TEST_CASE("update-gz-tools: setup servers, -s, -S, the refusals", "[fake_sdcadm]") {
  using Names = std::optional<std::vector<std::string>>;
  // Default: every setup server; cn2 is down.
  CHECK(usage_error([] { select_gz_tools_servers(dc(), std::nullopt, std::nullopt); }) ==
        "The following servers are not running:\n    " + k_cn2 + " (cn2)");
  // -S cn2: the rest is running (cn4's ur is checked later, after the headnode's files).
  CHECK(uuids(select_gz_tools_servers(dc(), std::nullopt, Names{{"cn2"}})) ==
        std::vector<std::string>{k_hn, k_cn4, k_cn1});
  CHECK(uuids(select_gz_tools_servers(dc(), Names{{"cn1", "headnode"}}, std::nullopt)) ==
        std::vector<std::string>{k_cn1, k_hn});
  CHECK(usage_error([] { select_gz_tools_servers(dc(), Names{{"cn3"}}, std::nullopt); }) ==
        "The following servers are not setup:\n    " + k_cn3 + " (cn3)");
  CHECK(usage_error([] { select_gz_tools_servers(dc(), Names{{"nosuch"}}, std::nullopt); }) ==
        "Cannot find server \"nosuch\"");
  const std::string missing = "00000000-1111-4222-8333-444444444444";
  CHECK(usage_error([&] { select_gz_tools_servers(dc(), Names{{"nosuch", missing}}, std::nullopt); }) ==
        "2 errors:\n    Cannot find server \"nosuch\"\n    Server " + missing + " not found");
  CHECK(usage_error([] { select_gz_tools_servers(dc(), Names{{"headnode"}}, Names{{"headnode"}}); }) ==
        "No servers matching criteria were found: setup; including headnode; excluding headnode");
  CHECK(usage_error([] { select_gz_tools_servers(dc(), Names{{"cn1", "cn2"}}, std::nullopt); }) ==
        "The following servers are not running:\n    " + k_cn2 + " (cn2)");
}

TEST_CASE("sdcadm's MultiError text and humanDurationFromMs", "[fake_sdcadm]") {
  CHECK(multi_error_message({{"", "server x (h) is not setup"}}) ==
        "multiple (1) errors\n    error: server x (h) is not setup");
  CHECK(multi_error_message({{"", "a"}, {"Update", "b"}}) == "multiple (2) errors\n    error: a\n    error (Update): b");
  CHECK(human_duration_ms(0) == "0ms");
  CHECK(human_duration_ms(450) == "450ms");
  CHECK(human_duration_ms(1234) == "1s");
  CHECK(human_duration_ms(60005) == "1m");
  CHECK(human_duration_ms(61000) == "1m1s");
  CHECK(human_duration_ms(3723000) == "1h2m");
}
