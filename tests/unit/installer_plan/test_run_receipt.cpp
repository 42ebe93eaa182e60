// The install receipt's content and storage (installer/run_receipt, receipt_store, dc_key):
// receipt.json from a run's history records and the journal's steps (what the verifier reads,
// field for field), the receipts directory, and the DC key's file rules.

#include "fixtures.hpp"

#include <installer/dc_key.hpp>
#include <installer/receipt_store.hpp>
#include <installer/run_receipt.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <common/atomic_file.hpp>
#include <signing/encoding.hpp>
#include <signing/receipt.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace installer;
using namespace test_fixtures;
using common::ExitCode;
using common::Json;
using sdcb_test::code_of;

namespace {

ReceiptHeader header() {
  ReceiptHeader h;
  h.datacenter = "dc1";
  h.dc_key_id = std::string(64, 'b');
  h.installer_version = "0.1.0";
  h.bundle_id = "B";
  h.content_id = "C";
  h.index_sha256 = std::string(64, 'a');
  h.bundle_digest = "D";
  h.channel = "dev";
  h.signers = {std::string(64, 'c')};
  h.flags.force = true;
  h.flags.spec = "spec.json";
  h.flags.exclude_servers = {"cn2"};
  return h;
}

JournalStep step(const std::string& name, StepState state, const Json& evidence = nullptr) {
  JournalStep s;
  s.name = name;
  s.state = state;
  s.started = "2026-12-06T20:00:00.000Z";
  s.ended = "2026-12-06T20:00:01.000Z";
  s.attempts = 2;
  if (state == StepState::failed) s.error = "sdcadm up failed";
  s.evidence = evidence;
  return s;
}

}  // namespace

TEST_CASE("receipt: receipt.json holds this run's records and the journal's steps, and reads back strictly") {
  const std::vector<Json> history = {
      {{"event", "run-start"}, {"run", "r1"}, {"time", "2026-12-05T10:00:00.000Z"}, {"user", "old"}},
      {{"event", "step"}, {"run", "r1"}, {"step", "stage"}, {"result", "done"}},
      {{"event", "run-end"}, {"run", "r1"}, {"time", "2026-12-05T10:01:00.000Z"}, {"result", "failed"}, {"exit_code", 42}},
      {{"event", "run-start"}, {"run", "r2"}, {"time", "2026-12-06T20:00:00.000Z"}, {"user", "ops"}},
      {{"event", "step"}, {"run", "r2"}, {"step", "up-moray"}, {"result", "failed"}},
      {{"event", "run-end"}, {"run", "r2"}, {"time", "2026-12-06T20:02:00.000Z"}, {"result", "failed"},
       {"exit_code", 46}, {"error", "step up-moray: not verified"}, {"stopped_at", "up-moray"}}};
  CHECK(newest_run(history) == "r2");
  CHECK(newest_run({}).empty());
  const Json evidence = {{"check", "instances"}, {"instances", Json::array({{{"uuid", "u"}, {"image", "i"}}})}};
  const std::vector<JournalStep> steps = {step("stage", StepState::done),
                                          step("up-moray", StepState::failed, evidence)};
  const std::string inventory = "{\"format\": \"sdcadm-inventory\"}\n";
  const Json r = make_receipt(header(), "r2", history, steps, inventory, "");
  CHECK(r["run"] == "r2");
  CHECK(r["receipt_id"] == "receipt-r2");
  CHECK(r["user"] == "ops");
  CHECK(r["started"] == "2026-12-06T20:00:00.000Z");
  CHECK(r["ended"] == "2026-12-06T20:02:00.000Z");
  CHECK(r["outcome"] == "failed");
  CHECK(r["exit_code"] == 46);
  CHECK(r["error"] == "step up-moray: not verified");
  CHECK(r["stopped_at"] == "up-moray");
  CHECK(r["bundle"]["signers"] == Json::array({std::string(64, 'c')}));
  CHECK(r["flags"]["force"] == true);
  CHECK(r["flags"]["yes"] == false);
  CHECK(r["flags"]["spec"] == "spec.json");
  CHECK(r["flags"]["exclude_servers"] == Json::array({"cn2"}));
  REQUIRE(r["steps"].size() == 2);
  CHECK(r["steps"][0]["this_run"].is_null());  // stage was done by r1
  CHECK(r["steps"][1]["this_run"] == "failed");
  CHECK(r["steps"][1]["state"] == "failed");
  CHECK(r["steps"][1]["attempts"] == 2);
  CHECK(r["steps"][1]["error"] == "sdcadm up failed");
  CHECK(r["steps"][1]["evidence"] == evidence);
  CHECK(r["inventory"]["sha256"] == signing::sha256_hex(inventory));
  CHECK(r["inventory"]["bytes"] == inventory.size());
  CHECK(r["inventory_error"].is_null());
  // What the installer writes is what the verifier accepts.
  CHECK_NOTHROW(signing::check_receipt_json(common::dump_json(r, 2), "r"));

  const Json bare = make_receipt(header(), "r1", history, steps, "", "not read: the run was interrupted");
  CHECK(bare["inventory"].is_null());
  CHECK(bare["inventory_error"] == "not read: the run was interrupted");
  CHECK(bare["steps"][0]["this_run"] == "done");
  CHECK_NOTHROW(signing::check_receipt_json(common::dump_json(bare, 2), "r"));

  // A run the history has not ended has no receipt.
  CHECK(code_of([&] { make_receipt(header(), "r3", history, steps, "", ""); }) == ExitCode::internal);
}

