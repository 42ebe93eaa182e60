// The plan on DC shapes real headnodes have and real sdcadm refuses or ignores (issue 11):
// an old rabbitmq, a portolan, a dapi, two napi, a mixed manatee, imgapi off the headnode,
// servers not set up or not running. Each case says what the installer sends to `sdcadm up`.

#include "fixtures.hpp"

#include <installer/plan.hpp>
#include <installer/plan_text.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace installer;
using namespace test_fixtures;

namespace {

const char* const k_old = "2025-01-01T00:00:00.000Z";
const char* const k_target = "2025-02-01T00:00:00.000Z";
const char* const k_newer = "2025-03-01T00:00:00.000Z";

// Targets: rabbitmq 10, portolan 11, dapi 12, napi 13, manatee 14, vmapi 15.
struct Shapes {
  manifest::BundleIndex index = make_index({{"service-image", "rabbitmq", 10, k_target, ""},
                                            {"service-image", "portolan", 11, k_target, ""},
                                            {"service-image", "dapi", 12, k_target, ""},
                                            {"service-image", "napi", 13, k_target, ""},
                                            {"service-image", "manatee", 14, k_target, ""},
                                            {"service-image", "vmapi", 15, k_target, ""}});
  std::vector<Inst> insts = {{"rabbitmq", 1}, {"portolan", 1}, {"dapi", 1}, {"napi", 1}, {"napi", 2},
                             {"manatee", 1},  {"manatee", 14}, {"vmapi", 1}};
  PlanInputs inputs() const {
    PlanInputs in;
    in.index = &index;
    in.dc = dc_state(insts);
    in.lookup = lookup({{1, k_old}, {2, k_old}, {3, k_newer}, {14, k_target}});
    return in;
  }
};


std::vector<const ServicePlan*> all(const Plan& plan) {
  std::vector<const ServicePlan*> out;
  for (const auto& s : plan.services) out.push_back(&s);
  return out;
}

}  // namespace

TEST_CASE("plan shapes: the up spec holds rabbitmq and dapi back, splits napi, keeps manatee whole") {
  Shapes dc;
  const Plan plan = make_plan(dc.inputs(), {});
  CHECK(service_of(plan, "rabbitmq").held());
  CHECK(service_of(plan, "dapi").held());
  CHECK_FALSE(service_of(plan, "rabbitmq").changes());
  CHECK(service_of(plan, "rabbitmq").needs_update());
  const common::Json spec = up_spec(all(plan));
  std::vector<std::string> named;
  for (const auto& c : spec) named.push_back(c.contains("service") ? c["service"].get<std::string>() : "instance");
  // portolan whole; napi's two instances one by one; manatee whole (one instance is already
  // on the target: sdcadm skips it, update-manatee-v2.js:620-640); vmapi whole.
  CHECK(named == std::vector<std::string>{"portolan", "instance", "instance", "manatee", "vmapi"});
  CHECK(spec[1]["image"] == U(13));
  CHECK(service_of(plan, "napi").route.form == UpForm::instances);

  const std::string text = plan_text(plan);
  CHECK_THAT(text, Catch::Contains("held back (their images are imported; the instances stay as they are):\n"
                                   "    \"rabbitmq\" (1 instance) to image " + U(10)));
  CHECK_THAT(text, Catch::Contains("pass --include-rabbitmq"));
  CHECK_THAT(text, Catch::Contains("    \"dapi\" (1 instance) to image " + U(12)));
  CHECK_THAT(text, Catch::Contains("    (one change per instance: sdcadm drops a service change for napi when it has 2 instances"));
  const common::Json j = plan_json(plan);
  CHECK(j["services"][0]["held"].is_string());
  CHECK(j["services"][3]["per_instance"] == true);
}

TEST_CASE("plan shapes: --include-rabbitmq sends rabbitmq") {
  Shapes dc;
  PlanOptions options;
  options.policy.include_rabbitmq = true;
  const Plan plan = make_plan(dc.inputs(), options);
  CHECK(service_of(plan, "rabbitmq").changes());
  CHECK(up_spec({&service_of(plan, "rabbitmq")}) == common::Json::array({{{"service", "rabbitmq"}, {"image", U(10)}}}));
  CHECK(plan_json(plan)["include_rabbitmq"] == true);
}

