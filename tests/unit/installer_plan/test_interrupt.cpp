// Interruption (issue 12 items 1-3): process identity across pid reuse, the journal's child
// record, a watched sdcadm command (journaled, output through files, the first stop signal
// waited out, the second leaving it running), settling steps left "started", and the
// removal of temp files a kill -9 left.

#include "fixtures.hpp"

#include <installer/child_watch.hpp>
#include <installer/journal.hpp>
#include <installer/leftovers.hpp>
#include <installer/process_identity.hpp>
#include <installer/resume.hpp>
#include <installer/sdcadm_runner.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/stop_signal.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace installer;
using namespace test_fixtures;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A pid that ran and is gone (reaped).
long dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

}  // namespace

TEST_CASE("process identity: this process is alive with its start time, not with another") {
  const long self = ::getpid();
  const std::string start = process_start_time(self);
#if defined(__linux__) || defined(__sun)
  REQUIRE_FALSE(start.empty());
  CHECK_FALSE(process_alive(self, start + "1"));  // same pid, another start: a reused pid
#endif
  CHECK(process_alive(self, start));
  CHECK(process_alive(self, ""));
  CHECK_FALSE(process_alive(dead_pid(), ""));
  CHECK_FALSE(process_alive(0, ""));
}

TEST_CASE("process identity: an unreaped child that exited is not alive") {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  const std::string start = process_start_time(pid);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // it is a zombie now
  CHECK_FALSE(process_alive(pid, start));
  int status = 0;
  ::waitpid(pid, &status, 0);
}

TEST_CASE("journal: the step's child is written at once and read back; a new attempt clears it") {
  TempDir dir;
  {
    Journal j = Journal::open(dir.path, "b1", "d1");
    j.step_started("update-agents");
    j.step_child("update-agents", 4242, "12345", "sdcadm experimental update-agents f -y", "/o.out and .err");
    j.child_left_running("update-agents");
  }
  Journal j = Journal::open(dir.path, "b1", "d1");
  const JournalStep* s = j.find("update-agents");
  REQUIRE(s != nullptr);
  CHECK(s->state == StepState::started);
  CHECK(s->child_pid == 4242);
  CHECK(s->child_start == "12345");
  CHECK(s->child_command == "sdcadm experimental update-agents f -y");
  CHECK(s->child_output == "/o.out and .err");
  CHECK(s->child_left_running);
  j.step_started("update-agents");
  CHECK(j.find("update-agents")->child_pid == 0);
  CHECK_FALSE(j.find("update-agents")->child_left_running);
}

TEST_CASE("leftovers: AtomicFile temps of dead processes go, live ones and other files stay") {
  TempDir dir;
  const std::string dead = dir.path + "/b.json.tmp." + std::to_string(dead_pid()) + ".3";
  const std::string live = dir.path + "/b.json.tmp." + std::to_string(::getppid()) + ".1";
  const std::string mine = dir.path + "/b.json.tmp." + std::to_string(::getpid()) + ".1";
  const std::string other = dir.path + "/b.json.tmp.x.1";
  for (const auto& p : {dead, live, mine, other}) common::write_file_atomic(p, "x");
  CHECK(remove_stale_atomic_temps({dir.path, dir.path + "/missing"}) == 1);
  CHECK_FALSE(exists(dead));
  CHECK(exists(live));
  CHECK(exists(mine));
  CHECK(exists(other));
}

TEST_CASE("watched run: the child is reported before the wait, its output goes through files") {
  TempDir dir;
  const std::string prog = dir.path + "/sdcadm";
  write_script(prog, "cat > " + dir.path + "/stdin; echo one; echo two >&2; echo three; exit 4\n");
  ChildWatch watch;
  watch.output_dir = dir.path + "/output";
  ChildInfo seen;
  watch.started = [&](const ChildInfo& c) { seen = c; };
  std::vector<std::string> lines;
  RunOptions options;
  options.stdin_text = "[spec]\n";
  options.changes_dc = true;
  options.on_line = [&](Stream, std::string_view l) { lines.emplace_back(l); };
  RunResult r;
  {
    const ChildWatchScope scope(watch);
    r = run_program(prog, {"up", "-y"}, options);
  }
  CHECK(r.exit_code == 4);
  CHECK(r.out == "one\nthree\n");
  CHECK(r.err == "two\n");
  CHECK(read_file(dir.path + "/stdin") == "[spec]\n");
  CHECK(seen.pid > 0);
  CHECK(seen.command == "sdcadm up -y");
  CHECK(seen.output.find(watch.output_dir + "/") == 0);
  CHECK(lines.size() == 3);
  // Without changes_dc (a read-only command) the scope is not used.
  seen = {};
  {
    const ChildWatchScope scope(watch);
    run_program(prog, {"insts"}, {});
  }
  CHECK(seen.pid == 0);
}

