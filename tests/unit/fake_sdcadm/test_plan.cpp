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

// A DC IMGAPI with k_new = imgapi, k_other = mantav2-nameservice (binder's first name).
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
  return dc;
}

NameMap names() { return {{"imgapi", {"imgapi"}}, {"binder", {"mantav2-nameservice", "manta-nameservice"}}, {"vm-agent", {"vm-agent"}}}; }

Plan plan_for(const std::string& spec, Dc& dc, SameImage same = SameImage::drop) {
  const State state = State::parse(state_text(), "state");
  return make_plan(parse_spec(spec), state, names(), dc.lookup(), same);
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
                              state, names(), dc.lookup(), SameImage::drop);
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

TEST_CASE("plan: agents are skipped, and never looked up", "[fake_sdcadm]") {
  Dc dc = make_dc();
  const Plan plan = plan_for(std::string(R"([{"service": "vm-agent", "image": ")") + k_new +
                                 R"("}, {"service": "vm-agent", "server": "headnode"}])",
                             dc);
  CHECK(plan.changes.empty());
  CHECK(plan.skipped.size() == 2);
  CHECK(dc.lookups == 0);
}

TEST_CASE("plan: refusals", "[fake_sdcadm]") {
  using common::ExitCode;
  CHECK(plan_error(std::string(R"({"service": "binder", "image": ")") + k_new + "\"}", ExitCode::bad_data) ==
        std::string("image ") + k_new + " (imgapi@imgapi-v2) is invalid for service binder, valid images "
        "must have name \"mantav2-nameservice\", \"manta-nameservice\"");
  CHECK(plan_error(R"({"service": "imgapi", "image": "aaaaaaaa-0000-4000-8000-00000000000f"})", ExitCode::not_found)
            .find("is not in the DC IMGAPI") != std::string::npos);
  CHECK(plan_error(std::string(R"({"service": "nope", "image": ")") + k_new + "\"}", ExitCode::usage)
            .rfind("unknown service \"nope\" from ", 0) == 0);
  CHECK(plan_error(std::string(R"({"instance": "nope0", "image": ")") + k_new + "\"}", ExitCode::usage)
            .rfind("unknown instance \"nope0\"", 0) == 0);
  CHECK(plan_error(R"({"service": "imgapi"})", ExitCode::network).find("needs the updates server") !=
        std::string::npos);
  CHECK(plan_error(R"({"service": "imgapi", "version": "1"})", ExitCode::network).find("version \"1\"") !=
        std::string::npos);
  CHECK(plan_error(std::string(R"([{"service": "imgapi", "image": ")") + k_new +
                       R"("}, {"instance": "imgapi0", "image": ")" + k_new + "\"}]",
                   ExitCode::usage)
            .rfind("conflicting changes", 0) == 0);
  Dc dc = make_dc();
  dc.images.erase(k_new);
  dc.images.emplace(k_new, image(k_new, "imgapi", "unactivated"));
  try {
    plan_for(std::string(R"({"service": "imgapi", "image": ")") + k_new + "\"}", dc);
    FAIL("unactivated image accepted");
  } catch (const common::Error& e) {
    CHECK(std::string(e.what()).find("\"unactivated\" in the DC IMGAPI") != std::string::npos);
  }
}
