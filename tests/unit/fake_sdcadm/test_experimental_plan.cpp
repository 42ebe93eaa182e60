// `sdcadm experimental update` planning: agents and dockerlogger updated (UpdateAgentV1,
// UpdateDockerlogger), agents outside UpdateAgentV1's list refused in coordinatePlan's
// words, -s SERVERS, and the image checks shared with `up`.
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/plan.hpp>

#include <common/error.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace fake_sdcadm;

namespace {

const char* k_hn = "eeeeeeee-0000-4000-8000-000000000001";
const char* k_cn = "eeeeeeee-0000-4000-8000-000000000002";
const char* k_dl_new = "aaaaaaaa-0000-4000-8000-000000000011";
const char* k_fla_new = "aaaaaaaa-0000-4000-8000-000000000012";
const char* k_cabase_new = "aaaaaaaa-0000-4000-8000-000000000013";
// The images the DC runs now, one per service.
const std::map<std::string, std::string> k_old = {{"dockerlogger", "aaaaaaaa-0000-4000-8000-000000000021"},
                                                  {"firewall-logger-agent", "aaaaaaaa-0000-4000-8000-000000000022"},
                                                  {"cabase", "aaaaaaaa-0000-4000-8000-000000000023"},
                                                  {"imgapi", "aaaaaaaa-0000-4000-8000-000000000024"}};

std::string agent(const std::string& service, const std::string& n, const std::string& server,
                  const std::string& hostname) {
  return R"({"type": "agent", "service": ")" + service + R"(", "instance": "dddddddd-0000-4000-8000-00000000000)" +
         n + R"(", "image": ")" + k_old.at(service) + R"(", "version": "1.0.0", "server": ")" + server +
         R"(", "hostname": ")" + hostname + R"(", "server_ip": "10.0.0.1"})";
}

// dockerlogger and firewall-logger-agent on the headnode and a CN, cabase on the headnode,
// one VM (imgapi); every instance on its service's k_old image.
State dc_state() {
  std::string services;
  int n = 0;
  for (const char* s : {"dockerlogger", "firewall-logger-agent", "cabase"}) {
    services += R"({"uuid": "cccccccc-0000-4000-8000-00000000000)" + std::to_string(++n) + R"(", "name": ")" + s +
                R"(", "type": "agent"},)";
  }
  const std::string text = R"({"sdcadm": {"version": "1.39.1",
               "buildstamp": "release-20250116-20250205T062404Z-g078205b",
               "image": "bbbbbbbb-0000-4000-8000-000000000001"},
    "services": [)" + services + R"({"uuid": "cccccccc-0000-4000-8000-000000000009", "name": "imgapi", "type": "vm",
                  "params": {"image_uuid": ")" + k_old.at("imgapi") + R"("}}],
    "instances": [)" + agent("dockerlogger", "1", k_hn, "headnode") + "," + agent("dockerlogger", "2", k_cn, "cn1") +
                           "," + agent("firewall-logger-agent", "3", k_hn, "headnode") + "," +
                           agent("firewall-logger-agent", "4", k_cn, "cn1") + "," +
                           agent("cabase", "5", k_hn, "headnode") +
                           R"(, {"type": "vm", "service": "imgapi", "alias": "imgapi0",
       "instance": "dddddddd-0000-4000-8000-000000000006", "zonename": "dddddddd-0000-4000-8000-000000000006",
       "image": ")" + k_old.at("imgapi") + R"(", "version": "v1", "state": "running", "server": ")" + k_hn +
                           R"(", "hostname": "headnode", "server_ip": "10.0.0.1"}]})";
  return State::parse(text, "state");
}

