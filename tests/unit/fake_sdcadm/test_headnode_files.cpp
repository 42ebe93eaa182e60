#include "../common/test_support.hpp"

#include <tools/fake_sdcadm/lock.hpp>
#include <tools/fake_sdcadm/name_map.hpp>
#include <tools/fake_sdcadm/root.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

using namespace fake_sdcadm;

TEST_CASE("root: headnode paths and FILE arguments", "[fake_sdcadm]") {
  const Root root("/tmp/hn/");
  CHECK(root.dir() == "/tmp/hn");
  CHECK(root.path("/usbkey/config") == "/tmp/hn/usbkey/config");
  CHECK(root.file_arg("/usbkey/os/p.tgz") == "/tmp/hn/usbkey/os/p.tgz");
  CHECK(root.file_arg("p.tgz") == "p.tgz");
  CHECK(Root("/").path("/var/run/sdcadm.lock") == "/var/run/sdcadm.lock");
}

TEST_CASE("usbkey config: key=value with comments", "[fake_sdcadm]") {
  const auto config = parse_usbkey_config("#\n# comment\n\ndatacenter_name=sim-1\n imgapi_domain = 127.0.0.1:8080 \n"
                                          "empty=\n", "config");
  CHECK(config.at("datacenter_name") == "sim-1");
  CHECK(config.at("imgapi_domain") == "127.0.0.1:8080");
  CHECK(config.at("empty").empty());
  CHECK_THROWS_WITH(parse_usbkey_config("a=1\nno equals sign\n", "config"),
                    "config: line 2 is not key=value: no equals sign");

  test_support::TempDir dir;
  const Root root(dir.path());
  CHECK_THROWS_AS(dc_imgapi_url(root), common::Error);
  std::filesystem::create_directories(dir.path() + "/usbkey");
  common::write_file_atomic(dir.path() + "/usbkey/config", "dns_domain=example.com\n");
  CHECK_THROWS_WITH(dc_imgapi_url(root), Catch::Contains("has no imgapi_domain"));
  common::write_file_atomic(dir.path() + "/usbkey/config", "imgapi_domain=127.0.0.1:9\n");
  CHECK(dc_imgapi_url(root) == "http://127.0.0.1:9");
}

TEST_CASE("name map: sdcadm's defaults, sdcadm.conf replaces the whole map", "[fake_sdcadm]") {
  test_support::TempDir dir;
  const Root root(dir.path());
  NameMap map = load_name_map(root);
  CHECK(map.at("manatee") == std::vector<std::string>{"sdc-postgres"});
  CHECK(map.at("binder") == std::vector<std::string>{"mantav2-nameservice", "manta-nameservice"});
  CHECK(map.count("vm-agent") == 1);
  std::filesystem::create_directories(dir.path() + "/var/sdcadm");
  common::write_file_atomic(dir.path() + "/var/sdcadm/sdcadm.conf",
                            R"({"imgNamesFromSvcName": {"imgapi": ["imgapi", "imgapi-next"]}})");
  map = load_name_map(root);
  CHECK(map.size() == 1);  // top-level merge: the conf's map replaces the defaults' map
  CHECK(map.at("imgapi").size() == 2);
  common::write_file_atomic(dir.path() + "/var/sdcadm/sdcadm.conf", R"({"imgNamesFromSvcName": {"x": []}})");
  CHECK_THROWS_AS(load_name_map(root), common::Error);
  CHECK(quoted_names({"a", "b"}) == "a\", \"b");
}

TEST_CASE("lock: another process's fcntl lock makes us wait, then give up", "[fake_sdcadm]") {
  test_support::TempDir dir;
  const std::string path = dir.file("sdcadm.lock");
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the holder: takes the lock, says so, holds it for 1.5 s
    const FileLock held(path, "sdcadm lock", LockWait{}, {});
    (void)!::write(ready[1], "x", 1);
    ::usleep(1500 * 1000);
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  int waited = 0;
  LockWait quick;
  quick.limit = std::chrono::milliseconds(400);
  quick.notice = std::chrono::milliseconds(100);
  quick.retry = std::chrono::milliseconds(50);
  try {
    const FileLock lock(path, "sdcadm lock", quick, [&] { ++waited; });
    FAIL("took a held lock");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::locked);
    CHECK_THAT(e.what(), Catch::StartsWith("sdcadm lock is held by another process (" + path + ")"));
  }
  CHECK(waited == 1);
  quick.limit = std::chrono::milliseconds(5000);
  CHECK_NOTHROW(FileLock(path, "sdcadm lock", quick, {}));  // the holder exits after 1.5 s
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
}
