#include <common/progress.hpp>

#include <common/log.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <thread>
#include <vector>

using common::Progress;
using common::Terminal;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point t{std::chrono::hours(1000)};
  Progress::Clock fn() {
    return [this] { return t; };
  }
};

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

constexpr std::uint64_t k_mib = 1024 * 1024;

}  // namespace

TEST_CASE("format_bytes uses binary units with one decimal", "[progress]") {
  CHECK(common::format_bytes(0) == "0 B");
  CHECK(common::format_bytes(1023) == "1023 B");
  CHECK(common::format_bytes(1024) == "1.0 KiB");
  CHECK(common::format_bytes(1536) == "1.5 KiB");
  CHECK(common::format_bytes(k_mib - 1) == "1.0 MiB");  // never "1024.0 KiB"
  CHECK(common::format_bytes(69 * k_mib) == "69.0 MiB");
  CHECK(common::format_bytes(3 * k_mib * 512) == "1.5 GiB");
  CHECK(common::format_bytes(5ull << 40) == "5.0 TiB");
  CHECK(common::format_bytes(UINT64_MAX) == "16.0 EiB");
}

TEST_CASE("format_duration picks seconds, minutes or hours", "[progress]") {
  CHECK(common::format_duration(0s) == "0s");
  CHECK(common::format_duration(45s) == "45s");
  CHECK(common::format_duration(60s) == "1m00s");
  CHECK(common::format_duration(185s) == "3m05s");
  CHECK(common::format_duration(3720s) == "1h02m");
  CHECK(common::format_duration(180000s) == "50h00m");
  CHECK(common::format_duration(-5s) == "0s");
}

TEST_CASE("terminal mode redraws in place at most ~6 times a second", "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  Progress p("image.zfs.gz", 100 * k_mib, out, Terminal::yes, 80, clock.fn());
  p.update(1 * k_mib);  // first update draws at once
  for (int i = 2; i <= 50; ++i) {
    clock.t += 10ms;    // 490 ms of updates every 10 ms: ~3 redraws, not 49
    p.update(i * k_mib);
  }
  const std::string text = out.str();
  CHECK(count(text, "\r\033[K") >= 2);
  CHECK(count(text, "\r\033[K") <= 4);
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find("image.zfs.gz  1%  1.0 MiB / 100.0 MiB") != std::string::npos);

  clock.t += 1s;
  p.update(50 * k_mib);
  // 50 MiB in 1.49 s: rate ~33.6 MiB/s, 50 MiB left takes ~1 s more.
  CHECK(out.str().find("50%  50.0 MiB / 100.0 MiB  33.") != std::string::npos);
  CHECK(out.str().find("ETA 1s") != std::string::npos);

  clock.t += 500ms;
  p.update(100 * k_mib);
  p.finish();
  const auto all = lines(out.str());
  REQUIRE(all.size() == 1);  // the bar never printed a newline; finish() printed one
  CHECK(out.str().find("\r\033[Kimage.zfs.gz: 100.0 MiB in 1s (") != std::string::npos);
  CHECK(out.str().back() == '\n');
}

TEST_CASE("the count never goes backwards", "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  Progress p("x", 1000, out, Terminal::yes, 80, clock.fn());
  p.update(600);
  p.update(200);
  CHECK(p.done() == 600);
  clock.t += 1s;
  p.update(300);  // would be a redraw if accepted
  CHECK(p.done() == 600);
  CHECK(out.str().find("30%") == std::string::npos);
  CHECK(out.str().find("20%") == std::string::npos);
  p.update(600);  // equal is fine
  p.update(700);
  CHECK(p.done() == 700);
}

TEST_CASE("the terminal line fits the width", "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  const std::string label(200, 'L');
  Progress p(label, 10 * k_mib, out, Terminal::yes, 60, clock.fn());
  clock.t += 2s;
  p.update(5 * k_mib);
  std::string line = out.str();
  REQUIRE(line.rfind("\r\033[K", 0) == 0);
  line = line.substr(4);
  CHECK(line.size() <= 59);
  CHECK(line.find("...") != std::string::npos);
  CHECK(line.find("50%") != std::string::npos);
}

TEST_CASE("unknown totals show bytes and rate only", "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  Progress p("stream", 0, out, Terminal::yes, 80, clock.fn());
  clock.t += 2s;
  p.update(4 * k_mib);
  CHECK(out.str() == "\r\033[Kstream  4.0 MiB  2.0 MiB/s");
}

