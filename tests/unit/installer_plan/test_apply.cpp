// apply: the documented order, check-health around each sdcadm step, the journal's
// resume after a crash or a failure at every step, and the up-to-date re-run.

#include "fixtures.hpp"
#include <tests/unit/support/error_capture.hpp>

#include <installer/apply.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace installer;
using namespace test_fixtures;
using sdcb_test::error_of;

namespace {

const char* const k_old = "2025-01-01T00:00:00.000Z";
const char* const k_new = "2025-02-01T00:00:00.000Z";

// A DC with services in every ordered group, agents, gz-tools, platform and sdcadm.
struct World {
  TempDir dir;
  std::string sdcadm = dir.path + "/sdcadm";
  std::string log = dir.path + "/argv";
  manifest::BundleIndex index = make_index({{"service-image", "imgapi", 10, k_new, ""},
                                            {"service-image", "cnapi", 11, k_new, ""},
                                            {"service-image", "sapi", 12, k_new, ""},
                                            {"service-image", "moray", 13, k_new, ""},
                                            {"service-image", "binder", 14, k_new, ""},
                                            {"service-image", "manatee", 15, k_new, ""},
                                            {"agent", "vm-agent", 16, k_new, ""},
                                            {"agentsshar", "agentsshar", 17, k_new, "1.0.0"},
                                            {"gz-tools", "gz-tools", 18, k_new, "2.0.0"},
                                            {"platform", "platform", 19, k_new, "master-20250201T000000Z"},
                                            {"sdcadm", "sdcadm", 20, k_new, "1.41.0"}});
  std::vector<Inst> insts = {{"imgapi", 1}, {"cnapi", 1}, {"sapi", 1}, {"moray", 1},
                             {"binder", 1}, {"manatee", 1}, {"vm-agent", 2, "agent"}};
  int stages = 0, imports = 0;
  PlanOptions options;                 // for plan()
  std::vector<DcServer> more_servers;  // besides the headnode

  World() {
    // The fake: logs the argv of each mutating command that succeeded, printing one line;
    // the n-th mutating command fails once when "fail-at" holds n; "sick" makes
    // check-health report an unhealthy instance.
    const std::string d = dir.path;
    write_after();
    write_script(sdcadm,
                 // insts/svcs (the check after an up step) answer the DC as the steps leave it.
                 "if [ \"$1\" = insts ]; then cat " + d + "/insts.json; exit 0; fi\n"
                 "if [ \"$1\" = svcs ]; then cat " + d + "/svcs.json; exit 0; fi\n"
                 "if [ \"$1\" = check-health ]; then echo check-health >> " + d + "/health\n"
                 "  if [ -e " + d + "/ur-down ]; then echo '[{\"type\":\"agent\",\"hostname\":\"cn-down\",\"instance\":\"a\","
                 "\"service\":\"vm-agent\",\"health_errors\":[{\"message\":\"timeout\"}]}]'; exit 1; fi\n"
                 "  if [ -e " + d + "/sick ]; then echo '[{\"healthy\":false,\"service\":\"imgapi\","
                 "\"alias\":\"imgapi0\",\"instance\":\"i\",\"health_errors\":[{\"message\":\"down\"}]}]'; exit 1; fi\n"
                 "  echo '[]'; exit 0; fi\n"
                 "[ \"$1\" = up ] && cat > /dev/null\n"
                 "n=$(cat " + d + "/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + d + "/count\n"
                 "if [ \"$(cat " + d + "/fail-at 2>/dev/null)\" = \"$n\" ]; then rm " + d + "/fail-at; echo \"$1 broke\" >&2; exit 1; fi\n"
                 "echo \"$*\" >> " + log + "\n"
                 "[ \"$1\" = platform ] && [ ! -e " + d + "/no-platform ] && mkdir -p " + d + "/os/20250201T000000Z\n"
                 "echo progress-line\n");
  }