ImageLookup dc_imgapi() {
  std::map<std::string, std::string> names = {{k_dl_new, "dockerlogger"},
                                              {k_fla_new, "firewall-logger-agent"},
                                              {k_cabase_new, "cabase"}};
  for (const auto& [service, uuid] : k_old) names.emplace(uuid, service);
  return [names](const std::string& uuid) -> std::optional<manifest::ImageManifest> {
    const auto it = names.find(uuid);
    if (it == names.end()) return std::nullopt;
    return manifest::ImageManifest::from_json(
        common::Json{{"uuid", uuid}, {"name", it->second}, {"version", "2.0.0"}, {"state", "active"}}, "image");
  };
}

NameMap name_map() {
  return {{"dockerlogger", {"dockerlogger"}}, {"firewall-logger-agent", {"firewall-logger-agent"}},
          {"cabase", {"cabase"}}, {"imgapi", {"imgapi"}}};
}

std::string change(const std::string& service, const std::string& image) {
  return R"({"service": ")" + service + R"(", "image": ")" + image + "\"}";
}

// What the installer sends: dockerlogger and firewall-logger-agent to their new images.
std::string installer_spec() {
  return "[" + change("dockerlogger", k_dl_new) + ", " + change("firewall-logger-agent", k_fla_new) + "]";
}

Plan exp_plan(const std::string& spec, std::vector<std::string> servers = {},
              SameImage same = SameImage::drop) {
  PlanOptions options;
  options.same_image = same;
  options.servers = std::move(servers);
  return make_plan(parse_spec(spec), dc_state(), name_map(), dc_imgapi(), options);
}

std::string exp_error(const std::string& spec, common::ExitCode code, std::vector<std::string> servers = {}) {
  INFO("spec: " << spec);
  const common::Error e = sdcb_test::error_of([&] { exp_plan(spec, std::move(servers)); });
  CHECK(e.code() == code);
  return e.what();
}

}  // namespace

TEST_CASE("experimental plan: the installer's spec moves dockerlogger and firewall-logger-agent",
          "[fake_sdcadm]") {
  const std::string spec = installer_spec();
  const Plan plan = exp_plan(spec);
  REQUIRE(plan.changes.size() == 2);
  // UpdateAgentV1 comes before UpdateDockerlogger (lib/procedures/index.js:722-880).
  CHECK(plan.changes[0].procedure == Procedure::agent);
  CHECK(plan.changes[0].instances == std::vector<std::size_t>{2, 3});
  CHECK(plan.changes[1].procedure == Procedure::dockerlogger);
  CHECK(plan.changes[1].instances == std::vector<std::size_t>{0, 1});
  State state = dc_state();
  apply_plan(plan, state);
  for (std::size_t i : {0, 1}) CHECK(state.instances()[i]["image"] == k_dl_new);
  for (std::size_t i : {2, 3}) CHECK(state.instances()[i]["image"] == k_fla_new);
  CHECK(state.instances()[2]["version"] == "2.0.0");
  CHECK(state.instances()[4]["image"] == k_old.at("cabase"));  // untouched
  CHECK(state.instances()[5]["image"] == k_old.at("imgapi"));
  CHECK(state.services()[1]["params"]["image_uuid"] == k_fla_new);  // UpdateAgentV1's SAPI bump

  // `up` plans a spec alike (it only leaves agent *arguments* out, cmd_up.cpp).
  const Plan up = make_plan(parse_spec(spec), dc_state(), name_map(), dc_imgapi());
  CHECK(up.changes.size() == 2);
}

