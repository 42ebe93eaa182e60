#pragma once
// fake-sdcadm's command line (CLI11), mapped onto the cmd_* functions of commands.hpp.

namespace fake_sdcadm {

// Parses argv, runs the command, prints errors; returns the process exit status.
int run(int argc, char** argv);

}  // namespace fake_sdcadm
