// `PATH --version` run safely: output, failures, hangs, and the version word.
#include <common/error.hpp>
#include <common/version_probe.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using common::Error;
using common::ExitCode;

namespace {

std::string script(const test_support::TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

bool refused(const std::string& path, const std::string& expected, std::chrono::milliseconds timeout) {
  try {
    common::version_output(path, timeout);
  } catch (const Error& e) {
    INFO(e.what());
    return e.code() == ExitCode::bad_data && std::string(e.what()).find(expected) != std::string::npos;
  }
  return false;
}

}  // namespace

TEST_CASE("version_output: what the program prints, and nothing from stdin or stderr") {
  test_support::TempDir dir;
  const std::string p = script(dir, "ok", "[ \"$1\" = --version ] || exit 9\necho oops >&2\necho 'tool 1.2.3'");
  CHECK(common::version_output(p) == "tool 1.2.3\n");
}

TEST_CASE("version_output: failures, hangs and runaway output are refused") {
  test_support::TempDir dir;
  using std::chrono::milliseconds;
  CHECK(refused(script(dir, "fails", "exit 4"), "(exit 4)", milliseconds(5000)));
  CHECK(refused(dir.path() + "/missing", "(exit 126)", milliseconds(5000)));
  const std::string not_exec = dir.path() + "/plain";
  std::ofstream(not_exec) << "text";
  CHECK(refused(not_exec, "(exit 126)", milliseconds(5000)));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(refused(script(dir, "hangs", "echo 'tool 1.0.0'\nexec sleep 30"), "did not finish within 300 ms", milliseconds(300)));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  // Endless output: cut at the bound, and the writer dies of the closed pipe.
  CHECK(refused(script(dir, "chatty", "yes 'tool 1.0.0'"), "did not", milliseconds(5000)));
}

TEST_CASE("version_word: the last word of the first line") {
  CHECK(common::version_word("sdcadm-install 0.2.0\n") == "0.2.0");
  CHECK(common::version_word("sdcadm-install 0.2.0 \r\nmore 9.9.9\n") == "0.2.0");
  CHECK(common::version_word("0.3.0") == "0.3.0");
  CHECK(common::version_word(" \t\nx 1.0.0\n").empty());
  CHECK(common::version_word("").empty());
}
