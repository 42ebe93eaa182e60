// The exact plan text (DESIGN.md's break-out) and the JSON form.

#include "fixtures.hpp"

#include <installer/apply.hpp>
#include <installer/plan_text.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace installer;
using namespace test_fixtures;

namespace {

Plan sample_plan(Force force) {
  static const manifest::BundleIndex index = make_index(
      {{"service-image", "papi", 10, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gaaa"},
       {"service-image", "vmapi", 12, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gbbb"},
       {"service-image", "moray", 13, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gccc"},
       {"service-image", "sapi", 14, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gddd"}});
  const std::vector<Inst> insts = {{"papi", 1}, {"papi", 1}, {"papi", 2}, {"papi", 10}, {"vmapi", 3},
                                   {"moray", 13}, {"sapi", 1}};
  PlanInputs in;
  in.index = &index;
  in.dc = dc_state(insts);
  in.lookup = lookup({{1, "2025-01-01T00:00:00Z"}, {2, "2025-01-02T00:00:00Z"}, {3, "2025-03-01T00:00:00Z"},
                      {10, "2025-02-01T00:00:00Z"}, {12, "2025-02-01T00:00:00Z"}, {13, "2025-02-01T00:00:00Z"}});
  return make_plan(in, with_force(force));
}

}  // namespace

TEST_CASE("plan text: updated, mixed, downgrade left alone, up to date") {
  const std::string expected =
      "Plan for bundle b0000000-0000-4000-8000-000000000001:\n"
      "summary:\n"
      "    images:    import 1 image (14.0 KiB) into the DC IMGAPI\n"
      "    services:  update 2 services (4 instances), 2 up to date\n"
      "    agents:    unchanged\n"
      "    sdcadm:    not in this bundle\n"
      "    gz-tools:  not in this bundle\n"
      "    platform:  not in this bundle\n"
      "    bytes:     14.0 KiB into IMGAPI, 0 B of files sdcadm installs\n"
      "    steps:     stage, import, update-other, up-services, up-sapi\n"
      "details:\n"
      "import 1 image (14.0 KiB) from bundle:\n"
      "    image 00000000-0000-4000-8000-000000000014 (sapi@master-20250201T000000Z-gddd)\n"
      "run sdcadm experimental update-other\n"
      "update \"papi\" service (4 instances) to image 00000000-0000-4000-8000-000000000010 "
      "(papi@master-20250201T000000Z-gaaa):\n"
      "    2 instances will be updated from image 00000000-0000-4000-8000-000000000001 (master-2024-g1)\n"
      "    1 instance will be updated from image 00000000-0000-4000-8000-000000000002 (master-2024-g2)\n"
      "    1 instance already at image 00000000-0000-4000-8000-000000000010\n"
      "update \"sapi\" service (1 instance) to image 00000000-0000-4000-8000-000000000014 "
      "(sapi@master-20250201T000000Z-gddd):\n"
      "    1 instance will be updated from image 00000000-0000-4000-8000-000000000001 (master-2024-g1)\n"
      "amon probes: not updated (the DC has no amon instance)\n"
      "already up to date:\n"
      "    \"vmapi\" (1 instance left at newer image 00000000-0000-4000-8000-000000000003)\n"
      "    \"moray\" (1 instance at image 00000000-0000-4000-8000-000000000013)\n";
  CHECK(plan_text(sample_plan(Force::no)) == expected);
}

TEST_CASE("plan text: forced same-image and forced downgrade") {
  const std::string expected =
      "Plan for bundle b0000000-0000-4000-8000-000000000001 (--force):\n"
      "summary:\n"
      "    images:    import 1 image (14.0 KiB) into the DC IMGAPI\n"
      "    services:  update 4 services (7 instances)\n"
      "    agents:    unchanged\n"
      "    sdcadm:    not in this bundle\n"
      "    gz-tools:  not in this bundle\n"
      "    platform:  not in this bundle\n"
      "    bytes:     14.0 KiB into IMGAPI, 0 B of files sdcadm installs\n"
      "    steps:     stage, import, update-other, up-services, up-sapi, up-moray\n"
      "details:\n"
      "import 1 image (14.0 KiB) from bundle:\n"
      "    image 00000000-0000-4000-8000-000000000014 (sapi@master-20250201T000000Z-gddd)\n"
      "run sdcadm experimental update-other\n"
      "update \"papi\" service (4 instances) to image 00000000-0000-4000-8000-000000000010 "
      "(papi@master-20250201T000000Z-gaaa):\n"
      "    2 instances will be updated from image 00000000-0000-4000-8000-000000000001 (master-2024-g1)\n"
      "    1 instance will be updated from image 00000000-0000-4000-8000-000000000002 (master-2024-g2)\n"
      "    1 instance forced same-image update at image 00000000-0000-4000-8000-000000000010\n"
      "update \"vmapi\" service (1 instance) to image 00000000-0000-4000-8000-000000000012 "
      "(vmapi@master-20250201T000000Z-gbbb):\n"
      "    1 instance forced downgrade from image 00000000-0000-4000-8000-000000000003 (master-2024-g3)\n"
      "update \"sapi\" service (1 instance) to image 00000000-0000-4000-8000-000000000014 "
      "(sapi@master-20250201T000000Z-gddd):\n"
      "    1 instance will be updated from image 00000000-0000-4000-8000-000000000001 (master-2024-g1)\n"
      "update \"moray\" service (1 instance) to image 00000000-0000-4000-8000-000000000013 "
      "(moray@master-20250201T000000Z-gccc):\n"
      "    1 instance forced same-image update at image 00000000-0000-4000-8000-000000000013\n"
      "amon probes: not updated (the DC has no amon instance)\n";
  CHECK(plan_text(sample_plan(Force::yes)) == expected);
}

TEST_CASE("plan text: nothing to do") {
  static const manifest::BundleIndex index = make_index({{"service-image", "imgapi", 10, "2025-02-01T00:00:00Z", "v10"}});
  const std::vector<Inst> insts = {{"imgapi", 10}};
  PlanInputs in;
  in.index = &index;
  in.dc = dc_state(insts);
  in.lookup = lookup({{10, "2025-02-01T00:00:00Z"}});
  CHECK(plan_text(make_plan(in, {})) ==
        "Plan for bundle b0000000-0000-4000-8000-000000000001:\n"
        "already up to date:\n"
        "    \"imgapi\" (1 instance at image 00000000-0000-4000-8000-000000000010)\n"
        "Nothing to do: the DC already runs what this bundle offers.\n");
}

TEST_CASE("plan: alarm-config after the last up, only with core zone changes, amon and sdc") {
  static const manifest::BundleIndex index = make_index(
      {{"service-image", "papi", 10, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gaaa"},
       {"service-image", "sapi", 14, "2025-02-01T00:00:00.000Z", "master-20250201T000000Z-gddd"}});
  auto plan_for = [](const std::vector<Inst>& insts) {
    PlanInputs in;
    in.index = &index;
    in.dc = dc_state(insts);
    in.lookup = lookup({{1, "2025-01-01T00:00:00Z"}, {10, "2025-02-01T00:00:00Z"}, {14, "2025-02-01T00:00:00Z"}});
    return make_plan(in, {});
  };
  const Plan moving = plan_for({{"papi", 1}, {"sapi", 1}, {"amon", 1}, {"sdc", 1}});
  CHECK(moving.alarms.run);
  CHECK(moving.alarms.possible);
  const auto steps = plan_step_names(moving);
  REQUIRE(steps.size() >= 2);
  CHECK(steps[steps.size() - 2] == "up-sapi");
  CHECK(steps.back() == "alarm-config");
  CHECK(plan_text(moving).find("up-sapi, alarm-config\n") != std::string::npos);
  CHECK(plan_text(moving).find("update amon probes with sdc-amonadm update (after the core zone changes)\n") !=
        std::string::npos);
  CHECK(plan_json(moving)["alarms"]["run"] == true);

  const Plan current = plan_for({{"papi", 10}, {"sapi", 14}, {"amon", 1}, {"sdc", 1}});
  CHECK_FALSE(current.alarms.run);
  CHECK(current.alarms.possible);
  CHECK(current.alarms.reason == "no core zone changes in this plan (amon probes follow core zones only)");
  CHECK(plan_json(current)["alarms"]["run"] == false);

  const Plan no_sdc = plan_for({{"papi", 1}, {"amon", 1}});
  CHECK_FALSE(no_sdc.alarms.run);
  CHECK(no_sdc.alarms.reason == "the DC has no sdc instance (sdc-amonadm runs in the sdc zone)");
  CHECK(plan_text(no_sdc).find("amon probes: not updated (the DC has no sdc instance") != std::string::npos);
  const Plan no_amon = plan_for({{"papi", 1}, {"sdc", 1}});
  CHECK_FALSE(no_amon.alarms.possible);
  CHECK(no_amon.alarms.reason == "the DC has no amon instance");
  const auto no_amon_steps = plan_step_names(no_amon);
  CHECK(std::find(no_amon_steps.begin(), no_amon_steps.end(), "alarm-config") == no_amon_steps.end());
}

TEST_CASE("plan json: groups and counts") {
  const common::Json j = plan_json(sample_plan(Force::no));
  CHECK(j["changes"] == true);
  CHECK(j["services"][0]["service"] == "papi");
  CHECK(j["services"][0]["groups"][0]["kind"] == "update");
  CHECK(j["services"][0]["groups"][0]["count"] == 2);
  CHECK(j["services"][1]["dropped"][0]["reason"] == "downgrade");
  CHECK(j["imports"].size() == 1);
  CHECK(j["steps"] == common::Json::array({"stage", "import", "update-other", "up-services", "up-sapi"}));
}

TEST_CASE("plan text: only imports (the DC runs newer) says apply only stages and imports") {
  static const manifest::BundleIndex index = make_index({{"service-image", "assets", 10, "2025-01-01T00:00:00Z", "v10"}});
  const std::vector<Inst> insts = {{"assets", 11}};
  PlanInputs in;
  in.index = &index;
  in.dc = dc_state(insts);
  in.lookup = lookup({{11, "2025-02-01T00:00:00Z"}});  // the DC's image is newer; image 10 is not in IMGAPI
  const Plan plan = make_plan(in, {});
  REQUIRE(plan.imports.size() == 1);
  CHECK_FALSE(plan.has_changes());
  CHECK(plan_step_names(plan) == std::vector<std::string>{"stage", "import"});
  const std::string text = plan_text(plan);
  CHECK(text.find("    steps:     stage, import\n") != std::string::npos);
  CHECK(text.find("Nothing to do") == std::string::npos);
  CHECK(text.find("Nothing else to do: the DC already runs what this bundle offers (or newer); apply only stages "
                  "the bundle and imports its 1 image into the DC IMGAPI.\n") != std::string::npos);
}
