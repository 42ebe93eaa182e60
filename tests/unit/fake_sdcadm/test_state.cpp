#include "state_support.hpp"

#include "../common/test_support.hpp"

#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

using namespace fake_sdcadm;
using namespace fake_sdcadm_test;

namespace {

std::string state_error(common::Json j) {
  try {
    State::parse(common::dump_json(j), "state.json");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    return e.what();
  }
  return "no error";
}

common::Json base() { return common::parse_json(state_text(), "state"); }

}  // namespace

TEST_CASE("state: defaults for optional sections, save and load round trip", "[fake_sdcadm]") {
  test_support::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/var/fake-sdcadm");
  const Root root(dir.path());
  State state = State::parse(state_text(), "state");
  CHECK(state.json()["unhealthy"] == common::Json::array());
  CHECK(state.json()["fail"].is_null());
  CHECK(state.json()["platforms"]["installed"] == common::Json::array());
  state.append_log({"up", "-y"});
  state.save(root);
  const State loaded = State::load(root);
  REQUIRE(loaded.json()["log"].size() == 1);
  CHECK(loaded.json()["log"][0]["argv"] == common::Json{"up", "-y"});
  CHECK(loaded.json()["log"][0]["at"].get<std::string>().size() == 24);
  CHECK(loaded.find_service("imgapi") != nullptr);
  CHECK(loaded.find_service("nope") == nullptr);
}

TEST_CASE("state: a missing file says what to do", "[fake_sdcadm]") {
  test_support::TempDir dir;
  try {
    State::load(Root(dir.path()));
    FAIL("loaded a missing state");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::config);
    CHECK(std::string(e.what()).find("make_headnode") != std::string::npos);
  }
}

TEST_CASE("state: hostile files are refused, naming the field", "[fake_sdcadm]") {
  common::Json j = base();
  j["sdcadm"]["version"] = "1.39";
  CHECK(state_error(j) == "state.json: sdcadm.version \"1.39\" is not semver");
  j = base();
  j["sdcadm"]["buildstamp"] = "20250101";
  CHECK(state_error(j).find("sdcadm.buildstamp has no YYYYMMDDTHHMMSSZ") != std::string::npos);
  j = base();
  j["services"][0]["type"] = "zone";
  CHECK(state_error(j) == "state.json: services[0].type must be \"vm\" or \"agent\", not \"zone\"");
  j = base();
  j["instances"][0].erase("image");
  CHECK(state_error(j) == "state.json: instances[0].image is missing or not a string");
  j = base();
  j["instances"][2]["service"] = "imgapi";  // an agent instance of a vm service
  CHECK(state_error(j) == "state.json: instances[2]: no agent service named \"imgapi\"");
  j = base();
  j["unhealthy"] = "x";
  CHECK(state_error(j) == "state.json: unhealthy has the wrong type");
  j = base();
  j["instances"] = common::Json::object();
  CHECK(state_error(j) == "state.json: instances is missing or not an array");
  CHECK(state_error(common::Json::array()) == "state.json: not a JSON object");
}

TEST_CASE("fault knob: state and environment", "[fake_sdcadm]") {
  ::unsetenv("FAKE_SDCADM_FAIL");
  State state = State::parse(state_text(), "state");
  CHECK(!active_fault(state));
  state.json()["fail"] = {{"command", "up"}, {"service", "imgapi"}, {"once", true}};
  auto fault = active_fault(state);
  REQUIRE(fault);
  CHECK(fault->once);
  CHECK(fault_matches(fault, "up", "imgapi"));
  CHECK(!fault_matches(fault, "up", "sapi"));
  CHECK(!fault_matches(fault, "self-update", ""));
  state.json()["fail"] = {{"command", "reboot"}};
  CHECK_THROWS_AS(active_fault(state), common::Error);
  state.json()["fail"] = {{"command", "up"}, {"once", "yes"}};
  CHECK_THROWS_AS(active_fault(state), common::Error);

  const Fault env = parse_fault_env("platform-install");
  CHECK(env.service.empty());
  CHECK(fault_matches(env, "platform-install", ""));
  CHECK(parse_fault_env("up:imgapi").service == "imgapi");
  CHECK_THROWS_AS(parse_fault_env("upp"), common::Error);

  ::setenv("FAKE_SDCADM_FAIL", "check-health:sapi", 1);
  fault = active_fault(state);  // the environment wins over the state
  ::unsetenv("FAKE_SDCADM_FAIL");
  REQUIRE(fault);
  CHECK(fault->from_env);
  CHECK(fault->command == "check-health");
}

TEST_CASE("no-op knob: FAKE_SDCADM_NOOP names commands that exit 0 without their work", "[fake_sdcadm]") {
  ::unsetenv("FAKE_SDCADM_NOOP");
  CHECK_FALSE(noop_requested("up"));
  ::setenv("FAKE_SDCADM_NOOP", "up,update-agents", 1);
  CHECK(noop_requested("up"));
  CHECK(noop_requested("update-agents"));
  CHECK_FALSE(noop_requested("update"));
  CHECK_FALSE(noop_requested("platform-install"));
  ::setenv("FAKE_SDCADM_NOOP", "up,bogus", 1);
  CHECK_THROWS_AS(noop_requested("up"), common::Error);  // a typo is refused, not ignored
  ::setenv("FAKE_SDCADM_NOOP", "check-health", 1);
  CHECK_THROWS_AS(noop_requested("up"), common::Error);
  ::setenv("FAKE_SDCADM_NOOP", "up,", 1);
  CHECK_THROWS_AS(noop_requested("up"), common::Error);
  ::unsetenv("FAKE_SDCADM_NOOP");
}

TEST_CASE("fault knob: a once-fault clears itself and keeps the rest of the state", "[fake_sdcadm]") {
  test_support::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/var/fake-sdcadm");
  const Root root(dir.path());
  State state = State::parse(state_text(), "state");
  state.json()["fail"] = {{"command", "update-other"}, {"once", true}};
  state.save(root);
  const auto fault = active_fault(state);
  CHECK_NOTHROW(fire_fault(fault, "up", "", "boom", state, root));
  try {
    fire_fault(fault, "update-other", "", "boom", state, root);
    FAIL("fault did not fire");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::step_failed);
    CHECK(std::string(e.what()) == "boom");
  }
  const State after = State::load(root);
  CHECK(after.json()["fail"].is_null());
  CHECK(after.instances() == state.instances());
}
