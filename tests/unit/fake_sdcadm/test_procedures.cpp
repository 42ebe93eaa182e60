// `sdcadm up` planning as genUpdatePlan + coordinatePlan do it (sdcadm 1.39.0, 7fb53d9):
// the rabbitmq / portolan locks after dropNoops, dropNoops over all of a service's
// instances, and coordinatePlan's procedures: what each takes, what it refuses, what it
// drops without a word (and then must not move). Expected texts are the real planner's
// (checked with ../shared/tools/real-sdcadm-planner on the same DC shapes).
#include <tools/fake_sdcadm/plan.hpp>
#include <tools/fake_sdcadm/procedures.hpp>

#include <common/error.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace fake_sdcadm;

namespace {

// A DC built change by change: images, services, instances (aliases <svc>N), servers by hostname.
class Dc {
 public:
  // A new image NAME at "master-STAMP-g0000000"; returns its uuid.
  std::string image(const std::string& name, const std::string& stamp = "20250101T000000Z") {
    const std::string uuid = "aaaaaaaa-0000-4000-8000-" + hex12(m_images.size() + 1);
    m_images.emplace(uuid, common::Json{{"uuid", uuid}, {"name", name}, {"version", "master-" + stamp + "-g0000000"},
                                        {"state", "active"}});
    return uuid;
  }
  // SERVICE gets one more instance on IMAGE, on the server called HOSTNAME.
  Dc& add(const std::string& service, const std::string& image, const std::string& hostname = "headnode") {
    if (m_services.count(service) == 0) m_services[service] = image;
    const std::string n = std::to_string(m_count[service]++);
    const std::string uuid = "dddddddd-0000-4000-8000-" + hex12(m_instances.size() + 1);
    const std::string server = "eeeeeeee-0000-4000-8000-" + hex12(hostname == "headnode" ? 1 : 2);
    m_instances.push_back({{"type", "vm"}, {"service", service}, {"alias", service + n}, {"instance", uuid},
                           {"zonename", uuid}, {"image", image}, {"version", m_images.at(image)["version"]},
                           {"state", "running"}, {"server", server}, {"hostname", hostname},
                           {"server_ip", "10.0.0.1"}});
    return *this;
  }
  // A service with no instance, SAPI params.image_uuid = IMAGE.
  Dc& empty_service(const std::string& service, const std::string& image) {
    m_services[service] = image;
    return *this;
  }
  State state() const {
    common::Json services = common::Json::array();
    int n = 0;
    for (const auto& [name, image] : m_services) {
      services.push_back({{"uuid", "cccccccc-0000-4000-8000-" + hex12(++n)}, {"name", name}, {"type", "vm"},
                          {"params", {{"image_uuid", image}}}});
    }
    const common::Json doc = {{"sdcadm", {{"version", "1.39.1"},
                                          {"buildstamp", "release-20250116-20250205T062404Z-g078205b"},
                                          {"image", "bbbbbbbb-0000-4000-8000-000000000001"}}},
                              {"services", services},
                              {"instances", m_instances}};
    return State::parse(common::dump_json(doc, -1), "state");
  }
  ImageLookup lookup() const {
    return [images = m_images](const std::string& uuid) -> std::optional<manifest::ImageManifest> {
      const auto it = images.find(uuid);
      if (it == images.end()) return std::nullopt;
      return manifest::ImageManifest::from_json(it->second, "image");
    };
  }
  Plan plan(const std::string& spec, const PlanOptions& options = {}) const {
    return make_plan(parse_spec(spec), state(), names(), lookup(), options);
  }
  std::string error(const std::string& spec, const PlanOptions& options = {}) const {
    INFO("spec: " << spec);
    return sdcb_test::message_of([&] { plan(spec, options); });
  }
  // The images of SERVICE's instances after `sdcadm up` ran SPEC, in alias order.
  std::vector<std::string> after(const std::string& spec, const std::string& service,
                                 const PlanOptions& options = {}) const {
    State s = state();
    apply_plan(plan(spec, options), s);
    std::vector<std::string> out;
    for (const common::Json& in : s.instances()) {
      if (in["service"] == service) out.push_back(in["image"].get<std::string>());
    }
    return out;
  }
  const std::string& uuid_of(const std::string& alias) const {
    for (const common::Json& in : m_instances) {
      if (in["alias"] == alias) return in["instance"].get_ref<const std::string&>();
    }
    throw std::runtime_error("no instance " + alias);
  }

