// The plan's break-out: per service the target and its instances grouped by old image and
// fate; --force; -f SPEC.json limits; the update spec apply gives sdcadm up.

#include "fixtures.hpp"

#include <installer/plan.hpp>
#include <installer/plan_text.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace installer;
using namespace test_fixtures;

namespace {

const char* const k_old = "2025-01-01T00:00:00.000Z";
const char* const k_target = "2025-02-01T00:00:00.000Z";
const char* const k_newer = "2025-03-01T00:00:00.000Z";

struct Dc {
  manifest::BundleIndex index = make_index({{"service-image", "papi", 10, k_target, ""},
                                            {"service-image", "cnapi", 11, k_target, ""},
                                            {"service-image", "vmapi", 12, k_target, ""},
                                            {"service-image", "sapi", 13, k_target, ""},
                                            {"service-image", "cns", 14, k_target, ""}});
  std::vector<Inst> insts = {{"papi", 1}, {"papi", 1}, {"cnapi", 1}, {"cnapi", 2}, {"cnapi", 11},
                             {"vmapi", 3},  {"sapi", 13},  {"sapi", 13}};
  PlanInputs inputs() const {
    PlanInputs in;
    in.index = &index;
    in.dc = dc_state(insts);
    in.lookup = lookup({{1, k_old}, {2, k_old}, {3, k_newer}, {10, k_target}, {11, k_target}, {13, k_target}});
    return in;
  }
};


}  // namespace

TEST_CASE("plan: updated, mixed, downgrade and same-image services without --force") {
  Dc dc;
  const Plan plan = make_plan(dc.inputs(), {});
  const ServicePlan& papi = service_of(plan, "papi");
  REQUIRE(papi.groups.size() == 1);
  CHECK(papi.groups[0].kind == GroupKind::update);
  CHECK(papi.groups[0].from_image == U(1));
  CHECK(papi.groups[0].instances.size() == 2);
  CHECK(papi.changes());

  const ServicePlan& cnapi = service_of(plan, "cnapi");
  REQUIRE(cnapi.groups.size() == 3);
  CHECK(cnapi.groups[0].from_image == U(1));
  CHECK(cnapi.groups[1].from_image == U(2));
  CHECK(cnapi.groups[2].kind == GroupKind::already);

  const ServicePlan& vmapi = service_of(plan, "vmapi");
  CHECK(vmapi.groups.empty());
  REQUIRE(vmapi.dropped.size() == 1);
  CHECK(vmapi.dropped[0].from_image == U(3));
  CHECK_FALSE(vmapi.changes());

  const ServicePlan& sapi = service_of(plan, "sapi");
  REQUIRE(sapi.groups.size() == 1);
  CHECK(sapi.groups[0].kind == GroupKind::already);
  CHECK_FALSE(sapi.changes());

  CHECK(plan.not_deployed == std::vector<std::string>{"cns"});
  CHECK(plan.has_changes());
  // Images 12 and 14 are not in the DC IMGAPI: they are to be imported.
  REQUIRE(plan.imports.size() == 2);
  CHECK(plan.imports[0].uuid == U(12));
  CHECK(plan.imports[1].uuid == U(14));
}

TEST_CASE("plan: --force turns downgrades and same-image into forced groups") {
  Dc dc;
  const Plan plan = make_plan(dc.inputs(), with_force(Force::yes));
  const ServicePlan& vmapi = service_of(plan, "vmapi");
  REQUIRE(vmapi.groups.size() == 1);
  CHECK(vmapi.groups[0].kind == GroupKind::forced_downgrade);
  CHECK(vmapi.dropped.empty());
  const ServicePlan& sapi = service_of(plan, "sapi");
  REQUIRE(sapi.groups.size() == 1);
  CHECK(sapi.groups[0].kind == GroupKind::forced_same_image);
  CHECK(sapi.forced_same_image());
  CHECK(service_of(plan, "cnapi").groups[2].kind == GroupKind::forced_same_image);
}

TEST_CASE("plan: an image the DC IMGAPI does not know counts as older") {
  Dc dc;
  dc.insts = {{"papi", 77}};
  const Plan plan = make_plan(dc.inputs(), {});
  REQUIRE(service_of(plan, "papi").groups.size() == 1);
  CHECK(service_of(plan, "papi").groups[0].kind == GroupKind::update);
}

