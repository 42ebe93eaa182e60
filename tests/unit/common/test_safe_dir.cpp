// common::SafeDir and require_no_links (issue 12 item 10): directories under a root are
// opened (and created) without following links; a link at any level below the root is
// unsafe_path naming it; the root itself may be reached through a link.
#include <common/safe_dir.hpp>

#include <common/error.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

using common::SafeDir;
using test_support::TempDir;

namespace {

using sdcb_test::code_of;  // tests/unit/support/error_capture.hpp: a call that throws nothing fails

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const common::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("SafeDir creates missing directories and writes through the descriptor", "[safe_dir]") {
  TempDir dir;
  const std::string root = dir.file("root");
  ::mkdir(root.c_str(), 0755);
  const SafeDir d = SafeDir::open(root, root + "/usbkey/images");
  CHECK(d.path() == root + "/usbkey/images");
  const int fd = ::openat(d.fd(), "x", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  ::close(fd);
  CHECK(test_support::exists(root + "/usbkey/images/x"));
  CHECK(SafeDir::open(root, root).path() == root);
  CHECK(code_of([&] { SafeDir::open(root, root + "/var/missing", SafeDir::Create::no); }) ==
        common::ExitCode::not_found);
}

TEST_CASE("a link at any level below the root is unsafe_path, named; nothing is created through it", "[safe_dir]") {
  TempDir dir;
  const std::string root = dir.file("root");
  const std::string elsewhere = dir.file("elsewhere");
  std::filesystem::create_directories(root + "/usbkey/extra");
  ::mkdir(elsewhere.c_str(), 0755);
  for (const std::string& link : {root + "/usbkey", root + "/usbkey/extra", root + "/usbkey/extra/platforms"}) {
    INFO(link);
    std::filesystem::create_directories(root + "/usbkey/extra");
    std::filesystem::remove_all(link);
    REQUIRE(::symlink(elsewhere.c_str(), link.c_str()) == 0);
    const std::string target = root + "/usbkey/extra/platforms";
    CHECK(code_of([&] { SafeDir::open(root, target); }) == common::ExitCode::unsafe_path);
    CHECK(message_of([&] { SafeDir::open(root, target); }).find(link + " is a symbolic link") == 0);
    CHECK(code_of([&] { common::require_no_links(root, target); }) == common::ExitCode::unsafe_path);
    CHECK(std::filesystem::is_empty(elsewhere));
    ::unlink(link.c_str());
  }
}

TEST_CASE("a file where a directory should be is unsafe_path", "[safe_dir]") {
  TempDir dir;
  const std::string root = dir.file("root");
  std::filesystem::create_directories(root + "/usbkey");
  std::ofstream(root + "/usbkey/images") << "not a directory";
  CHECK(message_of([&] { SafeDir::open(root, root + "/usbkey/images"); }).find("is not a directory") !=
        std::string::npos);
  CHECK(code_of([&] { common::require_no_links(root, root + "/usbkey/images"); }) == common::ExitCode::unsafe_path);
}

TEST_CASE("the root itself may be a link (the operator's choice); missing directories pass the check", "[safe_dir]") {
  TempDir dir;
  const std::string real = dir.file("real");
  const std::string root = dir.file("root-link");
  ::mkdir(real.c_str(), 0755);
  REQUIRE(::symlink(real.c_str(), root.c_str()) == 0);
  SafeDir::open(root, root + "/usbkey/images");
  CHECK(test_support::exists(real + "/usbkey/images"));
  common::require_no_links(root, root + "/var/sdcadm/install/journal");  // missing: fine
  CHECK(code_of([&] { SafeDir::open("/", "/elsewhere-than-root/../x"); }) == common::ExitCode::internal);
}