  static NameMap names() { return name_map_from_config(common::parse_json(sdcadm_defaults_json(), "defaults"), "defaults"); }

 private:
  static std::string hex12(std::size_t n) {
    std::string s = std::to_string(n);
    return std::string(12 - s.size(), '0') + s;
  }
  std::map<std::string, common::Json> m_images;
  std::map<std::string, std::string> m_services;  // name -> params.image_uuid
  std::map<std::string, int> m_count;
  common::Json m_instances = common::Json::array();
};

std::string svc(const std::string& service, const std::string& image) {
  return R"({"service": ")" + service + R"(", "image": ")" + image + "\"}";
}
std::string inst(const std::string& instance, const std::string& image) {
  return R"({"instance": ")" + instance + R"(", "image": ")" + image + "\"}";
}
std::string list(std::initializer_list<std::string> changes) {
  std::string out;
  for (const std::string& c : changes) out += (out.empty() ? "" : ", ") + c;
  return "[" + out + "]";
}

PlanOptions with(bool rabbitmq, bool data_path, SameImage same = SameImage::drop) {
  PlanOptions o;
  o.force_rabbitmq = rabbitmq;
  o.force_data_path = data_path;
  o.same_image = same;
  return o;
}

}  // namespace

TEST_CASE("procedures: rabbitmq is locked unless --force-rabbitmq, after dropNoops", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_r = dc.image("rabbitmq", "20240101T000000Z"), new_r = dc.image("rabbitmq");
  dc.add("rabbitmq", old_r);
  // lib/sdcadm.js:2322-2339; JSON.stringify drops the undefined instance.
  CHECK(dc.error(svc("rabbitmq", new_r)) ==
        R"(rabbitmq updates are locked: {"type":"update-service","service":"rabbitmq"} (use --force-rabbitmq flag))");
  CHECK(dc.error(inst("rabbitmq0", new_r)) ==
        R"(rabbitmq updates are locked: {"type":"update-instance","service":"rabbitmq","instance":")" +
            dc.uuid_of("rabbitmq0") + R"("} (use --force-rabbitmq flag))");
  // Already on the image: dropped before the lock looks.
  CHECK(dc.plan(svc("rabbitmq", old_r)).changes.empty());
  const Plan forced = dc.plan(svc("rabbitmq", new_r), with(true, false));
  REQUIRE(forced.changes.size() == 1);
  CHECK(forced.changes[0].procedure == Procedure::stateless);
  CHECK(dc.after(svc("rabbitmq", new_r), "rabbitmq", with(true, false)) == std::vector<std::string>{new_r});
}

TEST_CASE("procedures: portolan is locked unless --force-data-path; rabbitmq is checked first", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_p = dc.image("portolan", "20240101T000000Z"), new_p = dc.image("portolan");
  const std::string old_r = dc.image("rabbitmq", "20240101T000000Z"), new_r = dc.image("rabbitmq");
  dc.add("portolan", old_p).add("rabbitmq", old_r);
  CHECK(dc.error(svc("portolan", new_p)) ==
        R"(portolan updates are locked: {"type":"update-service","service":"portolan"} (use --force-data-path flag))");
  CHECK(dc.error(inst("portolan0", new_p), with(true, false)) ==
        R"(portolan updates are locked: {"type":"update-instance","service":"portolan","instance":")" +
            dc.uuid_of("portolan0") + R"("} (use --force-data-path flag))");
  const std::string both = list({svc("portolan", new_p), svc("rabbitmq", new_r)});
  CHECK(dc.error(both).rfind("rabbitmq updates are locked", 0) == 0);
  CHECK(dc.error(both, with(true, false)).rfind("portolan updates are locked", 0) == 0);
  CHECK(dc.plan(both, with(true, true)).changes.size() == 2);
  CHECK(dc.plan(svc("portolan", old_p)).changes.empty());  // no-op: not refused
}

