// fake-sdcadm check-health's rows (health.hpp) as sdcadm 1.39.0 builds them: ur errors
// without "healthy", the global row, the agents it never reports, the filters, the table.
#include "state_support.hpp"

#include <tools/fake_sdcadm/health.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace fake_sdcadm;
using common::Json;

namespace {

const std::string k_hn = "eeeeeeee-0000-4000-8000-000000000001";
const std::string k_cn = "eeeeeeee-0000-4000-8000-000000000009";

// The sample state plus a compute node `cn1` (status, ur as given) running vm-agent and
// cabase, and agents_core and cainstsvc on the headnode.
State state_with_cn(const std::string& status, const std::string& ur) {
  Json j = common::parse_json(fake_sdcadm_test::state_text(), "t");
  for (const char* svc : {"cabase", "cainstsvc", "agents_core"}) {
    j["services"].push_back({{"uuid", std::string("cccccccc-0000-4000-8000-00000000001") + svc[1]}, {"name", svc},
                             {"type", "agent"}});
  }
  Json agent = j["instances"][2];
  for (const char* svc : {"agents_core", "cainstsvc"}) {
    agent["service"] = svc;
    j["instances"].push_back(agent);
  }
  agent["server"] = k_cn;
  agent["hostname"] = "cn1";
  for (const char* svc : {"vm-agent", "cabase"}) {
    agent["service"] = svc;
    agent["instance"] = std::string("dddddddd-0000-4000-8000-00000000009") + (svc[0] == 'v' ? "1" : "2");
    j["instances"].push_back(agent);
  }
  j["servers"] = Json::array({{{"uuid", k_hn}, {"hostname", "headnode"}, {"headnode", true}, {"setup", true},
                               {"status", "running"}},
                              {{"uuid", k_cn}, {"hostname", "cn1"}, {"headnode", false}, {"setup", true},
                               {"status", status}, {"ur", ur}}});
  return State::parse(common::dump_json(j, 2), "t");
}

const Json* row_of(const std::vector<Json>& rows, const std::string& service, const std::string& hostname) {
  for (const Json& r : rows) {
    if (string_field(r, "service") == service && string_field(r, "hostname") == hostname) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("check-health: a CN whose ur times out or that is down has ur errors and no healthy", "[fake_sdcadm]") {
  for (const auto& [status, ur] : std::vector<std::pair<std::string, std::string>>{{"running", "timeout"},
                                                                                    {"unknown", "ok"}}) {
    const auto rows = health_rows(state_with_cn(status, ur), std::nullopt, {});
    const Json* cn = row_of(rows, "vm-agent", "cn1");
    REQUIRE(cn != nullptr);
    CHECK_FALSE(cn->contains("healthy"));
    CHECK((*cn)["health_errors"] == Json::array({{{"message", "timeout for host " + k_cn}}}));
    CHECK(has_health_errors(*cn));
    CHECK(common::dump_json(*cn, -1) ==
          R"({"type":"agent","hostname":"cn1","instance":"dddddddd-0000-4000-8000-000000000091","service":"vm-agent","health_errors":[{"message":"timeout for host )" +
              k_cn + R"("}]})");
    // The headnode's instances are checked on the headnode, without ur.
    CHECK((*row_of(rows, "vm-agent", "headnode"))["healthy"] == true);
  }
  const auto ok = health_rows(state_with_cn("running", "ok"), std::nullopt, {});
  CHECK((*row_of(ok, "vm-agent", "cn1"))["healthy"] == true);
  CHECK_FALSE(has_health_errors(*row_of(ok, "vm-agent", "cn1")));
}

TEST_CASE("check-health: the global row, and no cabase, cainstsvc or agents_core rows", "[fake_sdcadm]") {
  const auto rows = health_rows(state_with_cn("running", "ok"), std::nullopt, {});
  for (const char* svc : {"cabase", "cainstsvc", "agents_core"}) {
    CHECK(row_of(rows, svc, "headnode") == nullptr);
    CHECK(row_of(rows, svc, "cn1") == nullptr);
  }
  const Json* global = row_of(rows, "global", "headnode");
  REQUIRE(global != nullptr);
  CHECK(common::dump_json(*global, -1) ==
        R"({"type":"global","healthy":true,"hostname":"headnode","instance":")" + k_hn +
            R"(","alias":"global","service":"global"})");
  // -type,service,hostname,instance: vm rows, then global, then agents.
  CHECK(string_field(rows.front(), "type") == "vm");
  CHECK(string_field(rows[2], "type") == "global");
  CHECK(string_field(rows.back(), "type") == "agent");
}

TEST_CASE("check-health: an agent row without instance, filters, the table", "[fake_sdcadm]") {
  Json j = common::parse_json(fake_sdcadm_test::state_text(), "t");
  j["instances"][2].erase("instance");
  const State state = State::parse(common::dump_json(j, 2), "t");
  const auto rows = health_rows(state, std::nullopt, {"type=agent"});
  REQUIRE(rows.size() == 2);  // vm-agent and the global row
  CHECK_FALSE(rows.back().contains("instance"));
  // tabula pads every column to its widest cell (the global row's uuid) and prints "-".
  CHECK(health_table(rows).find("\n-" + std::string(37, ' ') + "vm-agent  headnode  -       true\n") != std::string::npos);

  CHECK(health_rows(state, std::nullopt, {"imgapi"}).size() == 2);
  CHECK(health_rows(state, std::nullopt, {"binder0", "type=agent"}).size() == 2);  // names win over type=
  try {
    health_rows(state, std::nullopt, {"nosuch", "other"});
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(std::string(e.what()) == "unrecognized service or instance: nosuch, other");
  }
  CHECK_THROWS_WITH(health_rows(state, std::nullopt, {"type=zone"}), "invalid instance type: zone");
  CHECK_THROWS_WITH(health_rows(state, std::nullopt, {"svc=imgapi"}), "invalid argument: svc=imgapi");
}

TEST_CASE("check-health table: \"-\" for no healthy, one error block per row", "[fake_sdcadm]") {
  const auto rows = health_rows(state_with_cn("running", "timeout"), std::nullopt, {"vm-agent"});
  const std::string table = health_table(rows);
  CHECK(table.find("dddddddd-0000-4000-8000-000000000091  vm-agent  cn1       -       -\n") != std::string::npos);
  CHECK(table.find("\n    Type: agent\nInstance: dddddddd-0000-4000-8000-000000000091\n Service: vm-agent\n"
                   "Hostname: cn1\n   Error: timeout for host " + k_cn + "\n") != std::string::npos);
  CHECK(table.find("   Alias:") == std::string::npos);  // agents have no alias: no line
}