TEST_CASE("plan shapes: a manatee on a newer image holds manatee back; --force moves it") {
  Shapes dc;
  dc.insts = {{"manatee", 1}, {"manatee", 3}};
  const Plan plan = make_plan(dc.inputs(), {});
  CHECK(service_of(plan, "manatee").held());
  CHECK(up_spec(all(plan)).empty());
  CHECK_FALSE(plan.has_changes());
  const Plan forced = make_plan(dc.inputs(), with_force(Force::yes));
  CHECK(up_spec(all(forced)) == common::Json::array({{{"service", "manatee"}, {"image", U(14)}}}));
}

TEST_CASE("plan shapes: a papi on a newer image splits papi into its older instances") {
  Shapes dc;
  dc.index = make_index({{"service-image", "papi", 10, k_target, ""}});
  dc.insts = {{"papi", 1}, {"papi", 3}, {"papi", 10}};
  const Plan plan = make_plan(dc.inputs(), {});
  const common::Json spec = up_spec(all(plan));
  REQUIRE(spec.size() == 1);
  CHECK(spec[0]["instance"] == insts_json(dc.insts)[0]["instance"]);
}

TEST_CASE("plan shapes: imgapi off the headnode is held back") {
  Shapes dc;
  dc.index = make_index({{"service-image", "imgapi", 10, k_target, ""}});
  dc.insts = {{"imgapi", 1}};
  PlanInputs in = dc.inputs();
  in.dc.instances[0].hostname = "cn1";
  const Plan plan = make_plan(in, {});
  CHECK(plan.services[0].held());
  CHECK_THAT(plan.services[0].route.reason, Catch::Contains("single instance on the headnode"));
}

TEST_CASE("plan shapes: servers not set up or not running are left out and shown") {
  Shapes dc;
  dc.index = make_index({{"agentsshar", "agentsshar", 17, k_target, "1.0.0"}});
  dc.insts = {};
  PlanInputs in = dc.inputs();
  DcServer unsetup = compute_node(7001, "cn-new");
  unsetup.setup = false;
  in.dc.servers = {headnode_server(), unsetup, compute_node(7002, "cn-down", "unknown")};
  const Plan plan = make_plan(in, {});
  REQUIRE(plan.agentsshar);
  REQUIRE(plan.agentsshar->run);
  const std::string text = plan_text(plan);
  CHECK_THAT(text, Catch::Contains("servers: 3 servers in CNAPI; agents on 1 server: headnode\n"
                                   "    left out: cn-new (" + U(7001) + "): not set up\n"
                                   "    left out: cn-down (" + U(7002) + "): not running (CNAPI status \"unknown\")\n"));
  PlanOptions options;
  options.exclude_servers = {"cn-nine"};
  CHECK_THROWS_AS(make_plan(in, options), common::Error);
}

TEST_CASE("plan shapes: an agent row without an instance uuid is read; a VM row without one is refused") {
  common::Json insts = insts_json({{"vm-agent", 1, "agent"}});
  insts[0].erase("instance");
  const DcState dc = parse_dc_state(svcs_json({{"vm-agent", 1, "agent"}}), insts);
  REQUIRE(dc.instances.size() == 1);
  CHECK(dc.instances[0].instance.empty());
  common::Json vms = insts_json({{"imgapi", 1}});
  vms[0].erase("instance");
  CHECK_THROWS_WITH(parse_dc_state(svcs_json({{"imgapi", 1}}), vms), Catch::Contains("no \"instance\""));
}