TEST_CASE("procedures: manatee only as a whole service, all of its instances", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_m = dc.image("sdc-postgres", "20240101T000000Z"), new_m = dc.image("sdc-postgres");
  dc.add("manatee", old_m).add("manatee", new_m, "cn1");
  // lib/procedures/index.js:557-562, whether or not the instance is already on the image.
  CHECK(dc.error(inst("manatee0", new_m)) == "Individual update of manatee instances is not allowed");
  CHECK(dc.error(inst(dc.uuid_of("manatee1"), old_m)) == "Individual update of manatee instances is not allowed");
  // Two: VError.errorFromList, as node-cmdln prints it (cmdln.js:1466-1481).
  CHECK(dc.error(list({inst("manatee0", new_m), inst("manatee1", old_m)})) ==
        "2 errors:\n    Individual update of manatee instances is not allowed\n"
        "    Individual update of manatee instances is not allowed");
  const Plan plan = dc.plan(svc("manatee", new_m));
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].procedure == Procedure::manatee);
  CHECK(plan.changes[0].instances == std::vector<std::size_t>{0, 1});  // UpdateManateeV2 gets them all
  CHECK(dc.after(svc("manatee", new_m), "manatee") == std::vector<std::string>{new_m, new_m});
  const std::vector<std::string> text = plan_summary(plan, dc.state());
  REQUIRE(text.size() == 4);
  CHECK(text[0] == "    update \"manatee\" service to image " + new_m + ":");
  CHECK(text[1] == "        (sdc-postgres@master-20250101T000000Z-g0000000)");
  CHECK(text[3] == "        instance \"" + dc.uuid_of("manatee1") + "\" (manatee1) in server eeeeeeee-0000-4000-8000-000000000002");
}

TEST_CASE("procedures: a simple service with several instances is dropped silently, or refused alone",
          "[fake_sdcadm]") {
  Dc dc;
  const std::string old_n = dc.image("napi", "20240101T000000Z"), new_n = dc.image("napi");
  const std::string old_v = dc.image("vmapi", "20240101T000000Z"), new_v = dc.image("vmapi");
  dc.add("napi", old_n).add("napi", old_n).add("vmapi", old_v);
  // With vmapi, UpdateStatelessServices takes vmapi and the napi change disappears: exit 0,
  // napi stays where it is (index.js:263-270, then `changes = remaining` at 279 only when one was handled).
  const std::string spec = list({svc("napi", new_n), svc("vmapi", new_v)});
  const Plan plan = dc.plan(spec);
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].service == "vmapi");
  REQUIRE(plan.dropped.size() == 1);
  CHECK(plan.dropped[0].service == "napi");
  CHECK(dc.after(spec, "napi") == std::vector<std::string>{old_n, old_n});
  CHECK(dc.after(spec, "vmapi") == std::vector<std::string>{new_v});
  // Alone, nothing is handled, so the change stays and nothing else takes it.
  CHECK(dc.error(svc("napi", new_n)) ==
        "do not support the following changes:\n    {\"type\":\"update-service\",\"service\":\"napi\",\"image\":\"" +
            new_n + "\"}");
  // One instance at a time is fine (update-instance of a simple service).
  CHECK(dc.after(inst("napi1", new_n), "napi") == std::vector<std::string>{old_n, new_n});
}

TEST_CASE("procedures: an HA-ready service updates only the instances not on the image", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_p = dc.image("papi", "20240101T000000Z"), new_p = dc.image("papi");
  dc.add("papi", old_p).add("papi", new_p);
  const Plan plan = dc.plan(svc("papi", new_p));
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].procedure == Procedure::stateless);
  CHECK(plan.changes[0].instances == std::vector<std::size_t>{0});
  CHECK(dc.after(svc("papi", new_p), "papi") == std::vector<std::string>{new_p, new_p});
  const std::vector<std::string> text = plan_summary(plan, dc.state());
  REQUIRE(text.size() == 3);
  CHECK(text[2] == "        instance \"" + dc.uuid_of("papi0") + "\" (papi0) on server eeeeeeee-0000-4000-8000-000000000001");
  CHECK(dc.plan(svc("papi", new_p), with(false, false, SameImage::force)).changes[0].instances ==
        std::vector<std::size_t>{0, 1});
}