  // What `sdcadm insts -j` says once the steps ran: every instance on its bundle image
  // (`stale` names a service whose instances sdcadm left behind).
  void write_after(const std::string& stale = "") const {
    common::write_file_atomic(dir.path + "/insts.json", common::dump_json(insts_json(after(stale)), 2));
    common::write_file_atomic(dir.path + "/svcs.json", common::dump_json(svcs_json(after(stale)), 2));
  }
  std::vector<Inst> after(const std::string& stale = "") const {
    std::vector<Inst> out = insts;
    for (auto& i : out) {
      for (const auto& a : index.artifacts) {
        if (i.service != stale && (a.name == i.service || (a.services.size() == 1 && a.services[0] == i.service))) {
          i.image = std::stoi(a.uuid.substr(24));
        }
      }
    }
    return out;
  }
  // The DC the next plan reads is the one the steps left: instances, sdcadm, gz-tools and
  // the platform all at the bundle's.
  void settle() {
    insts = after();
    settled = true;
  }
  bool settled = false;

  Plan plan() const {
    PlanInputs in;
    in.index = &index;
    in.dc = dc_state(insts);
    in.dc.sdcadm = manifest::SdcadmVersion{"1.40.0", "master-20250101T000000Z-g1"};
    in.sdcadm_buildstamp = "master-20250201T000000Z-g2";
    in.lookup = lookup({{1, k_old}, {2, k_old}});
    if (settled) {
      in.dc.sdcadm = manifest::SdcadmVersion{"1.41.0", in.sdcadm_buildstamp};
      in.dc.gz_tools_image = U(18);
      in.dc.platforms = {"20250201T000000Z"};
    }
    for (const auto& s : more_servers) in.dc.servers.push_back(s);
    return make_plan(in, options);
  }

  ApplyContext ctx() const {
    ApplyContext c;
    c.bundle_id = index.bundle_id;
    c.bundle_digest = "d1";
    c.channel = "release";
    c.imgapi_url = "http://127.0.0.1:1";
    c.reprov_fail_lock = dir.path + "/reprovFailLock.json";
    c.journal_dir = dir.path + "/journal";
    c.usbkey_os = dir.path + "/os";
    c.confirm = Confirm::assume_yes;
    return c;
  }

  ApplyHooks hooks(std::function<void(const std::string&)> say = {}) {
    ApplyHooks h;
    h.stage = [this] { ++stages; };
    h.import = [this] { ++imports; };
    h.make_plan = [this] { return plan(); };
    h.say = std::move(say);
    return h;
  }