TEST_CASE("without a terminal only quarter marks, slow ticks and the summary print",
          "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  Progress p("file", 400, out, Terminal::no, 80, clock.fn());
  for (int i = 1; i <= 99; ++i) {  // 99 updates over ~5 s, up to 297 of 400 bytes
    clock.t += 50ms;
    p.update(static_cast<std::uint64_t>(i) * 3);
  }
  CHECK(out.str().find('\r') == std::string::npos);
  CHECK(out.str().find('\033') == std::string::npos);
  auto all = lines(out.str());
  REQUIRE(all.size() == 2);  // 25 % after 1.65 s, 50 % after 3.3 s; 75 % not reached
  CHECK(all[0].rfind("file: 25%  102 B / 400 B", 0) == 0);
  CHECK(all[1].rfind("file: 50%", 0) == 0);

  clock.t += 12s;  // a stall longer than the 10 s tick
  p.update(301);
  all = lines(out.str());
  REQUIRE(all.size() == 3);
  CHECK(all[2].rfind("file: 75%", 0) == 0);
  clock.t += 3s;
  p.update(310);
  CHECK(lines(out.str()).size() == 3);
  clock.t += 10s;
  p.update(311);
  CHECK(lines(out.str()).size() == 4);
  p.update(400);
  p.finish();
  p.finish();
  all = lines(out.str());
  REQUIRE(all.size() == 5);
  CHECK(all[4] == "file: 400 B in 29s (13 B/s)");
}

TEST_CASE("a fast small transfer without a terminal prints only the summary", "[progress]") {
  std::ostringstream out;
  FakeClock clock;
  Progress p("small", 1000, out, Terminal::no, 80, clock.fn());
  for (int i = 1; i <= 10; ++i) {
    clock.t += 10ms;
    p.update(static_cast<std::uint64_t>(i) * 100);
  }
  p.finish();
  p.update(5000);  // after finish: ignored
  CHECK(out.str() == "small: 1000 B in 0s (9.8 KiB/s)\n");
}

TEST_CASE("an unfinished terminal bar is cleared on destruction", "[progress]") {
  std::ostringstream out;
  {
    Progress p("gone", 10, out, Terminal::yes);
    p.update(5);
  }
  const std::string text = out.str();
  CHECK(text.size() > 8);
  CHECK(text.substr(text.size() - 4) == "\r\033[K");
}

TEST_CASE("updates from several threads keep the maximum", "[progress]") {
  std::ostringstream out;
  Progress p("mt", 4000, out, Terminal::yes);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&p, t] {
      for (std::uint64_t i = 0; i < 1000; ++i) p.update(i * 4 + static_cast<std::uint64_t>(t));
    });
  }
  for (auto& th : threads) th.join();
  CHECK(p.done() == 3999);
}

TEST_CASE("mode never prints nothing", "[progress]") {
  test_support::TempDir dir;
  test_support::StderrCapture capture(dir.file("stderr"));
  {
    Progress p("silent", 10, common::ProgressMode::never);
    p.update(10);
    p.finish();
    CHECK(p.done() == 10);
  }
  CHECK(capture.text().empty());
}

TEST_CASE("mode always draws on stderr and log lines clear the bar first", "[progress]") {
  test_support::TempDir dir;
  test_support::StderrCapture capture(dir.file("stderr"));
  {
    Progress p("bar", 100, common::ProgressMode::always);
    p.update(10);
    common::log::warn("retrying");
    p.update(20);  // redrawn at once after the log line, despite the 6 Hz limit
    p.finish();
  }
  common::log::warn("after");  // the finished bar's hook is gone
  const std::string text = capture.text();
  CHECK(text.rfind("\r\033[Kbar  10%  10 B / 100 B", 0) == 0);
  const auto warn = text.find("\r\033[Ksdcadm-bundle: warning: retrying\n\r\033[Kbar  20%");
  CHECK(warn != std::string::npos);
  CHECK(text.find("\r\033[Kbar: 20 B in 0s") != std::string::npos);
  const std::string tail = "\nsdcadm-bundle: warning: after\n";  // no clearing: hook is gone
  REQUIRE(text.size() >= tail.size());
  CHECK(text.substr(text.size() - tail.size()) == tail);
}