TEST_CASE("procedures: imgapi only as one instance on the headnode", "[fake_sdcadm]") {
  Dc two;
  const std::string old_i = two.image("imgapi", "20240101T000000Z"), new_i = two.image("imgapi");
  two.add("imgapi", old_i).add("imgapi", old_i);
  const std::string refused =
      "do not support the following changes:\n    {\"type\":\"update-service\",\"service\":\"imgapi\",\"image\":\"" +
      new_i + "\"}";
  CHECK(two.error(svc("imgapi", new_i)) == refused);  // index.js:312-322, then left over
  CHECK(two.after(inst("imgapi1", new_i), "imgapi") == std::vector<std::string>{old_i, new_i});
  Dc on_cn;
  on_cn.image("imgapi", "20240101T000000Z");
  on_cn.image("imgapi");
  on_cn.add("imgapi", old_i, "cn1");
  CHECK(on_cn.error(svc("imgapi", new_i)) == refused);  // os.hostname() is not its server
  Dc one;
  one.image("imgapi", "20240101T000000Z");
  one.image("imgapi");
  one.add("imgapi", old_i);
  const Plan plan = one.plan(svc("imgapi", new_i));
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].procedure == Procedure::imgapi);
  // UpdateSingleHeadnodeImgapi's summary has no instance lines.
  CHECK(plan_summary(plan, one.state()) ==
        std::vector<std::string>{"    update \"imgapi\" service to image " + new_i,
                                 "        (imgapi@master-20250101T000000Z-g0000000)"});
}

TEST_CASE("procedures: dapi has no procedure", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_d = dc.image("dapi", "20240101T000000Z"), new_d = dc.image("dapi");
  const std::string old_v = dc.image("vmapi", "20240101T000000Z"), new_v = dc.image("vmapi");
  dc.add("dapi", old_d).add("vmapi", old_v);
  CHECK(dc.error(list({svc("dapi", new_d), svc("vmapi", new_v)}), with(true, true)) ==
        "do not support the following changes:\n    {\"type\":\"update-service\",\"service\":\"dapi\",\"image\":\"" +
            new_d + "\"}");
  CHECK(dc.error(inst("dapi0", new_d)) ==
        "do not support the following changes:\n    {\"type\":\"update-instance\",\"service\":\"dapi\",\"image\":\"" +
            new_d + "\"}");
}

TEST_CASE("procedures: moray, sapi and binder take the instances not on the image", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_m = dc.image("mantav2-moray", "20240101T000000Z"), new_m = dc.image("mantav2-moray");
  const std::string old_b = dc.image("mantav2-nameservice", "20240101T000000Z"),
                    new_b = dc.image("mantav2-nameservice");
  dc.add("moray", old_m).add("moray", new_m).add("moray", old_m).add("binder", old_b).add("binder", new_b);
  const Plan moray = dc.plan(svc("moray", new_m));
  REQUIRE(moray.changes.size() == 1);
  CHECK(moray.changes[0].procedure == Procedure::moray);
  CHECK(moray.changes[0].instances == std::vector<std::size_t>{0, 2});
  CHECK(dc.after(svc("moray", new_m), "moray") == std::vector<std::string>{new_m, new_m, new_m});
  // --force-same-image: all of them; UpdateBinderV2 says which are there already.
  const Plan binder = dc.plan(svc("binder", new_b), with(false, false, SameImage::force));
  CHECK(binder.changes[0].procedure == Procedure::binder);
  const std::vector<std::string> text = plan_summary(binder, dc.state());
  REQUIRE(text.size() == 4);
  CHECK(text[3] == "        instance \"" + dc.uuid_of("binder1") +
                       "\" (binder1) is already at version master-20250101T000000Z-g0000000");
}

