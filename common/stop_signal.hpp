#pragma once
// Stop signals (SIGINT, SIGTERM, SIGHUP) turned into a flag the long-running work polls at
// its safe points, so a program stops with exit 12 (ExitCode::interrupted) after removing
// what it half-wrote, instead of dying mid-write (docs/exit-codes.md: "nothing half-written
// was kept").
//
// The handler only counts signals (async-signal-safe: sig_atomic_t stores). What a count
// means is the caller's policy: sdcadm-install stops at the next safe point on the first
// signal, and while an sdcadm step runs, waits for it on the first and leaves it running
// on the second (installer/sdcadm_runner.cpp). A third signal restores the default action
// and re-raises it: the operator's way out of a stop that takes too long.
//
// One StopSignals at a time per process (the handlers are process-wide); it puts the
// previous dispositions back when it goes away.

#include <csignal>
#include <string>

namespace common {

class StopSignals {
 public:
  StopSignals();  // installs the handlers and clears the count
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction m_old[3];
};

// Signals received since the StopSignals was made (0 without one, and after it is gone).
int stop_count();
// The last stop signal received, 0 if none.
int stop_signal();
// "SIGINT", "SIGTERM", "SIGHUP", or "signal N".
std::string signal_name(int sig);

// Throws Error(interrupted) "stopped by SIGINT <where>" once a stop signal arrived.
void throw_if_stopped(const std::string& where = "");

}  // namespace common