TEST_CASE("plan: the update spec for sdcadm up") {
  Dc dc;
  const Plan plan = make_plan(dc.inputs(), {});
  const common::Json spec = up_spec({&service_of(plan, "papi"), &service_of(plan, "cnapi"), &service_of(plan, "vmapi")});
  // imgapi moves whole; cnapi is mixed: only its two old instances, by instance; vmapi none.
  REQUIRE(spec.size() == 3);
  CHECK(spec[0] == common::Json{{"service", "papi"}, {"image", U(10)}});
  CHECK(spec[1]["instance"] == insts_json(dc.insts)[2]["instance"]);
  CHECK(spec[2]["instance"] == insts_json(dc.insts)[3]["instance"]);
  CHECK(spec[2]["image"] == U(11));
  const Plan forced = make_plan(dc.inputs(), with_force(Force::yes));
  const common::Json fspec = up_spec({&service_of(forced, "sapi")});
  CHECK(fspec == common::Json::array({{{"service", "sapi"}, {"image", U(13)}}}));
}

TEST_CASE("plan: -f SPEC.json limits the plan to the services it names") {
  Dc dc;
  PlanOptions options;
  options.limit = parse_spec_limit(R"([{"service": "papi"}, {"service": "cnapi", "image": ")" + U(11) + "\"}]", "SPEC.json");
  const Plan plan = make_plan(dc.inputs(), options);
  REQUIRE(plan.services.size() == 2);
  CHECK(plan.services[0].service == "papi");
  CHECK(plan.services[1].service == "cnapi");
  CHECK(plan.not_selected == std::vector<std::string>{"vmapi", "sapi", "cns"});
}

TEST_CASE("plan: -f SPEC.json refusals") {
  Dc dc;
  auto code_of = [&](const std::string& text) {
    try {
      PlanOptions options;
      options.limit = parse_spec_limit(text, "SPEC.json");
      make_plan(dc.inputs(), options);
    } catch (const common::Error& e) {
      return e.code();
    }
    return common::ExitCode::ok;
  };
  CHECK(code_of(R"({"service": "papi"})") == common::ExitCode::ok);  // a single object
  CHECK(code_of(R"({"service": "papi", "colour": "red"})") == common::ExitCode::usage);
  CHECK(code_of(R"({"service": "papi", "image": "latest"})") == common::ExitCode::usage);
  CHECK(code_of(R"({"instance": "imgapi0"})") == common::ExitCode::usage);
  CHECK(code_of(R"({"service": "nosuch"})") == common::ExitCode::usage);
  CHECK(code_of(R"({"service": "papi", "image": ")" + U(99) + "\"}") == common::ExitCode::usage);
  CHECK(code_of(R"([{"service": "papi"}, {"service": "papi"}])") == common::ExitCode::usage);
  CHECK(code_of("[]") == common::ExitCode::usage);
  CHECK(code_of("{not json") == common::ExitCode::usage);
  CHECK(code_of(R"({"service": "papi", "type": "delete"})") == common::ExitCode::usage);
  try {
    parse_spec_limit(R"({"service": "papi", "colour": "red"})", "SPEC.json");
  } catch (const common::Error& e) {
    CHECK(std::string(e.what()).find("invalid extra fields") != std::string::npos);
  }
}

TEST_CASE("plan: sdcadm self-update only when newer (semver, then build stamp)") {
  Dc dc;
  dc.index = make_index({{"sdcadm", "sdcadm", 20, k_target, "1.40.0"}});
  auto run_for = [&](const std::string& cur_version, const std::string& cur_stamp, const std::string& bundle_stamp,
                     Force force) {
    PlanInputs in = dc.inputs();
    in.dc.sdcadm = manifest::SdcadmVersion{cur_version, cur_stamp};
    in.sdcadm_buildstamp = bundle_stamp;
    const Plan plan = make_plan(in, with_force(force));
    REQUIRE(plan.sdcadm);
    return plan.sdcadm->run;
  };
  CHECK(run_for("1.39.0", "master-20250101T000000Z-g1", "master-20240101T000000Z-g2", Force::no));
  CHECK_FALSE(run_for("1.41.0", "master-20240101T000000Z-g1", "master-20250101T000000Z-g2", Force::no));
  CHECK(run_for("1.40.0", "master-20240101T000000Z-g1", "master-20250101T000000Z-g2", Force::no));
  CHECK_FALSE(run_for("1.40.0", "master-20250101T000000Z-g1", "master-20250101T000000Z-g2", Force::no));
  CHECK_FALSE(run_for("1.40.0", "master-20250102T000000Z-g1", "master-20250101T000000Z-g2", Force::no));
  CHECK(run_for("1.40.0", "master-20250102T000000Z-g1", "master-20250101T000000Z-g2", Force::yes));
}

