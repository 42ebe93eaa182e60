#pragma once
// What an apply step wants to know about the sdcadm command it runs (issue 12 items 1, 2).
//
// An sdcadm command that changes the DC (update-agents, up, platform install, ...) must
// never be orphaned silently, nor started twice. Only `sdcadm up`/`update` takes the sdcadm
// lock (TritonDataCenter/sdcadm:lib/cli/do_update.js:126-127, acquireLock);
// lib/cli/do_update_agents.js, lib/cli/do_update_gz_tools.js and lib/platform.js call no
// acquireLock. update-agents guards only the per-node install script with a pid file in
// /var/tmp that its own comment calls "not fully race-free" (do_update_agents.js:343-372),
// so two runs would install agents on every node at once. So while a step runs, a
// ChildWatchScope is active and the runner
// (sdcadm_runner.cpp):
//   * starts the child in its own process group (a terminal Ctrl-C reaches only the
//     installer) with stdout and stderr going to files under `output_dir`, which the
//     installer follows; unlike a pipe, a file outlives the installer, so a killed or
//     departed installer does not take the child down with SIGPIPE at its next line;
//   * reports the child (pid, start time, command, output files) through `started`, which
//     journals it before the runner waits: a re-run finds it there (installer/resume.hpp);
//   * on the first stop signal calls `waiting` (the operator is told the step finishes
//     first and that a second Ctrl-C leaves it running) and goes on waiting;
//   * on the second calls `left_running` (journaled) and throws Error(interrupted), leaving
//     the child running.
// Without a scope (read-only commands, unit tests) children still get their own process
// group and pipes; a second stop signal ends them (they change nothing).

#include <functional>
#include <string>

namespace installer {

struct ChildInfo {
  long pid = 0;
  std::string start;    // process_identity.hpp, "" unknown
  std::string command;  // "sdcadm experimental update-agents FILE ..."
  std::string output;   // "<dir>/<name>.out and .err"
};

struct ChildWatch {
  std::string output_dir;
  std::function<void(const ChildInfo&)> started;
  std::function<void(const ChildInfo&)> waiting;
  std::function<void(const ChildInfo&)> left_running;
};

// Makes `watch` the current one for the scope's lifetime (one at a time: apply runs one
// step at a time).
class ChildWatchScope {
 public:
  explicit ChildWatchScope(const ChildWatch& watch);
  ~ChildWatchScope();
  ChildWatchScope(const ChildWatchScope&) = delete;
  ChildWatchScope& operator=(const ChildWatchScope&) = delete;

  // The active watch, nullptr outside a scope.
  static const ChildWatch* current();

 private:
  const ChildWatch* m_previous;
};

}  // namespace installer