  // The mutating sdcadm commands that succeeded so far, in order.
  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    std::istringstream in(read_file(log));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::size_t health_checks() const {
    std::istringstream in(read_file(dir.path + "/health"));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
};

const std::vector<std::string> k_order = {
    "self-update -S http://127.0.0.1:1 -C release --allow-major-update 00000000-0000-4000-8000-000000000020",
    "experimental update-agents /usbkey/extra/agents/agents-1.0.0.sh 00000000-0000-4000-8000-000000007000 -y",
    "experimental update-other",
    "experimental update-gz-tools /usbkey/extra/gz-tools-2.0.0.tgz -C release",
    "up -y",  // imgapi, cnapi
    "up -y",  // sapi
    "up -y",  // moray
    "up -y",  // binder
    "up -y",  // manatee
    "platform install /usbkey/extra/platform-master-20250201T000000Z.tgz -y -C release"};

const std::vector<std::string> k_steps = {"stage", "import", "sdcadm-self-update", "update-agents", "update-other",
                                          "update-gz-tools", "up-services", "up-sapi", "up-moray", "up-binder",
                                          "up-manatee", "platform-install"};

}  // namespace

TEST_CASE("apply: Triton's order, check-health around every sdcadm step, then up to date") {
  World w;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  const ApplyResult r = apply_bundle(w.ctx(), w.hooks(), runner, history);
  CHECK(r.outcome == ApplyOutcome::applied);
  CHECK(r.ran == k_steps);
  CHECK(w.commands() == k_order);
  // Before and after each sdcadm step, plus the post-step check of each of the 5 `sdcadm up`
  // steps, which reads the moved instances' rows (service_answers.hpp).
  CHECK(w.health_checks() == 2 * k_order.size() + 5);
  CHECK(w.stages == 1);
  CHECK(w.imports == 1);

  w.settle();
  const ApplyResult again = apply_bundle(w.ctx(), w.hooks(), runner, history);
  CHECK(again.outcome == ApplyOutcome::up_to_date);
  CHECK(w.commands() == k_order);  // nothing ran
  CHECK(w.stages == 1);
  const auto records = history.read_all();
  CHECK(records.front()["event"] == "run-start");
  CHECK(records.front()["plan"]["changes"] == true);
  CHECK(records.back()["result"] == "up-to-date");
}

TEST_CASE("apply: a failing step stops the run; the re-run resumes there") {
  for (std::size_t k = 2; k < k_steps.size(); ++k) {
    World w;
    History history(w.dir.path + "/history.jsonl");
    SdcadmRunner runner(w.sdcadm);
    std::ofstream(w.dir.path + "/fail-at") << (k - 1) << "\n";  // the (k-1)-th sdcadm command
    CAPTURE(k_steps[k]);
    try {
      apply_bundle(w.ctx(), w.hooks(), runner, history);
      FAIL("no error");
    } catch (const common::Error& e) {
      CHECK(e.code() == common::ExitCode::step_failed);
      CHECK(std::string(e.what()).find("step " + k_steps[k] + " failed: sdcadm ") != std::string::npos);
      CHECK(std::string(e.what()).find("broke") != std::string::npos);
      CHECK(std::string(e.what()).find("run sdcadm-install again to resume") != std::string::npos);
    }
    const Journal j = Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1");
    CHECK(j.stopped_at() == k_steps[k]);
    CHECK(j.find(k_steps[k])->state == StepState::failed);
    const ApplyResult r = apply_bundle(w.ctx(), w.hooks(), runner, history);
    CHECK(r.outcome == ApplyOutcome::applied);
    CHECK(r.ran == std::vector<std::string>(k_steps.begin() + static_cast<long>(k), k_steps.end()));
    CHECK(w.commands() == k_order);  // every command succeeded exactly once, in order
    CHECK(w.stages == 1);
  }
}

TEST_CASE("apply: killed before or during any step; the re-run does not repeat finished steps") {
  // "Killed": an exception apply does not catch (not common::Error) escapes from the middle
  // of the run and leaves the journal as a kill -9 would. `say` runs before a step's journal
  // entry is written; the runner's observer runs while sdcadm runs (after "started").
  struct Killed {};
  for (std::size_t k = 0; k < k_steps.size(); ++k) {
    for (int during = 0; during < 2; ++during) {
      if (during && k < 2) continue;  // stage and import are hooks, killed "before" only
      World w;
      History history(w.dir.path + "/history.jsonl");
      const std::string victim = k_steps[k];
      bool armed = true;
      std::size_t lines = 0;
      SdcadmRunner killer(w.sdcadm, [&](Stream, std::string_view) {
        if (armed && during && ++lines == k - 1) { armed = false; throw Killed{}; }
      });
      ApplyHooks hooks = w.hooks([&](const std::string& line) {
        if (armed && !during && line.rfind("--- " + victim + ":", 0) == 0) { armed = false; throw Killed{}; }
      });
      CAPTURE(victim, during);
      CHECK_THROWS_AS(apply_bundle(w.ctx(), hooks, killer, history), Killed);
      const Journal j = Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1");
      for (std::size_t i = 0; i < k; ++i) CHECK(j.is_done(k_steps[i]));
      CHECK_FALSE(j.is_done(victim));
      if (during) CHECK(j.find(victim)->state == StepState::started);
      SdcadmRunner runner(w.sdcadm);
      const ApplyResult r = apply_bundle(w.ctx(), w.hooks(), runner, history);
      CHECK(r.ran == std::vector<std::string>(k_steps.begin() + static_cast<long>(k), k_steps.end()));
      CHECK(r.skipped == std::vector<std::string>(k_steps.begin(), k_steps.begin() + static_cast<long>(k)));
      // Killed during a command: that one command ran twice (sdcadm's own re-run is safe),
      // nothing else repeated.
      std::vector<std::string> expected = k_order;
      if (during) expected.insert(expected.begin() + static_cast<long>(k - 2), k_order[k - 2]);
      CHECK(w.commands() == expected);
      CHECK(w.stages == 1);
      w.settle();
      CHECK(apply_bundle(w.ctx(), w.hooks(), runner, history).outcome == ApplyOutcome::up_to_date);
    }
  }
}

TEST_CASE("apply: unhealthy before a step changes nothing; reprovFailLock refuses") {
  World w;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  std::ofstream(w.dir.path + "/sick") << "";
  try {
    apply_bundle(w.ctx(), w.hooks(), runner, history);
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::health_failed);
    CHECK(std::string(e.what()).find("imgapi0 (imgapi) i: down") != std::string::npos);
  }
  CHECK(w.commands().empty());
  const Journal j = Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1");
  CHECK(j.is_done("import"));
  CHECK(j.find("sdcadm-self-update") == nullptr);