TEST_CASE("plan: agents need the agentsshar; gz-tools and platform skipped when present") {
  Dc dc;
  dc.index = make_index({{"agent", "vm-agent", 30, k_target, ""},
                         {"gz-tools", "gz-tools", 31, k_target, "1.0.0-master-20250201T000000Z-g1"},
                         {"platform", "platform", 32, k_target, "master-20250201T000000Z"}});
  dc.insts = {{"vm-agent", 1, "agent"}};
  PlanInputs in = dc.inputs();
  in.dc.gz_tools_image = U(31);
  in.dc.platforms = {"20250201T000000Z"};
  Plan plan = make_plan(in, {});
  CHECK_FALSE(plan.agentsshar);
  REQUIRE(plan.notes.size() == 1);
  CHECK_FALSE(service_of(plan, "vm-agent").changes());
  REQUIRE(plan.gz_tools);
  CHECK_FALSE(plan.gz_tools->run);
  REQUIRE(plan.platform);
  CHECK_FALSE(plan.platform->run);
  CHECK_FALSE(plan.has_changes());

  dc.index = make_index({{"agent", "vm-agent", 30, k_target, ""}, {"agentsshar", "agentsshar", 33, k_target, "1.0.0"}});
  plan = make_plan(dc.inputs(), {});
  REQUIRE(plan.agentsshar);
  CHECK(plan.agentsshar->run);
  CHECK(service_of(plan, "vm-agent").changes());
}

TEST_CASE("plan: a platform older than the DC's newest is kept unless --force (issue 12 item 11)") {
  Dc dc;
  dc.index = make_index({{"platform", "platform", 32, k_target, "master-20250101T000000Z"}});
  PlanInputs in = dc.inputs();
  in.dc.platforms = {"20241201T000000Z", "20250201T000000Z"};
  Plan plan = make_plan(in, {});
  REQUIRE(plan.platform);
  CHECK_FALSE(plan.platform->run);
  CHECK(plan.platform->note == "the DC has a newer platform (20250201T000000Z); --force to install the bundle's");
  CHECK_FALSE(plan.has_changes());
  plan = make_plan(in, with_force(Force::yes));
  CHECK(plan.platform->run);
  CHECK(plan.platform->note == "forced downgrade");
  // A newer one is installed, as before.
  in.dc.platforms = {"20241201T000000Z"};
  plan = make_plan(in, {});
  CHECK(plan.platform->run);
  CHECK(plan.platform->note.empty());
}

TEST_CASE("plan: hostile sdcadm output is refused with the row named") {
  CHECK_THROWS_WITH(parse_dc_state(common::Json::array(), common::Json::object()),
                    Catch::Contains("not a JSON array"));
  CHECK_THROWS_WITH(parse_dc_state(common::Json::array(), common::Json::parse(R"([{"service": 3, "instance": "x"}])")),
                    Catch::Contains("[0].service: not a string"));
  CHECK_THROWS_WITH(parse_dc_state(common::Json::parse(R"([{"type": "vm"}])"), common::Json::array()),
                    Catch::Contains("[0]: no \"name\""));
}

TEST_CASE("plan: agent images in the bundle: update-agents runs their bootstrap, the shar is only staged") {
  Dc dc;
  dc.index = make_index({{"agent", "vm-agent", 30, k_target, ""}, {"agent", "agents_core", 34, k_target, ""},
                         {"agentsshar", "agentsshar", 33, k_target, "1.0.0"}});
  dc.insts = {{"vm-agent", 1, "agent"}};
  PlanInputs in = dc.inputs();
  in.agent_set = AgentSetFacts{"20250201T000000Z-1a2b3c4d", 2, {}};
  Plan plan = make_plan(in, {});
  REQUIRE(plan.agent_set);
  CHECK(plan.agent_set->run);
  CHECK(plan.agent_set->stage_as == "/usbkey/extra/agents/agents-20250201T000000Z-1a2b3c4d.sh");
  CHECK_FALSE(plan.agentsshar);
  REQUIRE(plan.notes.size() == 1);
  CHECK_THAT(plan.notes[0], Catch::Contains("agentsshar 1.0.0 is staged but not run"));
  CHECK(service_of(plan, "vm-agent").changes());
  const std::string text = plan_text(plan);
  CHECK_THAT(text, Catch::Contains("update agents from the bundle's 2 agent images (bootstrap 20250201T000000Z-1a2b3c4d):\n"
                                   "    /usbkey/extra/agents/agents-20250201T000000Z-1a2b3c4d.sh\n"
                                   "update \"vm-agent\" service (1 instance) to "));
  CHECK(plan_json(plan)["agent_set"]["run"] == true);

  // Every agent on its target: nothing to seed, said as up to date.
  dc.insts = {{"vm-agent", 30, "agent"}};
  in = dc.inputs();
  in.agent_set = AgentSetFacts{"20250201T000000Z-1a2b3c4d", 2, {}};
  plan = make_plan(in, {});
  REQUIRE(plan.agent_set);
  CHECK_FALSE(plan.agent_set->run);
  CHECK_FALSE(plan.has_changes());
  CHECK_THAT(plan_text(plan), Catch::Contains("agent-set: every agent already runs the bundle's image"));
  CHECK(make_plan(in, with_force(Force::yes)).agent_set->run);

  // A trimmed bundle without every shar agent cannot make a bootstrap: the shar is used.
  dc.insts = {{"vm-agent", 1, "agent"}};
  in = dc.inputs();
  in.agent_set = AgentSetFacts{"20250201T000000Z-1a2b3c4d", 2, {"cn-agent", "net-agent"}};
  plan = make_plan(in, {});
  CHECK_FALSE(plan.agent_set);
  REQUIRE(plan.agentsshar);
  CHECK(plan.agentsshar->run);
  REQUIRE(plan.notes.size() == 1);
  CHECK_THAT(plan.notes[0], Catch::StartsWith("the bundle's agent images lack cn-agent, net-agent"));
}

