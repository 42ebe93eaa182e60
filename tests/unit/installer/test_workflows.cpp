// The library's workflows as the front end calls them (issue 14): the headnode options
// (host_options.hpp), apply's own steps as objects (apply_steps.hpp), stage as a run
// (stage_run.hpp), check and receipts without anything to work on, all reporting through an
// observer and printing nothing.
#include "dc_imgapi.hpp"
#include "installer_support.hpp"
#include "lock_holder.hpp"

#include <installer/apply_run.hpp>
#include <installer/apply_steps.hpp>
#include <installer/dc_check.hpp>
#include <installer/host_options.hpp>
#include <installer/receipt_export.hpp>
#include <installer/stage_run.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace installer;
using namespace installer_test;
using namespace std::chrono_literals;

namespace {

struct Scene {
  TempDir dir;
  std::string root = dir.file("hn");
  Paths paths;
  HostOptions host;
  Scene() {
    ::mkdir(root.c_str(), 0755);
    make_root(root);
    paths = Paths::under(root);
    host.root = root;
    host.imgapi = "http://127.0.0.1:1";  // nothing answers: no test reaches it
  }
};

// What a run told its observer.
struct Recorder : ApplyObserver {
  struct Phase {
    std::string label;
    std::uint64_t total = 0, done = 0;
    bool finished = false;
  };
  std::vector<std::string> said, trusted_ids;
  std::vector<Phase> phases;

  void trusted(const manifest::BundleIndex& index, const signing::TrustVerdict&) override {
    trusted_ids.push_back(index.bundle_id);
  }
  void say(const std::string& line) override { said.push_back(line); }
  std::unique_ptr<PhaseProgress> phase(const std::string& label, std::uint64_t total) override {
    phases.push_back({label, total, 0, false});
    return std::make_unique<Bar>(phases.back());
  }

