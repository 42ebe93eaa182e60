// CNAPI's servers from `sdc-server lookup -j` and which of them an update touches
// (installer/servers.hpp).

#include "fixtures.hpp"

#include <installer/servers.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>
#include <tests/unit/support/error_capture.hpp>

using namespace installer;
using namespace test_fixtures;

namespace {

std::string row(int n, const std::string& host, bool headnode, bool setup, const std::string& status) {
  return R"({"uuid":")" + U(n) + R"(","hostname":")" + host + R"(","headnode":)" + (headnode ? "true" : "false") +
         R"(,"setup":)" + (setup ? "true" : "false") + R"(,"status":")" + status +
         R"(","current_platform":"20250101T000000Z","boot_platform":"latest","datacenter":"sim-1"})";
}

std::vector<DcServer> dc() {
  return parse_server_lookup(row(1, "headnode", true, true, "running") + "\n" + row(2, "cn1", false, true, "running") +
                             "\n" + row(3, "cn-new", false, false, "running") + "\n" +
                             row(4, "cn-down", false, true, "unknown") + "\n\n");
}

using sdcb_test::code_of;  // tests/unit/support/error_capture.hpp: a call that throws nothing fails

}  // namespace

TEST_CASE("servers: sdc-server lookup -j, one object per line") {
  const auto servers = dc();
  REQUIRE(servers.size() == 4);
  CHECK(servers[0].headnode);
  CHECK(servers[0].boot_platform == "latest");
  CHECK(servers[2].hostname == "cn-new");
  CHECK_FALSE(servers[2].setup);
  CHECK(servers[3].status == "unknown");
  CHECK(parse_server_lookup("").empty());
}

TEST_CASE("servers: hostile lookup output is refused, naming the line") {
  CHECK_THROWS_WITH(parse_server_lookup(row(1, "a", true, true, "running") + "\n{\"uuid\": 3}"),
                    Catch::Contains("line 2"));
  CHECK(code_of([] { parse_server_lookup("[1,2]"); }) == common::ExitCode::bad_data);
  CHECK(code_of([] { parse_server_lookup(R"({"uuid":"x","hostname":"a","headnode":true,"setup":true,"status":"r"})"); }) ==
        common::ExitCode::bad_data);
  CHECK(code_of([] { parse_server_lookup(R"({"uuid":")" + U(1) + R"(","hostname":"a","headnode":"yes","setup":true,"status":"r"})"); }) ==
        common::ExitCode::bad_data);
  CHECK_THROWS_WITH(parse_server_lookup(row(1, "a", true, true, "running") + "\n" + row(1, "b", false, true, "running")),
                    Catch::Contains("listed twice"));
  CHECK(code_of([] { parse_server_lookup("{\"uuid\": "); }) == common::ExitCode::bad_data);
}

TEST_CASE("servers: set-up running servers are targets; the others are left out with the reason") {
  const ServerChoice c = choose_servers(dc(), {});
  CHECK(c.headnode_hostname == "headnode");
  REQUIRE(c.targets.size() == 2);
  CHECK(c.targets[0].hostname == "headnode");
  CHECK(c.targets[1].hostname == "cn1");
  REQUIRE(c.left_out.size() == 2);
  CHECK(c.left_out[0].server.hostname == "cn-new");
  CHECK(c.left_out[0].why == "not set up");
  CHECK(c.left_out[1].why == "not running (CNAPI status \"unknown\")");
  CHECK(c.ignores("cn-down"));
  CHECK_FALSE(c.ignores("cn1"));
  // update-gz-tools lists only set-up servers: the unset-up one needs no -S.
  CHECK(c.gz_tools_exclusions() == std::vector<std::string>{U(4)});
}

TEST_CASE("servers: --exclude-servers by hostname or uuid; never the headnode; unknown names refused") {
  const ServerChoice c = choose_servers(dc(), {"cn1"});
  CHECK(c.targets.size() == 1);
  REQUIRE(c.left_out.size() == 3);
  CHECK(c.left_out[0].server.hostname == "cn1");
  CHECK(c.left_out[0].excluded_by_operator());
  CHECK(choose_servers(dc(), {U(2)}).targets.size() == 1);
  CHECK(code_of([] { choose_servers(dc(), {"headnode"}); }) == common::ExitCode::usage);
  CHECK_THROWS_WITH(choose_servers(dc(), {"cn9", "cn1", "cn8"}), Catch::Contains("cn9, cn8"));
}
