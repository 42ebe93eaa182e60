// Bundle identity on the DC (applied_content.hpp: same-content lookup, another build's
// journal kept aside) and the DC's one update channel (dc_channel.hpp). Issue 12 items 4, 11.

#include "fixtures.hpp"

#include <installer/applied_content.hpp>
#include <installer/dc_channel.hpp>
#include <installer/freeze_window.hpp>
#include <installer/journal.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <functional>
#include <sys/stat.h>

using namespace installer;
using namespace test_fixtures;
using common::Error;
using common::ExitCode;

namespace {

const std::string k_a = "a0000000-0000-4000-8000-000000000001";
const std::string k_b = "b0000000-0000-4000-8000-000000000002";
const std::string k_content = "c0000000-0000-4000-8000-000000000003";

void finished_journal(const std::string& dir, const std::string& id, const std::string& digest,
                      const std::string& content) {
  Journal j = Journal::open(dir, id, digest, content);
  j.begin_run();
  j.step_started("stage");
  j.step_done("stage");
  j.finish();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

using sdcb_test::code_of;  // tests/unit/support/error_capture.hpp: a call that throws nothing fails

TEST_CASE("same content: a finished journal of another build is found, this build's is not") {
  TempDir dir;
  const std::string jdir = dir.path + "/journal";
  CHECK_FALSE(find_applied_content(jdir, k_content, k_b));  // no directory yet
  finished_journal(jdir, k_a, "digest-a", k_content);
  const auto found = find_applied_content(jdir, k_content, k_b);
  REQUIRE(found);
  CHECK(found->bundle_id == k_a);
  CHECK_FALSE(found->finished_at.empty());
  CHECK_FALSE(find_applied_content(jdir, k_content, k_a));  // itself does not count
  CHECK_FALSE(find_applied_content(jdir, "d0000000-0000-4000-8000-000000000004", k_b));
  // A journal still running is not "applied".
  Journal running = Journal::open(jdir, k_b, "digest-b", k_content);
  running.begin_run();
  const auto only_finished = find_applied_content(jdir, k_content, "e0000000-0000-4000-8000-000000000005");
  REQUIRE(only_finished);
  CHECK(only_finished->bundle_id == k_a);  // not the running k_b
  // The content id is read back from disk.
  CHECK(Journal::open(jdir, k_a, "digest-a").content_id() == k_content);
}

TEST_CASE("same content: a journal written before content ids matches by its bundle_id") {
  TempDir dir;
  const std::string jdir = dir.path + "/journal";
  finished_journal(jdir, k_content, "digest-old", "");  // an older bundle: its id is its content id
  const auto found = find_applied_content(jdir, k_content, k_b);
  REQUIRE(found);
  CHECK(found->bundle_id == k_content);
}

TEST_CASE("another build's journal under the same id is kept aside; plan only reads") {
  TempDir dir;
  const std::string jdir = dir.path + "/journal";
  finished_journal(jdir, k_a, "0123456789abcdef0123", k_a);
  CHECK_FALSE(other_build_journal(jdir, k_a, "0123456789abcdef0123"));  // this build's own
  CHECK(other_build_journal(jdir, k_a, "fedcba") == std::string("0123456789abcdef0123"));
  CHECK(exists(jdir + "/" + k_a + ".json"));  // reading moved nothing
  CHECK(code_of([&] { Journal::open(jdir, k_a, "fedcba"); }) == ExitCode::conflict);
  const std::string kept = retire_other_build(jdir, k_a, "fedcba");
  CHECK(kept == jdir + "/" + k_a + ".0123456789ab.json");
  CHECK(exists(kept));
  const Journal fresh = Journal::open(jdir, k_a, "fedcba", k_a);
  CHECK_FALSE(fresh.exists_on_disk());
  CHECK(retire_other_build(jdir, k_a, "fedcba").empty());  // nothing left to move
  // The kept journal still counts as applied content.
  REQUIRE(find_applied_content(jdir, k_a, k_b));
}

TEST_CASE("channel: the DC's channel decides; --change-channel moves it") {
  signing::RollbackState none;
  signing::RollbackState dev;
  dev.channels["dev"] = {2000, k_a};
  signing::RollbackState two = dev;
  two.channels["release"] = {10, k_b};

  // sdcadm's update_channel.
  CHECK(check_channel("dev", "dev", dev, false).dc_channel == "dev");
  CHECK_FALSE(check_channel("dev", "dev", dev, false).change_from);
  CHECK(code_of([&] { check_channel("release", "dev", dev, false); }) == ExitCode::trust_channel);
  CHECK(code_of([&] { check_channel("release", "dev", none, false); }) == ExitCode::trust_channel);
  const ChannelCheck moved = check_channel("release", "dev", dev, true);
  REQUIRE(moved.change_from);
  CHECK(*moved.change_from == "dev");
  CHECK_FALSE(check_channel("dev", "dev", dev, true).change_from);  // the flag alone moves nothing

  // No channel in sdcadm: the one channel the DC installed from.
  CHECK(check_channel("dev", "", dev, false).source == "installed bundles");
  CHECK(code_of([&] { check_channel("release", "", dev, false); }) == ExitCode::trust_channel);
  CHECK(code_of([&] { check_channel("dev", "", two, false); }) == ExitCode::trust_channel);  // ambiguous
  REQUIRE(check_channel("dev", "", two, true).change_from);
  // A first install: any channel.
  CHECK(check_channel("release", "", none, false).dc_channel.empty());
  CHECK_FALSE(check_channel("release", "", none, false).change_from);
}

TEST_CASE("freeze window: nothing built before the newest accepted bundle, on any channel") {
  TempDir dir;
  const Paths paths = Paths::under(dir.path);
  make_directories(dir.path + "/var/sdcadm/trust");
  manifest::BundleIndex dev;
  dev.bundle_id = k_a;
  dev.channel = "dev";
  dev.created = "2026-11-25T12:00:00Z";
  CHECK_FALSE(load_accepted(paths));
  CHECK(check_freeze_window(dev, std::nullopt, false).empty());  // nothing accepted yet
  record_accepted(paths, dev);
  const auto accepted = load_accepted(paths);
  REQUIRE(accepted);
  CHECK(accepted->bundle_id == k_a);
  manifest::BundleIndex old_release = dev;
  old_release.bundle_id = k_b;
  old_release.channel = "release";
  old_release.created = "2025-01-01T00:00:00Z";
  CHECK(code_of([&] { check_freeze_window(old_release, accepted, false); }) == ExitCode::trust_rollback);
  CHECK_FALSE(check_freeze_window(old_release, accepted, true).empty());  // the override's text
  manifest::BundleIndex same_time = old_release;
  same_time.created = dev.created;
  CHECK(check_freeze_window(same_time, accepted, false).empty());
  record_accepted(paths, old_release);  // an install under --allow-rollback keeps the newer mark
  CHECK(load_accepted(paths)->bundle_id == k_a);
}
