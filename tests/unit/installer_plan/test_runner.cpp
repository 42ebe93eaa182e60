// The sdcadm runner against shell scripts standing in for sdcadm.

#include "fixtures.hpp"

#include <installer/sdcadm_runner.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace installer;
using namespace test_fixtures;

TEST_CASE("runner: stdin in, stdout and stderr out, exit status") {
  TempDir dir;
  const std::string prog = dir.path + "/prog";
  write_script(prog, "echo \"args: $*\"; cat; echo oops >&2; exit 3\n");
  std::vector<std::string> lines;
  RunOptions options;
  options.stdin_text = "line one\nline two";
  options.on_line = [&](Stream s, std::string_view l) { if (s == Stream::out) lines.emplace_back(l); };
  const RunResult r = run_program(prog, {"a", "b c"}, options);
  CHECK(r.exit_code == 3);
  CHECK(r.out == "args: a b c\nline one\nline two");
  CHECK(r.err == "oops\n");
  CHECK(lines == std::vector<std::string>{"args: a b c", "line one", "line two"});
}

TEST_CASE("runner: a child that does not read a large stdin does not kill the installer") {
  TempDir dir;
  const std::string prog = dir.path + "/prog";
  write_script(prog, "exit 0\n");
  RunOptions options;
  options.stdin_text.assign(4u << 20, 'x');
  const RunResult r = run_program(prog, {}, options);
  CHECK(r.exit_code == 0);
}

TEST_CASE("runner: a killed child is 128+signal; a missing program is a config error") {
  TempDir dir;
  const std::string prog = dir.path + "/prog";
  write_script(prog, "kill -9 $$\n");
  CHECK(run_program(prog, {}).exit_code == 137);
  try {
    run_program(dir.path + "/nosuch", {});
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::config);
    CHECK(std::string(e.what()).find("--sdcadm") != std::string::npos);
  }
}

TEST_CASE("runner: sdcadm commands, failures become step_failed with stderr") {
  TempDir dir;
  const std::string prog = dir.path + "/sdcadm";
  write_script(prog,
               "echo \"$*\" >> " + dir.path + "/argv\n"
               "case \"$1\" in\n"
               "  --version) echo 'sdcadm 1.40.0 (release-20250101-20250101T000000Z-g1234567)';;\n"
               "  insts) echo '[{\"service\":\"imgapi\",\"instance\":\"i1\"}]';;\n"
               "  svcs) echo '{}';;\n"
               "  up) cat > " + dir.path + "/spec; echo 'Updated successfully (elapsed 1s).';;\n"
               "  check-health) echo '[{\"type\":\"vm\",\"healthy\":false,\"alias\":\"imgapi0\",\"service\":\"imgapi\","
               "\"instance\":\"i1\",\"health_errors\":[{\"message\":\"svc down\"}]}]'; exit 1;;\n"
               "  platform) echo 'platform file not found' >&2; exit 1;;\n"
               "esac\n");
  std::vector<std::string> seen;
  SdcadmRunner runner(prog, [&](Stream, std::string_view l) { seen.emplace_back(l); });
  const auto v = runner.version();
  CHECK(v.version == "1.40.0");
  CHECK(v.buildstamp == "release-20250101-20250101T000000Z-g1234567");
  CHECK(runner.insts().size() == 1);
  CHECK_THROWS_WITH(runner.svcs(), Catch::Contains("not a JSON array"));
  runner.up(common::Json::array({{{"service", "imgapi"}, {"image", U(1)}}}), UpFlags{true, false, false});
  CHECK(common::Json::parse(read_file(dir.path + "/spec"))[0]["service"] == "imgapi");
  CHECK(seen == std::vector<std::string>{"Updated successfully (elapsed 1s)."});
  const HealthReport health = runner.check_health();
  REQUIRE(health.problems().size() == 1);
  CHECK(health.problems()[0] == "imgapi0 (imgapi) i1: svc down");
  try {
    runner.platform_install("/usbkey/extra/platform-x.tgz", "release");
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::step_failed);
    CHECK(std::string(e.what()) ==
          "sdcadm platform install /usbkey/extra/platform-x.tgz -y -C release failed (exit 1): platform file not found");
  }
  const std::string argv = read_file(dir.path + "/argv");
  CHECK(argv.find("up -y --force-same-image\n") != std::string::npos);
}

TEST_CASE("runner: experimental update takes the spec on stdin; a refusal is step_failed with stderr") {
  TempDir dir;
  const std::string prog = dir.path + "/sdcadm";
  // Refuses cabase as sdcadm's coordinatePlan does; records argv and the spec otherwise.
  write_script(prog,
               "echo \"$*\" >> " + dir.path + "/argv\n"
               "cat > " + dir.path + "/spec\n"
               "if grep -q cabase " + dir.path + "/spec; then\n"
               "  echo 'sdcadm experimental update: error: do not support the following changes:' >&2\n"
               "  echo '    {\"type\":\"update-service\",\"service\":\"cabase\"}' >&2; exit 1\n"
               "fi\n"
               "echo 'Updated successfully (elapsed 0s).'\n");
  std::vector<std::string> seen;
  SdcadmRunner runner(prog, [&](Stream, std::string_view l) { seen.emplace_back(l); });
  const common::Json spec = common::Json::array({{{"service", "dockerlogger"}, {"image", U(1)}},
                                                 {{"service", "firewall-logger-agent"}, {"image", U(2)}}});
  runner.experimental_update(spec);
  CHECK(read_file(dir.path + "/argv") == "experimental update -y\n");
  CHECK(common::Json::parse(read_file(dir.path + "/spec")) == spec);
  CHECK(seen == std::vector<std::string>{"Updated successfully (elapsed 0s)."});
  try {
    runner.experimental_update(common::Json::array({{{"service", "cabase"}, {"image", U(3)}}}));
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::step_failed);
    CHECK(std::string(e.what()) ==
          "sdcadm experimental update -y failed (exit 1): sdcadm experimental update: error: do not support the "
          "following changes:;     {\"type\":\"update-service\",\"service\":\"cabase\"}");
  }
}

TEST_CASE("runner: version and health parsing refuse other shapes") {
  CHECK_THROWS_AS(parse_sdcadm_version("sdcadm 1.40.0\n"), common::Error);
  CHECK_THROWS_AS(parse_sdcadm_version("sdcadm one (x)\n"), common::Error);
  CHECK_THROWS_AS(parse_sdcadm_version("sdcadm 1.2.3 (nostamp)"), common::Error);
  CHECK(parse_sdcadm_version("sdcadm 1.2.3 (master-20250101T000000Z-gabc)\n").version == "1.2.3");
  CHECK_THROWS_AS(parse_health("[{\"healthy\": \"yes\"}]"), common::Error);
  CHECK_THROWS_AS(parse_health("{}"), common::Error);
  CHECK(parse_health("[]").healthy());
}
