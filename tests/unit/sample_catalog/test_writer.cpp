#include <tools/sample_catalog/writer.hpp>

#include <common/error.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace sample_catalog;
namespace fs = std::filesystem;

namespace {

std::size_t entries(const std::string& dir) { return sdcb_test::dir_entries(dir).size(); }

common::ExitCode failure_code(const CatalogPlan& plan, const std::string& dir, ExistingDir e) {
  try {
    write_catalog(plan, dir, e);
  } catch (const common::Error& err) {
    return err.code();
  }
  return common::ExitCode::ok;
}

}  // namespace

TEST_CASE("write_catalog: pairs plus channels.json and catalog.json, nothing else",
          "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const CatalogPlan plan = plan_catalog(1, 0);
  const std::string out = s.path() + "/catalog";
  const WriteSummary summary = write_catalog(plan, out, ExistingDir::refuse);
  CHECK(summary.images == plan.images.size());
  CHECK(entries(out) == 2 * plan.images.size() + 2);
  CHECK(fs::exists(out + "/channels.json"));
  CHECK(fs::exists(out + "/catalog.json"));
  CHECK(fs::exists(out + "/" + plan.images.front().uuid + ".imgfile"));
  CHECK(entries(s.path()) == 1);  // no staging directory left
}

TEST_CASE("write_catalog: refuses a non-empty directory, replaces it on request",
          "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const std::string out = s.path() + "/catalog";
  fs::create_directory(out);
  std::ofstream(out + "/keep.txt") << "user data";
  const CatalogPlan plan = plan_catalog(2, 0);
  CHECK(failure_code(plan, out, ExistingDir::refuse) == common::ExitCode::conflict);
  CHECK(fs::exists(out + "/keep.txt"));
  write_catalog(plan, out + "/", ExistingDir::replace);
  CHECK_FALSE(fs::exists(out + "/keep.txt"));
  CHECK(entries(out) == 2 * plan.images.size() + 2);
  CHECK(entries(s.path()) == 1);
}

TEST_CASE("write_catalog: an empty directory or a missing parent is fine; a file is not",
          "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  const CatalogPlan plan = plan_catalog(3, 0);
  fs::create_directory(s.path() + "/empty");
  write_catalog(plan, s.path() + "/empty", ExistingDir::refuse);
  write_catalog(plan, s.path() + "/a/b/c", ExistingDir::refuse);
  CHECK(fs::exists(s.path() + "/a/b/c/catalog.json"));
  std::ofstream(s.path() + "/file") << "x";
  CHECK(failure_code(plan, s.path() + "/file", ExistingDir::replace) == common::ExitCode::conflict);
}

TEST_CASE("write_catalog: a failure midway leaves neither a catalog nor staging files",
          "[sample_catalog]") {
  sdcb_test::ScratchDir s;
  CatalogPlan plan = plan_catalog(4, 0);
  plan.images[5].uuid = plan.images[3].uuid;  // the second file of that name cannot be created
  const std::string out = s.path() + "/catalog";
  CHECK(failure_code(plan, out, ExistingDir::refuse) == common::ExitCode::io);
  CHECK_FALSE(fs::exists(out));
  CHECK(entries(s.path()) == 0);

  // With --force, the old catalog survives a failed replacement.
  write_catalog(plan_catalog(4, 0), out, ExistingDir::refuse);
  CHECK(failure_code(plan, out, ExistingDir::replace) == common::ExitCode::io);
  CHECK(entries(out) == 2 * plan.images.size() + 2);
  CHECK(entries(s.path()) == 1);
}
