// The journal: what a later run reads back after each kind of interruption.

#include "fixtures.hpp"

#include <installer/journal.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace installer;
using namespace test_fixtures;

namespace {
const std::string k_id = "b0000000-0000-4000-8000-000000000001";
}

TEST_CASE("journal: nothing on disk until the first change, then every change is on disk") {
  TempDir dir;
  const std::string jdir = dir.path + "/var/sdcadm/install/journal";
  Journal j = Journal::open(jdir, k_id, "digest-1");
  CHECK_FALSE(j.exists_on_disk());
  j.begin_run();
  j.step_started("stage");
  {
    // A kill -9 now: the next run sees the step started, not done.
    const Journal again = Journal::open(jdir, k_id, "digest-1");
    CHECK(again.exists_on_disk());
    REQUIRE(again.find("stage"));
    CHECK(again.find("stage")->state == StepState::started);
    CHECK_FALSE(again.is_done("stage"));
    CHECK(again.stopped_at() == "stage");
  }
  j.step_done("stage");
  j.step_started("import");
  j.step_failed("import", "IMGAPI is down");
  {
    const Journal again = Journal::open(jdir, k_id, "digest-1");
    CHECK(again.is_done("stage"));
    CHECK(again.find("import")->state == StepState::failed);
    CHECK(again.find("import")->error == "IMGAPI is down");
    CHECK(again.stopped_at() == "import");
    CHECK(again.runs() == 1);
  }
  j.step_started("import");
  j.step_done("import");
  j.finish();
  const Journal done = Journal::open(jdir, k_id, "digest-1");
  CHECK(done.finished());
  CHECK(done.find("import")->attempts == 2);
  CHECK(done.stopped_at().empty());
}

TEST_CASE("journal: a damaged journal or one of another bundle digest is refused") {
  TempDir dir;
  Journal j = Journal::open(dir.path, k_id, "digest-1");
  j.begin_run();
  try {
    Journal::open(dir.path, k_id, "digest-2");
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::conflict);
  }
  common::write_file_atomic(dir.path + "/" + k_id + ".json", "{\"steps\": [");
  try {
    Journal::open(dir.path, k_id, "digest-1");
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::bad_data);
    CHECK(std::string(e.what()).find("move the file away") != std::string::npos);
  }
  common::write_file_atomic(dir.path + "/" + k_id + ".json",
                            "{\"bundle_id\": \"" + k_id + "\", \"bundle_digest\": \"digest-1\", "
                            "\"steps\": [{\"name\": \"stage\", \"state\": \"maybe\"}]}");
  CHECK_THROWS_WITH(Journal::open(dir.path, k_id, "digest-1"), Catch::Contains("unknown step state"));
}
