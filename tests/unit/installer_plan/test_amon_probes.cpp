// The alarm-config step's pieces (installer/amon_probes.hpp): reading `sdc-amonadm probes
// -H` (hostile input) and the post-step check against `sdcadm insts -j`, with shell scripts
// standing in for sdc-amonadm and sdcadm.

#include "fixtures.hpp"

#include <installer/amon_probes.hpp>
#include <installer/apply.hpp>
#include <installer/journal.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <tests/unit/support/error_capture.hpp>

using namespace installer;
using namespace test_fixtures;
using sdcb_test::code_of;
using sdcb_test::message_of;

namespace {

const char* const k_vmapi0 = "11111111-aaaa-4000-8000-000000000001";
const char* const k_vmapi1 = "22222222-bbbb-4000-8000-000000000002";

// An sdcadm whose insts -j has vmapi0 and vmapi1 and an agent (agents get no probes).
std::string sdcadm_script(const std::string& dir) {
  const std::string prog = dir + "/sdcadm";
  write_script(prog, std::string("case \"$1\" in\n"
                                 "  svcs) echo '[{\"name\":\"vmapi\",\"type\":\"vm\"}]';;\n"
                                 "  insts) echo '[{\"type\":\"vm\",\"service\":\"vmapi\",\"alias\":\"vmapi0\",\"instance\":\"") +
                   k_vmapi0 + "\"},{\"type\":\"vm\",\"service\":\"vmapi\",\"alias\":\"vmapi1\",\"instance\":\"" + k_vmapi1 +
                   "\"},{\"type\":\"agent\",\"service\":\"vm-agent\",\"instance\":\"33333333-0000-4000-8000-000000000003\"}]';;\n"
                   "esac\n");
  return prog;
}

// An sdc-amonadm whose `probes -H` prints `rows`.
std::string amonadm_script(const std::string& dir, const std::string& rows) {
  const std::string prog = dir + "/sdc-amonadm";
  write_script(prog, "[ \"$1\" = probes ] || exit 9\ncat <<'ROWS'\n" + rows + "ROWS\n");
  return prog;
}

}  // namespace

