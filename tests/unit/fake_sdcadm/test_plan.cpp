#include "state_support.hpp"

#include <tools/fake_sdcadm/plan.hpp>

#include <common/error.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace fake_sdcadm;
using namespace fake_sdcadm_test;

namespace {

manifest::ImageManifest image(const std::string& uuid, const std::string& name, const std::string& state = "active") {
  return manifest::ImageManifest::from_json(
      common::Json{{"uuid", uuid}, {"name", name}, {"version", name + "-v2"}, {"state", state}}, "test image");
}

const char* k_agent = "aaaaaaaa-0000-4000-8000-000000000009";

// A DC IMGAPI with k_new = imgapi, k_other = mantav2-nameservice (binder's first name),
// k_agent = vm-agent.
struct Dc {
  std::map<std::string, manifest::ImageManifest> images;
  int lookups = 0;
  ImageLookup lookup() {
    return [this](const std::string& uuid) -> std::optional<manifest::ImageManifest> {
      ++lookups;
      const auto it = images.find(uuid);
      if (it == images.end()) return std::nullopt;
      return it->second;
    };
  }
};

Dc make_dc() {
  Dc dc;
  dc.images.emplace(k_new, image(k_new, "imgapi"));
  dc.images.emplace(k_other, image(k_other, "mantav2-nameservice"));
  dc.images.emplace(k_agent, image(k_agent, "vm-agent"));
  return dc;
}

NameMap names() { return {{"imgapi", {"imgapi"}}, {"binder", {"mantav2-nameservice", "manta-nameservice"}}, {"vm-agent", {"vm-agent"}}}; }

Plan plan_for(const std::string& spec, Dc& dc, SameImage same = SameImage::drop) {
  const State state = State::parse(state_text(), "state");
  PlanOptions options;
  options.same_image = same;
  return make_plan(parse_spec(spec), state, names(), dc.lookup(), options);
}

std::string plan_error(const std::string& spec, common::ExitCode code) {
  Dc dc = make_dc();
  INFO("spec: " << spec);
  const common::Error e = sdcb_test::error_of([&] { plan_for(spec, dc); });
  CHECK(e.code() == code);
  return e.what();
}

}  // namespace

TEST_CASE("plan: a service moves to an image from the DC IMGAPI", "[fake_sdcadm]") {
  Dc dc = make_dc();
  State state = State::parse(state_text(), "state");
  const Plan plan = make_plan(parse_spec(std::string(R"({"service": "imgapi", "image": ")") + k_new + "\"}"),
                              state, names(), dc.lookup());
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].instances == std::vector<std::size_t>{0});
  apply_plan(plan, state);
  CHECK(state.instances()[0]["image"] == k_new);
  CHECK(state.instances()[0]["version"] == "imgapi-v2");
  CHECK(state.services()[0]["params"]["image_uuid"] == k_new);
  CHECK(state.instances()[1]["image"] == k_other);  // binder untouched
}

TEST_CASE("plan: a multi-name service accepts each of its names; instances by alias", "[fake_sdcadm]") {
  Dc dc = make_dc();
  // binder0 already runs k_other: a no-op unless forced.
  CHECK(plan_for(std::string(R"({"instance": "binder0", "image": ")") + k_other + "\"}", dc).changes.empty());
  const Plan forced = plan_for(std::string(R"({"instance": "binder0", "image": ")") + k_other + "\"}", dc,
                               SameImage::force);
  REQUIRE(forced.changes.size() == 1);
  CHECK(forced.changes[0].service == "binder");
}

TEST_CASE("plan: an agent {service, server} change is skipped, and never looked up", "[fake_sdcadm]") {
  Dc dc = make_dc();
  const Plan plan = plan_for(R"([{"service": "vm-agent", "server": "headnode"}])", dc);
  CHECK(plan.changes.empty());
  CHECK(plan.skipped.size() == 1);
  CHECK(dc.lookups == 0);
  // Skipped, but still a change for checkForConflictingChanges: an update-instance without
  // instance (lib/sdcadm.js:1789-1800, 2224-2236).
  CHECK(sdcb_test::message_of([&] {
          plan_for(std::string(R"([{"service": "vm-agent", "image": ")") + k_agent +
                       R"("}, {"service": "vm-agent", "server": "headnode"}])",
                   dc);
        }) == "conflict: cannot make changes to a service and an instance of that service: "
              R"({"type":"update-instance","service":"vm-agent"} and {"type":"update-service","service":"vm-agent"})");
}

TEST_CASE("plan: an agent on stdin is planned by `up` too (UpdateAgentV1)", "[fake_sdcadm]") {
  Dc dc = make_dc();
  const Plan plan = plan_for(std::string(R"({"service": "vm-agent", "image": ")") + k_agent + "\"}", dc);
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].procedure == Procedure::agent);
}