  common::write_file_atomic(w.ctx().reprov_fail_lock, "{\"reason\": \"reprovision of sapi0 failed\"}");
  try {
    apply_bundle(w.ctx(), w.hooks(), runner, history);
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::reprov_lock);
    CHECK(std::string(e.what()).find("reprovision of sapi0 failed") != std::string::npos);
    CHECK(std::string(e.what()).find("remove \"" + w.ctx().reprov_fail_lock) != std::string::npos);
  }
}

TEST_CASE("apply: declined, and a bundle with nothing new") {
  World w;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  ApplyHooks hooks = w.hooks();
  hooks.confirm = [](const Plan&) { return false; };
  CHECK(apply_bundle(w.ctx(), hooks, runner, history).outcome == ApplyOutcome::declined);
  CHECK(w.stages == 0);

  w.index = make_index({{"service-image", "imgapi", 1, k_old, ""}});
  w.insts = {{"imgapi", 1}};
  const ApplyResult r = apply_bundle(w.ctx(), w.hooks(), runner, history);
  CHECK(r.outcome == ApplyOutcome::nothing_to_do);
  CHECK(w.stages == 0);
  CHECK(w.commands().empty());
}

TEST_CASE("apply: a resumed run shows the steps an earlier run finished, though its new plan has none of them") {
  World w;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  std::ofstream(w.dir.path + "/fail-at") << 7 << "\n";  // the 7th sdcadm command: up moray
  CHECK_THROWS_AS(apply_bundle(w.ctx(), w.hooks(), runner, history), common::Error);
  // The DC now runs the targets the first run put in place, so a fresh plan has no
  // up-services or up-sapi step any more.
  w.insts = {{"imgapi", 10}, {"cnapi", 11}, {"sapi", 12}, {"moray", 1}, {"binder", 1}, {"manatee", 1},
             {"vm-agent", 2, "agent"}};
  std::vector<std::string> said;
  const ApplyResult r = apply_bundle(w.ctx(), w.hooks([&](const std::string& l) { said.push_back(l); }), runner, history);
  CHECK(r.ran == std::vector<std::string>{"up-moray", "up-binder", "up-manatee", "platform-install"});
  for (const char* step : {"up-services", "up-sapi"}) {
    CAPTURE(step);
    CHECK(std::count(r.skipped.begin(), r.skipped.end(), step) == 1);
    CHECK(std::count(said.begin(), said.end(), std::string("--- ") + step + ": done in an earlier run, skipped") == 1);
  }
  CHECK(w.commands() == k_order);  // nothing ran twice
}

