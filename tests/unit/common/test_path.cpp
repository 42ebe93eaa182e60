#include <common/path.hpp>

#include <catch2/catch.hpp>

using common::base_name;
using common::dir_of;

TEST_CASE("dir_of names the directory holding a path", "[path]") {
  CHECK(dir_of("b.sdc") == ".");
  CHECK(dir_of("/b.sdc") == "/");
  CHECK(dir_of("out/b.sdc") == "out");
  CHECK(dir_of("/var/tmp/out/b.sdc") == "/var/tmp/out");
  CHECK(dir_of("./b.sdc") == ".");
  CHECK(dir_of("../b.sdc") == "..");
}

TEST_CASE("base_name is the last name of a path", "[path]") {
  CHECK(base_name("b.sdc") == "b.sdc");
  CHECK(base_name("/b.sdc") == "b.sdc");
  CHECK(base_name("out/b.sdc.001") == "b.sdc.001");
  CHECK(base_name("out/") == "");
}

TEST_CASE("dir_of and base_name put a path back together", "[path]") {
  for (const std::string path : {"/usbkey/images/a.imgfile", "out/b.sdc", "/b.sdc"}) {
    const std::string dir = dir_of(path);
    CHECK((dir == "/" ? dir : dir + "/") + base_name(path) == path);
  }
}