TEST_CASE("plan: refusals in sdcadm's words", "[fake_sdcadm]") {
  using common::ExitCode;
  const std::string img = k_new;
  // normalizeChanges' errors, as node-cmdln prints vasync's MultiError (one: its message).
  CHECK(plan_error(R"({"service": "binder", "image": ")" + img + "\"}", ExitCode::bad_data) ==
        "image " + img + " (imgapi@imgapi-v2) is invalid for service binder, valid images "
        "must have name \"mantav2-nameservice\" or \"manta-nameservice\" (update change: "
        "{\"service\":\"binder\",\"image\":\"" + img + "\",\"type\":\"update-service\"})");
  CHECK(plan_error(R"({"service": "imgapi", "image": "aaaaaaaa-0000-4000-8000-00000000000f"})", ExitCode::not_found)
            .rfind("unknown image \"aaaaaaaa-0000-4000-8000-00000000000f\" from "
                   "{\"service\":\"imgapi\",\"image\":\"aaaaaaaa-0000-4000-8000-00000000000f\",\"type\":"
                   "\"update-service\"} (not in the DC IMGAPI",
                   0) == 0);
  CHECK(plan_error(R"({"service": "imgapi", "image": "not-a-uuid"})", ExitCode::not_found)
            .rfind("unknown image \"not-a-uuid\" from ", 0) == 0);
  CHECK(plan_error(R"({"service": "nope", "image": ")" + img + "\"}", ExitCode::usage) ==
        "unknown service \"nope\" from {\"service\":\"nope\",\"image\":\"" + img +
            "\",\"type\":\"update-service\"}");
  CHECK(plan_error(R"({"instance": "nope0", "image": ")" + img + "\"}", ExitCode::usage) ==
        "unknown SDC instance or service \"nope0\" from {\"instance\":\"nope0\",\"image\":\"" + img +
            "\",\"type\":\"update-instance\"}");
  CHECK(plan_error(R"({"service": "vm-agent", "server": "cn9"})", ExitCode::usage) ==
        R"(unknown SDC server "cn9" from {"service":"vm-agent","server":"cn9","type":"update-instance"})");
  // Several: "N errors:", one per line, the ones needing no lookup first (cmdln.js:1466-1481).
  CHECK(plan_error(R"([{"service": "binder", "image": ")" + img + R"("}, {"service": "nope", "image": ")" + img + "\"}]",
                   ExitCode::usage)
            .rfind("2 errors:\n    unknown service \"nope\"", 0) == 0);
  CHECK(plan_error(R"({"service": "imgapi"})", ExitCode::network).find("needs the updates server") !=
        std::string::npos);
  CHECK(plan_error(R"({"service": "imgapi", "version": "1"})", ExitCode::not_found)
            .rfind("unknown image \"1\" from ", 0) == 0);
  Dc dc = make_dc();
  dc.images.erase(k_new);
  dc.images.emplace(k_new, image(k_new, "imgapi", "unactivated"));
  CHECK(sdcb_test::message_of([&] { plan_for(R"({"service": "imgapi", "image": ")" + img + "\"}", dc); })
            .find("\"unactivated\" in the DC IMGAPI") != std::string::npos);
}

TEST_CASE("plan: conflicts as checkForConflictingChanges names them", "[fake_sdcadm]") {
  using common::ExitCode;
  const std::string img = k_new;
  const std::string inst = "dddddddd-0000-4000-8000-000000000001";  // imgapi0
  // lib/sdcadm.js:2166-2236: {type, service[, instance]}, this change and the earlier one.
  CHECK(plan_error(R"([{"service": "imgapi", "image": ")" + img + R"("}, {"service": "imgapi", "image": ")" + img +
                       "\"}]",
                   ExitCode::usage) ==
        R"(conflict: cannot make multiple changes to the same service: {"type":"update-service","service":"imgapi"})"
        R"( and {"type":"update-service","service":"imgapi"})");
  CHECK(plan_error(R"([{"instance": "imgapi0", "image": ")" + img + R"("}, {"instance": ")" + inst + R"(", "image": ")" +
                       img + "\"}]",
                   ExitCode::usage) ==
        R"(conflict: cannot make multiple changes to the same instance: {"type":"update-instance","service":"imgapi",)"
        R"("instance":")" + inst + R"("} and {"type":"update-instance","service":"imgapi","instance":")" + inst + R"("})");
  CHECK(plan_error(R"([{"service": "imgapi", "image": ")" + img + R"("}, {"instance": "imgapi0", "image": ")" + img +
                       "\"}]",
                   ExitCode::usage) ==
        R"(conflict: cannot make changes to a service and an instance of that service: {"type":"update-instance",)"
        R"("service":"imgapi","instance":")" + inst + R"("} and {"type":"update-service","service":"imgapi"})");
}