TEST_CASE("receipt store: names sort by end time; a run by id or unique prefix; --last is the newest") {
  TempDir dir;
  const ReceiptStore store(Paths::under(dir.path));
  CHECK(store.list().empty());
  CHECK(code_of([&] { store.last(); }) == ExitCode::not_found);
  const std::string a = "aaaaaaaa-1111-2222-3333-444444444444";
  const std::string b = "aaaaaaaa-5555-2222-3333-444444444444";
  const std::string c = "cccccccc-1111-2222-3333-444444444444";
  store.write(b, "2026-12-06T20:00:00.000Z", "B");
  store.write(c, "2026-12-07T08:00:00.000Z", "C");
  const std::string pa = store.write(a, "2026-12-05T23:59:59.999Z", "A");
  CHECK(pa == dir.path + "/var/sdcadm/install/receipts/20261205T235959Z-" + a + ".receipt");
  common::write_file_atomic(store.dir() + "/notes.txt", "x");  // not a receipt: ignored
  const auto all = store.list();
  REQUIRE(all.size() == 3);
  CHECK(all[0].run == a);
  CHECK(all[1].run == b);
  CHECK(all[2].run == c);
  CHECK(store.last().run == c);
  CHECK(store.find(b).run == b);
  CHECK(store.find("cccccccc").run == c);
  CHECK(code_of([&] { store.find("aaaaaaaa"); }) == ExitCode::usage);    // two runs
  CHECK(code_of([&] { store.find("cccc"); }) == ExitCode::not_found);    // too short to be a prefix
  CHECK(code_of([&] { store.find("dddddddd"); }) == ExitCode::not_found);
  CHECK(code_of([&] { store.write("../x", "2026-12-06T20:00:00.000Z", "X"); }) == ExitCode::internal);
}

TEST_CASE("DC key: made once, 0600, never replaced; a lost public half is written again") {
  TempDir dir;
  const Paths paths = Paths::under(dir.path);
  CHECK_FALSE(load_dc_key(paths).has_value());
  const DcKey first = ensure_dc_key(paths);
  CHECK(first.created);
  struct stat st {};
  REQUIRE(::stat(dc_key_files(paths).private_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const DcKey again = ensure_dc_key(paths);
  CHECK_FALSE(again.created);
  CHECK(again.key.id() == first.key.id());
  REQUIRE(::unlink(dc_key_files(paths).public_path.c_str()) == 0);
  CHECK(ensure_dc_key(paths).key.id() == first.key.id());
  CHECK(signing::load_public_key(dc_key_files(paths).public_path).id() == first.key.id());
  // A damaged key file is refused, not replaced.
  common::write_file_atomic(dc_key_files(paths).private_path, "not a key", 0600);
  CHECK(code_of([&] { ensure_dc_key(paths); }) == ExitCode::bad_data);
}
