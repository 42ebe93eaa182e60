// The history: append-only JSON lines, rotated by size, read back in order, as text.

#include "fixtures.hpp"

#include <installer/history.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace installer;
using namespace test_fixtures;

TEST_CASE("history: appends lines, never rewrites, rotates by size and reads back in order") {
  TempDir dir;
  const std::string path = dir.path + "/var/sdcadm/install/history.jsonl";
  History h(path, HistoryOptions{300, 2});
  for (int i = 0; i < 12; ++i) h.append({{"event", "step"}, {"run", "r"}, {"n", i}, {"pad", std::string(60, 'x')}});
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(static_cast<std::uint64_t>(st.st_size) < 300 + 200);
  CHECK(::stat((path + ".1").c_str(), &st) == 0);
  CHECK(::stat((path + ".2").c_str(), &st) == 0);
  CHECK(::stat((path + ".3").c_str(), &st) != 0);  // keep = 2: older ones dropped
  const auto records = h.read_all();
  REQUIRE(records.size() >= 6);
  CHECK(records.back()["n"] == 11);
  for (std::size_t i = 1; i < records.size(); ++i) CHECK(records[i]["n"].get<int>() == records[i - 1]["n"].get<int>() + 1);
}

TEST_CASE("history: a torn last line is skipped, the rest is read") {
  TempDir dir;
  const std::string path = dir.path + "/h.jsonl";
  History h(path);
  h.append({{"event", "run-start"}, {"run", "r1"}, {"time", "T1"}, {"bundle_id", "B"}, {"channel", "release"},
            {"user", "root"}, {"overrides", {{"force", true}, {"yes", true}, {"spec", "spec.json"}}}});
  h.append({{"event", "step"}, {"run", "r1"}, {"step", "stage"}, {"result", "done"}, {"seconds", 1.25}});
  h.append({{"event", "step"}, {"run", "r1"}, {"step", "up-services"}, {"result", "failed"}, {"seconds", 2.0},
            {"error", "sdcadm up failed"}});
  h.append({{"event", "run-end"}, {"run", "r1"}, {"result", "failed"}, {"error", "step up-services failed"}});
  std::system(("printf '{\"event\": \"run-st' >> " + path).c_str());
  std::size_t skipped = 0;
  const auto records = h.read_all(&skipped);
  CHECK(records.size() == 4);
  CHECK(skipped == 1);
  CHECK(history_text(records) ==
        "T1  bundle B (release) by root --force -f spec.json: failed\n"
        "    stage: done (1.2s)\n"
        "    up-services: failed (2.0s): sdcadm up failed\n"
        "    error: step up-services failed\n");
  CHECK(history_text({}) == "No installs recorded yet.\n");
  CHECK(new_run_id() != new_run_id());
  CHECK_FALSE(current_user().empty());
}
