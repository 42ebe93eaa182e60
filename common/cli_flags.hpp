#pragma once
// Command-line pieces both front ends (sdcadm-bundle, sdcadm-install) share: the
// --progress/--no-progress pair and the -j output writer. Header-only so that common/
// itself does not depend on CLI11; only the front ends, which link it, include this.

#include <common/json.hpp>
#include <common/progress.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

namespace common {

struct ProgressFlags {
  bool on = false;
  bool off = false;
  // never with --json or --no-progress, always with --progress, else auto (a TTY).
  ProgressMode mode(bool json) const {
    if (json || off) return ProgressMode::never;
    if (on) return ProgressMode::always;
    return ProgressMode::auto_detect;
  }
};

inline void add_progress_flags(CLI::App& cmd, ProgressFlags& flags) {
  CLI::Option* on = cmd.add_flag("--progress", flags.on,
                                 "Draw progress bars even when stderr is not a terminal");
  CLI::Option* off = cmd.add_flag("--no-progress", flags.off,
                                  "No progress output (default when stderr is not a terminal: "
                                  "a plain line at 25/50/75 % and a summary)");
  on->excludes(off);
}

// Writes JSON to stdout (2-space, newline-terminated): the machine output of -j.
inline void print_json(const Json& j) { std::cout << dump_json(j) << "\n" << std::flush; }

}  // namespace common