TEST_CASE("experimental plan: an agent UpdateAgentV1 does not allow is refused as sdcadm does",
          "[fake_sdcadm]") {
  CHECK_FALSE(agent_update_allowed("cabase"));
  CHECK_FALSE(agent_update_allowed("cainstsvc"));
  CHECK_FALSE(agent_update_allowed("dockerlogger"));  // its own procedure, not UpdateAgentV1
  CHECK(agent_update_allowed("firewall-logger-agent"));
  CHECK(agent_update_allowed("cn-agent"));
  CHECK(exp_error("[" + change("firewall-logger-agent", k_fla_new) + ", " + change("cabase", k_cabase_new) + "]",
                  common::ExitCode::usage) ==
        std::string("do not support the following changes:\n    {\"type\":\"update-service\",\"service\":\"cabase\","
                    "\"image\":\"") + k_cabase_new + "\"}");
  // With -s the real one has already made it "update-instances".
  CHECK(exp_error(change("cabase", k_cabase_new), common::ExitCode::usage, {"headnode"})
            .find("{\"type\":\"update-instances\",\"service\":\"cabase\"") != std::string::npos);
  // dropNoops runs first: cabase already on the image is nothing to do, not an error.
  CHECK(exp_plan(change("cabase", k_old.at("cabase"))).changes.empty());
}

TEST_CASE("experimental plan: image checks as `up`", "[fake_sdcadm]") {
  CHECK(exp_error(change("dockerlogger", k_fla_new), common::ExitCode::bad_data) ==
        std::string("image ") + k_fla_new +
            " (firewall-logger-agent@2.0.0) is invalid for service dockerlogger, valid images must have name "
            "\"dockerlogger\" (update change: {\"service\":\"dockerlogger\",\"image\":\"" + k_fla_new +
            "\",\"type\":\"update-service\"})");
  CHECK(exp_error(change("firewall-logger-agent", "aaaaaaaa-0000-4000-8000-0000000000ff"), common::ExitCode::not_found)
            .find("not in the DC IMGAPI") != std::string::npos);
  CHECK(exp_error(R"({"service": "dockerlogger"})", common::ExitCode::network).find("needs the updates server") !=
        std::string::npos);
  CHECK(exp_error(R"({"service": "dockerlogger", "image": "x"})", common::ExitCode::not_found)
            .find("unknown image \"x\"") != std::string::npos);
}

TEST_CASE("experimental plan: -s SERVERS limits agent changes", "[fake_sdcadm]") {
  const std::string spec = installer_spec();
  const Plan on_cn = exp_plan(spec, {"cn1"});
  REQUIRE(on_cn.changes.size() == 2);
  CHECK(on_cn.changes[0].instances == std::vector<std::size_t>{3});
  CHECK(on_cn.changes[0].servers_chosen);
  CHECK(on_cn.changes[1].instances == std::vector<std::size_t>{1});
  State state = dc_state();
  apply_plan(on_cn, state);
  CHECK(state.instances()[2]["image"] == k_old.at("firewall-logger-agent"));  // the headnode's stays
  CHECK(state.instances()[3]["image"] == k_fla_new);
  CHECK_FALSE(state.services()[1].contains("params"));  // no SAPI bump for some servers only
  CHECK(exp_plan(spec, {k_hn, k_cn}).changes[1].instances.size() == 2);
  CHECK(exp_error(spec, common::ExitCode::usage, {"cn1", "cn9", "x"}) == "unknown servers \"cn9\", \"x\"");
  // updateAgent has mapped -s to uuids by then (index.js:745-747).
  CHECK(exp_error(R"({"instance": "dddddddd-0000-4000-8000-000000000003", "image": ")" + std::string(k_fla_new) + "\"}",
                  common::ExitCode::usage, {"cn1"}) ==
        "Instance \"dddddddd-0000-4000-8000-000000000003\" is not on server(s) \"" + std::string(k_cn) + "\"");
}

TEST_CASE("experimental plan: same image dropped unless forced; the fault knob's command", "[fake_sdcadm]") {
  CHECK(exp_plan(change("dockerlogger", k_old.at("dockerlogger"))).changes.empty());
  CHECK(exp_plan(change("dockerlogger", k_old.at("dockerlogger")), {}, SameImage::force).changes.size() == 1);
  const Fault f = parse_fault_env("update:dockerlogger");
  CHECK(fault_matches(f, "update", "dockerlogger"));
  CHECK_FALSE(fault_matches(f, "up", "dockerlogger"));
}
