#include <common/log.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace logging = common::log;
using test_support::StderrCapture;
using test_support::TempDir;

namespace {

std::vector<nlohmann::json> read_records(const std::string& path) {
  std::vector<nlohmann::json> records;
  std::istringstream in(test_support::slurp(path));
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

// "2026-11-25T12:00:00.123Z": digits where the template has 'd', the rest literal.
bool is_iso_time(const std::string& s) {
  const std::string templ = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != templ.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool digit = s[i] >= '0' && s[i] <= '9';
    if (templ[i] == 'd' ? !digit : s[i] != templ[i]) return false;
  }
  return true;
}

// Each test configures the process-wide logger; put the default back afterwards.
struct LogReset {
  ~LogReset() {
    logging::set_stderr_hook({});
    logging::configure(logging::Config{});
  }
};

}  // namespace

TEST_CASE("records are bunyan JSON lines with fields merged", "[log]") {
  LogReset reset;
  TempDir dir;
  logging::Config config;
  config.name = "unit-test";
  config.file = dir.file("log.json");
  config.stderr_level = logging::Level::fatal;
  logging::configure(config);

  logging::info("hello", {{"image", "abc"}, {"size", 42}, {"msg", "must not win"}, {"v", 7}});
  logging::write(logging::Level::error, "broke", nlohmann::json("not an object"));
  logging::warn("bad bytes \xff\xfe here");

  const auto records = read_records(config.file);
  REQUIRE(records.size() == 3);
  const auto& r = records[0];
  CHECK(r["name"] == "unit-test");
  CHECK(r["hostname"].is_string());
  CHECK_FALSE(r["hostname"].get<std::string>().empty());
  CHECK(r["pid"] == static_cast<long>(::getpid()));
  CHECK(r["level"] == 30);
  CHECK(r["msg"] == "hello");
  CHECK(r["v"] == 0);
  CHECK(r["image"] == "abc");
  CHECK(r["size"] == 42);
  CHECK(is_iso_time(r["time"].get<std::string>()));
  CHECK(records[1]["level"] == 50);
  CHECK(records[1]["data"] == "not an object");
  CHECK(records[2]["level"] == 40);
  CHECK(records[2]["msg"].get<std::string>().find("bad bytes") == 0);
}

TEST_CASE("levels filter the file and stderr separately", "[log]") {
  LogReset reset;
  TempDir dir;
  logging::Config config;
  config.name = "tool";
  config.file = dir.file("log.json");
  config.file_level = logging::Level::info;
  config.stderr_level = logging::Level::warn;
  logging::configure(config);

  StderrCapture capture(dir.file("stderr"));
  logging::debug("not anywhere");
  logging::info("file only", {{"k", 1}});
  logging::warn("disk almost full", {{"secret_field", "x"}});
  logging::error("it failed");
  const std::string err = capture.text();

  const auto records = read_records(config.file);
  REQUIRE(records.size() == 3);
  CHECK(records[0]["msg"] == "file only");
  CHECK(err == "tool: warning: disk almost full\ntool: error: it failed\n");
}

TEST_CASE("info lines on stderr are plain text", "[log]") {
  LogReset reset;
  TempDir dir;
  logging::Config config;
  config.name = "tool";
  config.stderr_level = logging::Level::debug;
  logging::configure(config);
  StderrCapture capture(dir.file("stderr"));
  logging::info("importing 3 images");
  logging::debug("details");
  CHECK(capture.text() == "importing 3 images\ntool: debug: details\n");
  CHECK(std::string(logging::level_word(logging::Level::warn)) == "warning");
}

TEST_CASE("an unopenable log file falls back to stderr with one warning", "[log]") {
  LogReset reset;
  TempDir dir;
  StderrCapture capture(dir.file("stderr"));
  logging::Config config;
  config.name = "tool";
  config.file = dir.file("missing-dir/log.json");
  logging::configure(config);
  logging::warn("still works");
  logging::info("quiet");
  const std::string err = capture.text();
  CHECK(err.find("tool: warning: cannot open log file " + config.file) == 0);
  CHECK(err.find("logging to stderr only\n") != std::string::npos);
  CHECK(err.find("tool: warning: still works\n") != std::string::npos);
  CHECK(err.find("quiet") == std::string::npos);
}

TEST_CASE("make_dirs creates the log's directory; to_file writes the file only; file_path names it", "[log]") {
  LogReset reset;
  TempDir dir;
  StderrCapture capture(dir.file("stderr"));
  logging::Config config;
  config.name = "tool";
  config.file = dir.file("var/log/tool/tool.log");
  config.make_dirs = true;
  logging::configure(config);
  CHECK(logging::file_path() == config.file);
  logging::to_file(logging::Level::error, "exit 30", {{"exit_code", 30}});
  const auto records = read_records(config.file);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["level"] == 50);
  CHECK(records[0]["exit_code"] == 30);
  CHECK(capture.text().empty());
}

TEST_CASE("a log file that cannot be opened is one warning per file, however often it is configured", "[log]") {
  LogReset reset;
  TempDir dir;
  StderrCapture capture(dir.file("stderr"));
  logging::Config config;
  config.name = "tool";
  config.file = dir.file("a-file");
  std::ofstream(config.file) << "x";
  config.file += "/log.json";  // below a regular file: never openable
  config.make_dirs = true;
  logging::configure(config);
  CHECK(logging::file_path().empty());
  logging::configure(config);
  logging::to_file(logging::Level::error, "lost");
  const std::string err = capture.text();
  CHECK(err.find("tool: warning: cannot open log file " + config.file) == 0);
  CHECK(err.find("cannot open", err.find("cannot open") + 1) == std::string::npos);
}

TEST_CASE("the stderr hook runs before each human line", "[log]") {
  LogReset reset;
  TempDir dir;
  logging::Config config;
  config.name = "tool";
  logging::configure(config);
  StderrCapture capture(dir.file("stderr"));
  int calls = 0;
  logging::set_stderr_hook([&] {
    ++calls;
    if (::write(STDERR_FILENO, "[clear]", 7) != 7) FAIL("write to stderr failed");
  });
  logging::info("below threshold");
  logging::warn("shown");
  logging::set_stderr_hook({});
  logging::warn("again");
  CHECK(calls == 1);
  CHECK(capture.text() == "[clear]tool: warning: shown\ntool: warning: again\n");
}

TEST_CASE("concurrent writers produce whole lines", "[log]") {
  LogReset reset;
  TempDir dir;
  logging::Config config;
  config.file = dir.file("log.json");
  config.stderr_level = logging::Level::fatal;
  logging::configure(config);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) logging::info("line", {{"thread", t}, {"i", i}, {"pad", std::string(300, 'p')}});
    });
  }
  for (auto& th : threads) th.join();
  const auto records = read_records(config.file);  // throws if a line was torn
  CHECK(records.size() == 800);
}
