#pragma once
// Temp files a kill -9 left behind. common::AtomicFile writes "<path>.tmp.<pid>.<n>" and
// removes it on any failure it lives through; a SIGKILL between its open and its rename
// leaves one (seen for the journal in the random kill loop, issue 12). Stage's own
// "*.sdcadm-install-tmp" files are removed by the next stage (stage.hpp). The installer
// removes the AtomicFile ones of processes that no longer run, at the start of a run and
// under its own lock (so no other installer is writing them).

#include <cstddef>
#include <string>
#include <vector>

namespace installer {

// Removes "<name>.tmp.<pid>.<n>" entries of `dirs` (missing dirs are skipped) whose pid
// does not run. Returns how many it removed; never throws.
std::size_t remove_stale_atomic_temps(const std::vector<std::string>& dirs) noexcept;

}  // namespace installer