TEST_CASE("plan shapes: agents on newer images: the bootstrap leaves them (even with --force), the shar does not") {
  Shapes dc;
  dc.index = make_index({{"agent", "vm-agent", 16, k_target, ""}, {"agentsshar", "agentsshar", 17, k_target, "1.0.0"}});
  dc.insts = {{"vm-agent", 1, "agent"}, {"vm-agent", 3, "agent"}};
  PlanInputs in = dc.inputs();
  in.agent_set = AgentSetFacts{"20250201T000000Z-0a1b2c3d", 11, {}};
  for (const Force force : {Force::no, Force::yes}) {
    CAPTURE(force == Force::yes);
    const Plan plan = make_plan(in, with_force(force));
    const ServicePlan& vm_agent = service_of(plan, "vm-agent");
    REQUIRE(vm_agent.dropped.size() == 1);
    CHECK(std::none_of(vm_agent.groups.begin(), vm_agent.groups.end(),
                       [](const InstanceGroup& g) { return g.kind == GroupKind::forced_downgrade; }));
    CHECK_THAT(plan_text(plan), Catch::Contains("    1 instance left at image " + U(3) +
                                                " (not older than the target; the agents bootstrap never downgrades an agent)"));
    CHECK((force == Force::yes) == std::any_of(plan.notes.begin(), plan.notes.end(), [](const std::string& n) {
            return n.find("--force does not downgrade agents through the agents bootstrap") != std::string::npos;
          }));
  }
  in.agent_set.reset();  // the agentsshar route: it reinstalls every agent
  CHECK_THAT(plan_text(make_plan(in, {})),
             Catch::Contains("    1 instance on newer image " + U(3) +
                             " will be moved back to the shar's (the agentsshar reinstalls every agent)"));
}

TEST_CASE("plan shapes: instances on a left-out server stay; a VM service with one there is held back") {
  Shapes dc;
  dc.index = make_index({{"agent", "vm-agent", 16, k_target, ""}, {"agentsshar", "agentsshar", 17, k_target, "1.0.0"},
                         {"service-image", "binder", 18, k_target, ""}});
  dc.insts = {{"vm-agent", 1, "agent"}, {"vm-agent", 1, "agent"}, {"binder", 1}, {"binder", 1}};
  PlanInputs in = dc.inputs();
  in.dc.servers.push_back(compute_node(7002, "cn-down", "unknown"));
  in.dc.instances[1].hostname = "cn-down";  // the second vm-agent
  in.dc.instances[3].hostname = "cn-down";  // the second binder
  const Plan plan = make_plan(in, {});
  const ServicePlan& vm_agent = service_of(plan, "vm-agent");
  CHECK(vm_agent.changes());
  REQUIRE(vm_agent.dropped.size() == 1);
  CHECK(vm_agent.dropped[0].server == "cn-down");
  CHECK(moving_instances({&vm_agent}).size() == 1);
  const ServicePlan& binder = service_of(plan, "binder");
  CHECK(binder.held());
  CHECK_THAT(binder.route.reason, Catch::Contains("an instance runs on cn-down, which this update leaves out"));
  const std::string text = plan_text(plan);
  CHECK_THAT(text, Catch::Contains("    1 instance left at image " + U(1) + " on cn-down (the server is left out, see servers below)"));
  CHECK_THAT(text, Catch::Contains("    \"binder\" (2 instances) to image " + U(18)));
}

TEST_CASE("plan shapes: a trimmed bundle with part of the agent set and no agentsshar says once what happens") {
  Shapes dc;
  dc.index = make_index({{"agent", "vm-agent", 16, k_target, ""}});
  dc.insts = {{"vm-agent", 1, "agent"}, {"cn-agent", 2, "agent"}};
  PlanInputs in = dc.inputs();
  in.agent_set = AgentSetFacts{"20250201T000000Z-0a1b2c3d", 1, {"cn-agent"}};
  const Plan plan = make_plan(in, {});
  const auto says = [&plan](const std::string& what) {
    return std::any_of(plan.notes.begin(), plan.notes.end(),
                       [&what](const std::string& n) { return n.find(what) != std::string::npos; });
  };
  CHECK(says("the bundle's agent images lack cn-agent"));
  CHECK(says("the bundle carries no agentsshar either, so agents are left as they are"));
  // Before issue 14 item 4 the plan promised the agentsshar and then said the bundle carried
  // neither the shar nor agent images.
  CHECK_FALSE(says("agents go through the agentsshar"));
  CHECK_FALSE(says("which this bundle does not carry"));
  CHECK_FALSE(plan.agentsshar);
  CHECK_FALSE(service_of(plan, "vm-agent").changes());
}
