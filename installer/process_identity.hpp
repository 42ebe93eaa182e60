#pragma once
// Telling whether a process recorded earlier (the sdcadm child of a killed installer) is
// still the same process: a pid alone can be reused by the time the re-run looks, so the
// journal keeps the pid together with the process's start time as the kernel reports it.
//
//   * Linux: field 22 of /proc/PID/stat (starttime, clock ticks since boot; proc(5));
//   * illumos/SmartOS: pr_start of /proc/PID/psinfo (psinfo_t, <procfs.h>; proc(5));
//   * elsewhere: no start time ("" ), and only the pid's existence is checked.
// The start time is an opaque string: only compared for equality.

#include <string>

namespace installer {

// The start time of `pid` as an opaque string, "" when unknown (no /proc, no such pid).
std::string process_start_time(long pid);

// True when `pid` runs and, if `start` is not empty, still has that start time (not a
// zombie: a finished child its parent has not reaped yet is gone for this purpose).
bool process_alive(long pid, const std::string& start);

}  // namespace installer