TEST_CASE("plan: agents outside the shar: experimental update for dockerlogger, none for legacy ones") {
  Dc dc;
  dc.index = make_index({{"agent", "vm-agent", 30, k_target, ""},
                         {"agent", "dockerlogger", 35, k_target, ""},
                         {"agent", "cabase", 36, k_target, ""},
                         {"agentsshar", "agentsshar", 33, k_target, "1.0.0"}});
  dc.insts = {{"vm-agent", 1, "agent"}, {"dockerlogger", 1, "agent"}, {"cabase", 2, "agent"}};
  CHECK(agent_route("vm-agent") == AgentRoute::installer);
  CHECK(agent_route("firewall-logger-agent") == AgentRoute::experimental_update);
  CHECK(agent_route("cainstsvc") == AgentRoute::none);

  Plan plan = make_plan(dc.inputs(), {});
  REQUIRE(plan.agentsshar);
  CHECK(plan.agentsshar->run);
  const auto extra = experimental_update_services(plan);
  REQUIRE(extra.size() == 1);
  CHECK(extra[0]->service == "dockerlogger");
  CHECK_FALSE(service_of(plan, "cabase").changes());
  REQUIRE(plan.notes.size() == 1);
  CHECK_THAT(plan.notes[0], Catch::StartsWith("cabase: sdcadm cannot update these agents"));
  const std::string text = plan_text(plan);
  CHECK_THAT(text, Catch::Contains("update agents with sdcadm experimental update:\n"
                                   "update \"dockerlogger\" service (1 instance) to "));
  CHECK_THAT(text, !Catch::Contains("\"cabase\" ("));  // not claimed to be up to date

  // Only dockerlogger changes: the shar has nothing to do, experimental update still runs.
  dc.insts = {{"vm-agent", 30, "agent"}, {"dockerlogger", 1, "agent"}};
  plan = make_plan(dc.inputs(), {});
  REQUIRE(plan.agentsshar);
  CHECK_FALSE(plan.agentsshar->run);
  CHECK(experimental_update_services(plan).size() == 1);
  CHECK(plan.has_changes());
}

TEST_CASE("plan text: every instance on a newer image is not counted as at the target") {
  Dc dc;
  dc.index = make_index({{"service-image", "vmapi", 12, k_target, ""}});
  dc.insts = {{"vmapi", 3}};
  const std::string text = plan_text(make_plan(dc.inputs(), {}));
  CHECK_THAT(text, Catch::Contains("    \"vmapi\" (1 instance left at newer image " + U(3) + ")\n"));
}

TEST_CASE("plan: a newer gz-tools in the DC is not replaced by the bundle's older one without --force") {
  Dc dc;
  dc.index = make_index({{"gz-tools", "gz-tools", 31, k_target, "1.0.0-master-20250201T000000Z-g1"}});
  dc.insts = {};
  PlanInputs in = dc.inputs();
  in.dc.gz_tools_image = U(3);  // published k_newer in the DC IMGAPI
  Plan plan = make_plan(in, {});
  REQUIRE(plan.gz_tools);
  CHECK_FALSE(plan.gz_tools->run);
  CHECK_THAT(plan.gz_tools->note, Catch::StartsWith("the DC runs a newer gz-tools"));
  plan = make_plan(in, with_force(Force::yes));
  CHECK(plan.gz_tools->run);
  CHECK(plan.gz_tools->note == "forced downgrade");
  in.dc.gz_tools_image = U(1);  // older: updated
  CHECK(make_plan(in, {}).gz_tools->run);
}
