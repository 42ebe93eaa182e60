// How the installer sends each core service to `sdcadm up`, per sdcadm 1.39.0's
// coordinatePlan (installer/sdcadm_routes.hpp): every case is one the real planner refuses
// or silently drops when the installer sends the naive form.

#include <installer/sdcadm_routes.hpp>

#include <catch2/catch.hpp>

using namespace installer;

namespace {

UpShape shape(std::size_t instances, bool newer_left = false, bool on_headnode = true) {
  UpShape s;
  s.instances = instances;
  s.newer_left = newer_left;
  s.on_headnode = on_headnode;
  return s;
}

}  // namespace

TEST_CASE("routes: every service sdcadm knows has its procedure; dapi has none") {
  CHECK(up_procedure("napi") == UpProcedure::stateless);
  CHECK(up_procedure("rabbitmq") == UpProcedure::stateless);
  CHECK(up_procedure("papi") == UpProcedure::stateless_ha);
  CHECK(up_procedure("portolan") == UpProcedure::stateless_ha);
  CHECK(up_procedure("imgapi") == UpProcedure::imgapi_headnode);
  CHECK(up_procedure("manatee") == UpProcedure::manatee);
  CHECK(up_procedure("dapi") == UpProcedure::none);
  CHECK(up_procedure("zookeeper") == UpProcedure::none);
  const UpRoute dapi = up_route("dapi", shape(1), {});
  CHECK(dapi.form == UpForm::held);
  CHECK_THAT(dapi.reason, Catch::Contains("no procedure to update \"dapi\""));
}

TEST_CASE("routes: rabbitmq is held back unless the operator includes it; portolan needs --force-data-path") {
  const UpRoute held = up_route("rabbitmq", shape(1), {});
  CHECK(held.form == UpForm::held);
  CHECK_THAT(held.reason, Catch::Contains("--include-rabbitmq"));
  CHECK(up_route("rabbitmq", shape(1), UpPolicy{true}).form == UpForm::service);
  CHECK(needs_force_rabbitmq("rabbitmq"));
  CHECK_FALSE(needs_force_rabbitmq("portolan"));
  CHECK(up_route("portolan", shape(1), {}).form == UpForm::service);
  CHECK(needs_force_data_path("portolan"));
  CHECK_FALSE(needs_force_data_path("rabbitmq"));
}

TEST_CASE("routes: a stateless service of several instances goes one instance at a time") {
  CHECK(up_route("napi", shape(1), {}).form == UpForm::service);
  const UpRoute two = up_route("napi", shape(2), {});
  CHECK(two.form == UpForm::instances);
  CHECK_THAT(two.reason, Catch::Contains("2 instances"));
  UpShape anonymous = shape(2);
  anonymous.instance_ids = false;
  CHECK(up_route("napi", anonymous, {}).form == UpForm::held);
  UpShape empty;
  empty.params_only = true;
  CHECK(up_route("napi", empty, {}).form == UpForm::service);  // "Only the service configuration"
}

TEST_CASE("routes: HA services, moray, sapi and binder split only around newer instances") {
  for (const char* s : {"papi", "cloudapi", "moray", "sapi", "binder"}) {
    CAPTURE(s);
    CHECK(up_route(s, shape(3), {}).form == UpForm::service);  // sdcadm skips those on the target
    CHECK(up_route(s, shape(3, true), {}).form == UpForm::instances);
  }
  UpShape empty;
  empty.params_only = true;
  CHECK(up_route("papi", empty, {}).form == UpForm::service);
  CHECK(up_route("moray", empty, {}).form == UpForm::held);
}

TEST_CASE("routes: manatee only as a whole service, held when an instance is newer") {
  CHECK(up_route("manatee", shape(3), {}).form == UpForm::service);
  const UpRoute newer = up_route("manatee", shape(3, true), {});
  CHECK(newer.form == UpForm::held);
  CHECK_THAT(newer.reason, Catch::Contains("only as a whole service"));
  CHECK_THAT(newer.reason, Catch::Contains("--force"));
}

TEST_CASE("routes: imgapi only as its single instance on the headnode") {
  CHECK(up_route("imgapi", shape(1), {}).form == UpForm::service);
  CHECK(up_route("imgapi", shape(2), {}).form == UpForm::held);
  const UpRoute elsewhere = up_route("imgapi", shape(1, false, false), {});
  CHECK(elsewhere.form == UpForm::held);
  CHECK_THAT(elsewhere.reason, Catch::Contains("not all on the headnode"));
}