TEST_CASE("amon probes: sdc-amonadm probes -H rows, an empty role, hostile lines") {
  const auto rows = parse_probe_rows(
      "vmapi              1111111  abcdef0  vmapi log fatal\n"
      "                   2222222  0123456  a probe without a group\n"
      "\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].role == "vmapi");
  CHECK(rows[0].machine == "1111111");
  CHECK(rows[0].probe == "abcdef0");
  CHECK(rows[0].name == "vmapi log fatal");
  CHECK(rows[1].role.empty());
  CHECK(rows[1].name == "a probe without a group");
  CHECK(code_of([] { parse_probe_rows("vmapi 1111111\n"); }) == common::ExitCode::bad_data);
  CHECK(message_of([] { parse_probe_rows("ok 1111111 2222222 n\nROLE MACHINE PROBE NAME\n"); })
            .find("line 2") != std::string::npos);
  CHECK(code_of([] { parse_probe_rows("vmapi 11111111111 2222222 n\n"); }) == common::ExitCode::bad_data);
}

TEST_CASE("amon probes: the check passes when every instance has probes, with the evidence") {
  TempDir dir;
  const SdcadmRunner runner(sdcadm_script(dir.path));
  const std::string amonadm = amonadm_script(dir.path,
                                             "vmapi              1111111  abcdef0  vmapi log fatal\n"
                                             "vmapi              2222222  abcdef1  vmapi log fatal\n"
                                             "cnapi-other        9999999  abcdef2  a role no service has\n");
  const common::Json e = verify_probes(amonadm, runner);
  CHECK(e["check"] == "amon-probes");
  CHECK(e["probes"] == 3);
  CHECK(e["roles"]["vmapi"]["instances"] == 2);
  CHECK(e["roles"]["vmapi"]["probes"] == 2);
  CHECK_FALSE(e["roles"].contains("cnapi-other"));
}

TEST_CASE("amon probes: an instance without probes, probes of a gone machine: step_unverified") {
  TempDir dir;
  const SdcadmRunner runner(sdcadm_script(dir.path));
  const std::string amonadm = amonadm_script(dir.path,
                                             "vmapi              1111111  abcdef0  vmapi log fatal\n"
                                             "vmapi              7777777  abcdef1  vmapi log fatal\n");
  const std::string what = message_of([&] { verify_probes(amonadm, runner); });
  CHECK(code_of([&] { verify_probes(amonadm, runner); }) == common::ExitCode::step_unverified);
  CHECK(what.find(std::string("vmapi1 (") + k_vmapi1 + ") has no probe") != std::string::npos);
  CHECK(what.find("vmapi probes on machine 7777777... (gone: no vmapi instance has it)") != std::string::npos);
  CHECK(what.find("vmapi0") == std::string::npos);
}

TEST_CASE("amon probes: update's exit status; a missing program names --sdc-amonadm") {
  TempDir dir;
  const std::string bad = dir.path + "/failing";
  write_script(bad, "echo 'sdc-amonadm: error: role \"workflow\" not a valid role' >&2; exit 1\n");
  CHECK(code_of([&] { amonadm_update(bad); }) == common::ExitCode::step_failed);
  CHECK(message_of([&] { amonadm_update(bad); }) ==
        "sdc-amonadm update failed (exit 1): sdc-amonadm: error: role \"workflow\" not a valid role");
  const std::string good = dir.path + "/ok";
  write_script(good, "[ \"$1\" = update ] && echo 'added 0 probes'\n");
  CHECK_NOTHROW(amonadm_update(good));
  CHECK(code_of([&] { amonadm_update(dir.path + "/nosuch"); }) == common::ExitCode::config);
  CHECK(message_of([&] { amonadm_update(dir.path + "/nosuch"); }).find("--sdc-amonadm PATH") != std::string::npos);
}

TEST_CASE("amon probes: a resumed run brings the probes up to date whenever an earlier run changed instances") {
  TempDir dir;
  const std::string id = "b0000000-0000-4000-8000-000000000013";
  auto plan_with_amon = [] {
    Plan p;
    p.alarms.possible = true;
    p.alarms.reason = "no core zone changes";
    return p;
  };
  Journal j = Journal::open(dir.path, id, "d");
  j.begin_run();
  j.step_started("stage");
  j.step_done("stage");
  Plan p = plan_with_amon();
  rerun_unfinished_alarms(j, p);
  CHECK_FALSE(p.alarms.run);  // nothing moved instances yet

  // Killed after the last `up`, before alarm-config started: the rebuilt plan moves nothing.
  j.step_started("up-manatee");
  j.step_done("up-manatee");
  p = plan_with_amon();
  rerun_unfinished_alarms(j, p);
  CHECK(p.alarms.run);
  CHECK(p.alarms.reason.find("up-manatee") != std::string::npos);

  // No amon in the DC: never.
  p = plan_with_amon();
  p.alarms.possible = false;
  rerun_unfinished_alarms(j, p);
  CHECK_FALSE(p.alarms.run);

  // A failed alarm-config runs again; a done one does not; nor does anything in a finished journal.
  j.step_started("alarm-config");
  j.step_failed("alarm-config", "sdc-amonadm update failed");
  p = plan_with_amon();
  rerun_unfinished_alarms(j, p);
  CHECK(p.alarms.run);
  j.step_started("alarm-config");
  j.step_done("alarm-config");
  p = plan_with_amon();
  rerun_unfinished_alarms(j, p);
  CHECK_FALSE(p.alarms.run);
  j.finish();
  p = plan_with_amon();
  rerun_unfinished_alarms(j, p);
  CHECK_FALSE(p.alarms.run);
}
