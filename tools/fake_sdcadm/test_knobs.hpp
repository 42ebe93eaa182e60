#pragma once
// Test knobs around every fake-sdcadm command, for the installer's interruption tests
// (docs/simulated-headnode.md "Slow commands, the command log, killing the caller"):
//
//   * the command log: <root>/var/fake-sdcadm/commands.log gets one line when a command
//     starts and one when it ends, "start PID EPOCH_MS - ARGV..." / "end PID EPOCH_MS RC
//     ARGV...", each one O_APPEND write, so a test can prove that no two runs of a command
//     overlapped (the state's "log" records only successful runs, at their end);
//   * FAKE_SDCADM_SLOW="WORDS=SECONDS[,WORDS=SECONDS...]": a command whose argv, joined by
//     spaces, starts with WORDS sleeps SECONDS before it does anything (so a test can
//     signal or kill the installer while the command runs);
//   * FAKE_SDCADM_KILL_PARENT="WORDS[,WORDS...]": after such a command succeeded (state
//     saved), the fake sends SIGKILL to its parent: the installer dies between the
//     command and its journal update, with no hook inside the installer.

#include <tools/fake_sdcadm/root.hpp>

#include <string>
#include <vector>

namespace fake_sdcadm {

// Writes the "start" line and applies FAKE_SDCADM_SLOW. Error(usage) for a malformed knob.
void command_starting(const Root& root, const std::vector<std::string>& argv);

// Writes the "end" line with the exit code; when rc is 0, applies FAKE_SDCADM_KILL_PARENT.
void command_ended(const Root& root, const std::vector<std::string>& argv, int rc);

}  // namespace fake_sdcadm
