// Free-space checks: needs on one file system add up; the test knob; the message.
#include "installer_support.hpp"

#include <installer/free_space.hpp>

#include <cstdlib>

using namespace installer;
using namespace installer_test;

namespace {

// Sets SDCB_TEST_FREE_BYTES for one scope.
struct FreeBytes {
  explicit FreeBytes(const std::string& value) { ::setenv("SDCB_TEST_FREE_BYTES", value.c_str(), 1); }
  ~FreeBytes() { ::unsetenv("SDCB_TEST_FREE_BYTES"); }
};

}  // namespace

TEST_CASE("available_space: a path that does not exist yet asks its ancestor", "[space]") {
  TempDir dir;
  const auto fs = available_space(dir.file("not/yet/there"));
  CHECK(fs.available > 0);
  CHECK(fs.path == dir.file("not/yet/there"));
}

TEST_CASE("require_space: needs on one file system are added up", "[space]") {
  TempDir dir;
  FreeBytes knob(std::to_string(k_space_reserve + 1000));
  const auto ok = require_space({{dir.file("a"), 600, "staging"}, {dir.file("b"), 400, "import"}});
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].needed == 1000);
  CHECK(ok[0].available == k_space_reserve + 1000);
  const auto msg = message_of([&] {
    require_space({{dir.file("a"), 600, "staging"}, {dir.file("b"), 401, "IMGAPI import of 2 image(s)"}});
  });
  CHECK(msg.find("not enough free space on the file system of " + dir.file("a") +
                 " for staging (600 B) + IMGAPI import of 2 image(s) (401 B): need 1001 B (1001 bytes)") == 0);
  CHECK(msg.find("have 64.0 MiB (" + std::to_string(k_space_reserve + 1000) + " bytes)") != std::string::npos);
  CHECK(msg.find("Nothing was written") != std::string::npos);
  CHECK(code_of([&] { require_space({{dir.file("a"), 1001, "x"}}); }) == common::ExitCode::no_space);
  CHECK(require_space({{dir.file("a"), 0, "nothing"}}).empty());
}

TEST_CASE("require_space: less than the reserve free refuses any write", "[space]") {
  TempDir dir;
  FreeBytes knob("1000");
  CHECK(code_of([&] { require_space({{dir.path(), 1, "x"}}); }) == common::ExitCode::no_space);
}

TEST_CASE("the test knob must be a byte count", "[space]") {
  TempDir dir;
  for (const char* bad : {"x", "-1", "12k", "99999999999999999999999"}) {
    FreeBytes knob(bad);
    INFO(bad);
    CHECK(code_of([&] { available_space(dir.path()); }) == common::ExitCode::usage);
  }
}