TEST_CASE("procedures: sapi images before 20180622T144529Z go through UpdateSingleHNSapiV1", "[fake_sdcadm]") {
  Dc dc;
  const std::string cur = dc.image("sapi", "20170101T000000Z"), ancient = dc.image("sapi", "20180101T000000Z"),
                    modern = dc.image("sapi");
  dc.add("sapi", cur);
  CHECK(dc.plan(svc("sapi", ancient)).changes[0].procedure == Procedure::sapi_v1);
  CHECK(dc.plan(svc("sapi", modern)).changes[0].procedure == Procedure::sapi);
  dc.add("sapi", cur);
  CHECK(dc.error(svc("sapi", ancient)) == "Unexpected state for SAPI service instances");
  CHECK(dc.plan(svc("sapi", modern)).changes[0].instances == std::vector<std::size_t>{0, 1});
}

TEST_CASE("procedures: a service with no instance updates its SAPI image only", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_v = dc.image("vmapi", "20240101T000000Z"), new_v = dc.image("vmapi");
  dc.empty_service("vmapi", old_v);
  CHECK(dc.plan(svc("vmapi", old_v)).changes.empty());  // dropNoops compares params.image_uuid
  const Plan plan = dc.plan(svc("vmapi", new_v));
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].instances.empty());
  CHECK(plan.notes == std::vector<std::string>{
                          "Note: There are no \"vmapi\" instances. Only the service configuration will be updated."});
  State s = dc.state();
  apply_plan(plan, s);
  CHECK(s.find_service("vmapi")->at("params").at("image_uuid") == new_v);
}

TEST_CASE("procedures: dropNoops looks at all of the service's instances", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_v = dc.image("vmapi", "20240101T000000Z"), new_v = dc.image("vmapi");
  const std::string old_c = dc.image("cloudapi", "20240101T000000Z"), new_c = dc.image("cloudapi");
  dc.add("vmapi", new_v).add("cloudapi", old_c).add("cloudapi", new_c);
  CHECK(dc.plan(inst("vmapi0", new_v)).changes.empty());
  // cloudapi1 is on the image, cloudapi0 is not: the change is kept (and cloudapi1 redone).
  const Plan plan = dc.plan(inst("cloudapi1", new_c));
  REQUIRE(plan.changes.size() == 1);
  CHECK(plan.changes[0].instances == std::vector<std::size_t>{2});
}

TEST_CASE("procedures: the plan lists procedures in coordinatePlan's order", "[fake_sdcadm]") {
  Dc dc;
  const std::string new_m = dc.image("sdc-postgres"), new_i = dc.image("imgapi"), new_v = dc.image("vmapi");
  const std::string old = dc.image("vmapi", "20240101T000000Z");
  const std::string old_m = dc.image("sdc-postgres", "20240101T000000Z"), old_i = dc.image("imgapi", "20240101T000000Z");
  dc.add("manatee", old_m).add("imgapi", old_i).add("vmapi", old);
  const Plan plan = dc.plan(list({svc("manatee", new_m), svc("imgapi", new_i), svc("vmapi", new_v)}));
  REQUIRE(plan.changes.size() == 3);
  CHECK(std::string(procedure_name(plan.changes[0].procedure)) == "UpdateStatelessServices");
  CHECK(std::string(procedure_name(plan.changes[1].procedure)) == "UpdateSingleHeadnodeImgapi");
  CHECK(std::string(procedure_name(plan.changes[2].procedure)) == "UpdateManateeV2");
}

TEST_CASE("procedures: experimental -s against simple services' instances, as given", "[fake_sdcadm]") {
  Dc dc;
  const std::string old_v = dc.image("vmapi", "20240101T000000Z"), new_v = dc.image("vmapi");
  dc.add("vmapi", old_v);
  PlanOptions o;
  o.servers = {"headnode"};
  // updateSimpleServices runs before updateAgent maps hostnames to uuids (index.js:219-226,
  // 745-747): a hostname never matches the instance's server uuid.
  CHECK(dc.error(inst("vmapi0", new_v), o) ==
        "Instance \"" + dc.uuid_of("vmapi0") + "\" is not on server(s) \"headnode\"");
  o.servers = {"eeeeeeee-0000-4000-8000-000000000001"};
  CHECK(dc.plan(inst("vmapi0", new_v), o).changes.size() == 1);
  o.servers = {"cn9"};
  CHECK(dc.error(svc("vmapi", new_v), o) == "unknown servers \"cn9\"");  // updateAgent, whatever the changes
}