 private:
  struct Bar : PhaseProgress {
    explicit Bar(Phase& p) : phase(p) {}
    void update(std::uint64_t done) override { phase.done = done; }
    void finish() override { phase.finished = true; }
    Phase& phase;
  };
};

std::uint64_t size_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

TEST_CASE("host options: --imgapi wins, else /usbkey/config; agents use its host", "[workflow]") {
  Scene s;
  CHECK(imgapi_url(s.host, s.paths) == "http://127.0.0.1:1");
  // No /usbkey/config: the agents download from the host of --imgapi.
  s.host.imgapi = "http://imgapi.example.com:8080/path";
  CHECK(agents_imgapi_domain(s.host, s.paths) == "imgapi.example.com:8080");
  s.host.imgapi.clear();
  CHECK(code_of([&] { imgapi_url(s.host, s.paths); }) == common::ExitCode::config);
  CHECK_FALSE(imgapi_url_if_known(s.host, s.paths).has_value());
  CHECK(code_of([&] { agents_imgapi_domain(s.host, s.paths); }) == common::ExitCode::config);
  // The alarm-config program: the headnode's own under the root unless named.
  CHECK(sdc_amonadm_path(s.host, s.paths) == s.root + "/opt/smartdc/bin/sdc-amonadm");
  s.host.sdc_amonadm = "/bin/true";
  CHECK(sdc_amonadm_path(s.host, s.paths) == "/bin/true");
}

TEST_CASE("a run on a root that is not a directory is Error(config) naming it", "[workflow]") {
  Scene s;
  s.host.root = s.dir.file("missing");
  const auto msg = message_of([&] { start_run(s.host, true); });
  CHECK(msg == "--root " + s.host.root + " is not a directory");
  Recorder observer;
  PlanRunOptions plan;
  plan.host = s.host;
  plan.bundle = s.dir.file("t.sdc");
  CHECK(code_of([&] { run_plan(plan, observer); }) == common::ExitCode::config);
  CHECK(observer.said.empty());
}

TEST_CASE("plan options: an unreadable -f SPEC.json is a usage error naming it", "[workflow]") {
  Scene s;
  PlanRunOptions options;
  options.spec = s.dir.file("nope.json");
  CHECK(code_of([&] { plan_options_of(options); }) == common::ExitCode::usage);
  CHECK(message_of([&] { plan_options_of(options); }).rfind("-f " + options.spec + ": ", 0) == 0);
  options.spec.clear();
  options.force = true;
  CHECK(plan_options_of(options).force == Force::yes);
}

TEST_CASE("the stage step stages the checked bundle under the sdcadm lock, as one phase, importing its images",
          "[workflow]") {
  Scene s;
  DcImgapi dc;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const VerifiedBundle checked = verified(s.paths, bundle);
  Recorder observer;
  const StepContext ctx{s.host, s.paths, checked, observer};
  StageStep{ctx, dc.url(), 2}();
  REQUIRE(observer.phases.size() == 1);
  CHECK(observer.phases[0].label == "stage");
  CHECK(observer.phases[0].total == size_of(bundle.path));
  CHECK(observer.phases[0].done == size_of(bundle.path));
  CHECK(observer.phases[0].finished);
  CHECK(exists(s.root + "/var/sdcadm/install/manifests/" + uuid_n(4) + ".imgmanifest"));
  const auto states = dc.states();  // every image but the platform, active
  for (const auto& image : default_images()) {
    if (image.role == "platform") CHECK(states.count(image.uuid) == 0);
    else CHECK((states.count(image.uuid) == 1 && states.at(image.uuid) == "active"));
  }
}

TEST_CASE("the stage step waits for a held sdcadm lock, says so, and stages nothing", "[workflow]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const VerifiedBundle checked = verified(s.paths, bundle);
  const pid_t holder = hold_in_child(s.paths.sdcadm_lock);
  s.host.lock_wait = 1200ms;  // the notice comes after a second
  std::vector<std::pair<std::string, long>> waits;
  s.host.on_lock_wait = [&](const std::string& what, long pid) { waits.emplace_back(what, pid); };
  Recorder observer;
  const StepContext ctx{s.host, s.paths, checked, observer};
  const auto code = code_of([&] { StageStep{ctx, "http://127.0.0.1:9", 2}(); });
  stop_child(holder);
  CHECK(code == common::ExitCode::locked);
  REQUIRE(waits.size() == 1);
  CHECK(waits[0].first == "sdcadm lock");
  CHECK(waits[0].second == holder);
  CHECK(observer.phases.empty());
  CHECK_FALSE(exists(s.root + "/var/sdcadm/install/manifests/" + uuid_n(4) + ".imgmanifest"));
}

TEST_CASE("stage as a run: the trust check is reported, then the bundle is staged", "[workflow]") {
  Scene s;
  install_test_root(s.paths);
  const auto bundle = write_test_bundle(s.dir, default_images());
  StageRunOptions options;
  options.host = s.host;
  options.bundle = bundle.path;
  options.label = "stage t.sdc";
  options.quiet = true;
  Recorder observer;
  const StageReport r = run_stage(options, observer).stage;
  CHECK(r.bundle_id == bundle.index.bundle_id);
  CHECK(observer.trusted_ids == std::vector<std::string>{bundle.index.bundle_id});
  REQUIRE(observer.phases.size() == 1);
  CHECK(observer.phases[0].label == "stage t.sdc");
  CHECK(observer.phases[0].finished);
}

TEST_CASE("check without a bundle on a DC where none was applied is Error(not_found)", "[workflow]") {
  Scene s;
  DcCheckOptions options;
  options.host = s.host;
  options.quiet = true;
  const auto msg = message_of([&] { check_dc(options, {}); });
  CHECK(code_of([&] { check_dc(options, {}); }) == common::ExitCode::not_found);
  CHECK(msg.find("no bundle has been applied here") == 0);
}

TEST_CASE("receipts: none listed on a fresh DC, and none to export", "[workflow]") {
  Scene s;
  const ReceiptList list = list_receipts(s.host, true);
  CHECK(list.receipts.empty());
  CHECK_FALSE(list.dir.empty());
  ReceiptExportOptions options;
  options.host = s.host;
  options.output = s.dir.file("out.json");
  options.quiet = true;
  CHECK(code_of([&] { export_receipt(options); }) == common::ExitCode::not_found);
  CHECK_FALSE(exists(options.output));
}