TEST_CASE("watched run: the first stop signal waits for the command, the second leaves it running") {
  TempDir dir;
  const std::string prog = dir.path + "/sdcadm";
  write_script(prog, "sleep " + std::string("${1}") + "; echo finished > " + dir.path + "/done-$1\n");
  ChildWatch watch;
  watch.output_dir = dir.path + "/output";
  int waiting = 0, left = 0;
  watch.waiting = [&](const ChildInfo&) { ++waiting; };
  watch.left_running = [&](const ChildInfo&) { ++left; };
  RunOptions options;
  options.changes_dc = true;

  SECTION("one signal: the command finishes, its result comes back") {
    const common::StopSignals stop;
    std::thread signaller([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ::kill(::getpid(), SIGINT);
    });
    RunResult r;
    {
      const ChildWatchScope scope(watch);
      r = run_program(prog, {"1"}, options);
    }
    signaller.join();
    CHECK(r.exit_code == 0);
    CHECK(exists(dir.path + "/done-1"));
    CHECK(waiting == 1);
    CHECK(left == 0);
    CHECK(common::stop_count() == 1);
  }
  SECTION("two signals: Error(interrupted) at once, the command still runs and finishes alone") {
    const common::StopSignals stop;
    ChildInfo child;
    watch.started = [&](const ChildInfo& c) { child = c; };
    std::thread signaller([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ::kill(::getpid(), SIGTERM);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ::kill(::getpid(), SIGHUP);
    });
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const ChildWatchScope scope(watch);
      run_program(prog, {"3"}, options);
      FAIL("no error");
    } catch (const common::Error& e) {
      CHECK(e.code() == common::ExitCode::interrupted);
      CHECK(std::string(e.what()).find("left running") != std::string::npos);
      CHECK(std::string(e.what()).find("pid " + std::to_string(child.pid)) != std::string::npos);
    }
    signaller.join();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2500));
    CHECK(waiting == 1);
    CHECK(left == 1);
    CHECK(process_alive(child.pid, child.start));
    int status = 0;
    ::waitpid(static_cast<pid_t>(child.pid), &status, 0);  // our child: reap it once it ends
    CHECK(exists(dir.path + "/done-3"));                  // it finished, alone
  }
}

TEST_CASE("resume: started steps are settled as the history and the DC show them") {
  TempDir dir;
  History history(dir.path + "/history.jsonl");
  Journal j = Journal::open(dir.path + "/journal", "b1", "d1");
  j.step_started("platform-install");  // not in the plan any more: the DC shows it
  j.step_started("up-sapi");           // still planned: not finished
  j.step_started("update-other");      // its done record made it to the history
  const std::string other_started = j.find("update-other")->started;
  history.append({{"event", "step"}, {"run", "r0"}, {"bundle_id", "b1"}, {"step", "update-other"},
                  {"result", "done"}, {"started", other_started}});
  std::vector<std::string> said;
  settle_started_steps(j, history, Plan{}, {"r1", dir.path + "/os", {"stage", "import", "up-sapi"}},
                       [&](const std::string& l) { said.push_back(l); });
  CHECK(j.find("platform-install")->state == StepState::done);
  CHECK(j.find("up-sapi")->state == StepState::failed);
  CHECK(j.find("update-other")->state == StepState::done);
  const auto records = history.read_all();
  REQUIRE(records.size() == 3);  // update-other's record was there already
  CHECK(records[1]["step"] == "platform-install");
  CHECK(records[1]["result"] == "done");
  CHECK(records[1]["checked_on_resume"] == true);
  CHECK(records[1]["run"] == "r1");
  CHECK(records[2]["step"] == "up-sapi");
  CHECK(records[2]["result"] == "failed");
  CHECK(said.size() == 3);
}

TEST_CASE("resume: a command an earlier run left running is waited for, or refused with locked") {
  TempDir dir;
  Journal j = Journal::open(dir.path, "b1", "d1");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sleep", "sleep", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  j.step_started("update-agents");
  j.step_child("update-agents", pid, process_start_time(pid), "sdcadm experimental update-agents f -y", "o");
  try {
    wait_for_earlier_commands(j, std::chrono::milliseconds(100), {});
    FAIL("no error");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::locked);
    CHECK(std::string(e.what()).find("(pid " + std::to_string(pid) + ")") != std::string::npos);
    CHECK(std::string(e.what()).find("sdcadm experimental update-agents f -y") != std::string::npos);
  }
  // Reaped by a helper thread as it ends (as init reaps the orphan of a killed installer).
  std::thread reaper([pid] { int st = 0; ::waitpid(pid, &st, 0); });
  std::vector<std::string> said;
  wait_for_earlier_commands(j, std::chrono::seconds(10), [&](const std::string& l) { said.push_back(l); });
  reaper.join();
  REQUIRE_FALSE(said.empty());
  CHECK(said.front().find("Waiting for step update-agents") == 0);
}
