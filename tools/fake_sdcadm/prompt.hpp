#pragma once
// sdcadm's confirmation: common.promptYesNo reads the answer from /dev/tty when stdin is
// not a terminal, so automation must pass -y (sdcadm.md §2.1).

#include <string>

namespace fake_sdcadm {

// True when standard input is a terminal.
bool stdin_is_tty();

// Asks `question` on /dev/tty and returns true for "y"/"yes". Throws Error(usage) when there
// is no terminal to ask on ("... pass -y").
bool confirm(const std::string& question);

}  // namespace fake_sdcadm