TEST_CASE("apply: with agent images, seed-agents runs after import and update-agents gets the bootstrap") {
  struct Killed {};
  World w;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  int seeds = 0;
  bool armed = true;
  ApplyHooks hooks = w.hooks([&](const std::string& line) {
    if (armed && line.rfind("--- seed-agents:", 0) == 0) { armed = false; throw Killed{}; }
  });
  hooks.seed_agents = [&] { ++seeds; };
  auto with_set = [&](ApplyHooks h) {
    h.make_plan = [&w] {
      PlanInputs in;
      in.index = &w.index;
      in.dc = dc_state(w.insts);
      in.dc.sdcadm = manifest::SdcadmVersion{"1.41.0", "master-20250201T000000Z-g2"};
      in.lookup = lookup({{1, k_old}, {2, k_old}});
      in.sdcadm_buildstamp = "master-20250201T000000Z-g2";  // the DC runs the bundle's sdcadm
      in.agent_set = AgentSetFacts{"20250201T000000Z-0a1b2c3d", 11, {}};
      return make_plan(in, {});
    };
    return h;
  };
  CHECK_THROWS_AS(apply_bundle(w.ctx(), with_set(hooks), runner, history), Killed);
  CHECK(seeds == 0);
  CHECK(w.commands().empty());
  const ApplyResult r = apply_bundle(w.ctx(), with_set(hooks), runner, history);
  CHECK(seeds == 1);
  REQUIRE(r.ran.size() >= 2);
  CHECK(r.ran[0] == "seed-agents");
  CHECK(r.ran[1] == "update-agents");
  CHECK(r.skipped == std::vector<std::string>{"stage", "import"});
  REQUIRE_FALSE(w.commands().empty());
  CHECK(w.commands()[0] ==
        "experimental update-agents /usbkey/extra/agents/agents-20250201T000000Z-0a1b2c3d.sh "
        "00000000-0000-4000-8000-000000007000 -y");

  // No seed hook while the plan seeds: a programming error, said before anything runs.
  World w2;
  ApplyHooks bare = with_set(w2.hooks());
  History h2(w2.dir.path + "/history.jsonl");
  CHECK_THROWS_AS(apply_bundle(w2.ctx(), bare, runner, h2), common::Error);
}

TEST_CASE("apply: sdcadm up exits 0 but leaves instances behind: step_unverified; the re-run checks again first") {
  World w;
  w.write_after("cnapi");  // sdcadm "drops" the cnapi change, as it drops napi of 2 instances
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  const common::Error e = error_of([&] { apply_bundle(w.ctx(), w.hooks(), runner, history); });
  CHECK(e.code() == common::ExitCode::step_unverified);
  CHECK_THAT(e.what(), Catch::Contains("step up-services failed: up-services: post-step check \"instances\" failed: "
                                       "1 of 2 instances not on the target (sdcadm insts -j): cnapi2 (" + U(5001) +
                                       ") runs " + U(1) + ", not " + U(11)));
  const Journal j = Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1");
  CHECK(j.find("up-services")->state == StepState::failed);
  CHECK(j.find("up-services")->evidence["check"] == "instances");  // what it saw, kept for the re-run
  const std::size_t ups = w.commands().size();

  // Still not moved: the re-run's check fails again and the step runs again.
  CHECK(error_of([&] { apply_bundle(w.ctx(), w.hooks(), runner, history); }).code() ==
        common::ExitCode::step_unverified);
  CHECK(w.commands().size() == ups + 1);

  // Moved now (by hand, say): the re-run's check finds it done and does not run it again.
  w.write_after();
  const ApplyResult r = apply_bundle(w.ctx(), w.hooks(), runner, history);
  CHECK(r.ran.front() == "up-sapi");
  CHECK(Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1").find("up-services")->state == StepState::done);
  const auto records = history.read_all();
  CHECK(std::any_of(records.begin(), records.end(), [](const common::Json& rec) {
    return rec.contains("checked_on_resume") && rec.dump().find("\"step\":\"up-services\"") != std::string::npos &&
           rec.dump().find("\"result\":\"done\"") != std::string::npos;
  }));
}

TEST_CASE("apply: platform install that installs nothing is step_unverified") {
  World w;
  std::ofstream(w.dir.path + "/no-platform") << "";
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  const common::Error e = error_of([&] { apply_bundle(w.ctx(), w.hooks(), runner, history); });
  CHECK(e.code() == common::ExitCode::step_unverified);
  CHECK_THAT(e.what(), Catch::Contains(w.dir.path + "/os/20250201T000000Z does not exist"));
  std::remove((w.dir.path + "/no-platform").c_str());
  CHECK(apply_bundle(w.ctx(), w.hooks(), runner, history).ran == std::vector<std::string>{"platform-install"});
}

TEST_CASE("apply: the up flags sdcadm needs for rabbitmq and portolan") {
  World w;
  w.index = make_index({{"service-image", "rabbitmq", 10, k_new, ""}, {"service-image", "portolan", 11, k_new, ""}});
  w.insts = {{"rabbitmq", 1}, {"portolan", 1}};
  w.write_after();
  w.options.policy.include_rabbitmq = true;
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  apply_bundle(w.ctx(), w.hooks(), runner, history);
  CHECK(w.commands() == std::vector<std::string>{"experimental update-other", "up -y --force-rabbitmq --force-data-path"});
}

TEST_CASE("apply: a check-health row without \"healthy\" fails the run, unless its server is left out") {
  World w;
  std::ofstream(w.dir.path + "/ur-down") << "";
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  const common::Error e = error_of([&] { apply_bundle(w.ctx(), w.hooks(), runner, history); });
  CHECK(e.code() == common::ExitCode::health_failed);
  CHECK_THAT(e.what(), Catch::Contains("vm-agent a on cn-down: timeout"));
  CHECK_THAT(e.what(), Catch::Contains("--exclude-servers HOSTNAME"));
  World ok;
  std::ofstream(ok.dir.path + "/ur-down") << "";
  ok.more_servers = {compute_node(7002, "cn-down", "unknown")};  // not running: left out, its rows ignored
  History h2(ok.dir.path + "/history.jsonl");
  SdcadmRunner ok_runner(ok.sdcadm);
  CHECK(apply_bundle(ok.ctx(), ok.hooks(), ok_runner, h2).outcome == ApplyOutcome::applied);
}

TEST_CASE("apply: a finished bundle whose new plan has work (rabbitmq included now) runs only that") {
  World w;
  w.index = make_index({{"service-image", "rabbitmq", 10, k_new, ""}, {"service-image", "cnapi", 11, k_new, ""}});
  w.insts = {{"rabbitmq", 1}, {"cnapi", 1}};
  w.write_after();
  History history(w.dir.path + "/history.jsonl");
  SdcadmRunner runner(w.sdcadm);
  std::vector<std::string> said;
  auto say = [&](const std::string& l) { said.push_back(l); };
  CHECK(apply_bundle(w.ctx(), w.hooks(say), runner, history).outcome == ApplyOutcome::applied);
  CHECK(w.commands() == std::vector<std::string>{"experimental update-other", "up -y"});
  w.insts = {{"rabbitmq", 1}, {"cnapi", 11}};  // cnapi moved; rabbitmq held back
  CHECK(apply_bundle(w.ctx(), w.hooks(say), runner, history).outcome == ApplyOutcome::up_to_date);
  CHECK(std::count(said.begin(), said.end(), "Held back: rabbitmq (`sdcadm-install plan` says why)") == 1);
  w.options.policy.include_rabbitmq = true;
  const ApplyResult r = apply_bundle(w.ctx(), w.hooks(say), runner, history);
  CHECK(r.outcome == ApplyOutcome::applied);
  CHECK(r.ran == std::vector<std::string>{"stage", "import", "update-other", "up-services"});
  CHECK(w.commands().back() == "up -y --force-rabbitmq");
  CHECK(Journal::open(w.ctx().journal_dir, w.index.bundle_id, "d1").finished());
}
