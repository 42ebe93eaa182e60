#pragma once
// Ctrl-C during a file transfer: instead of dying with a temp file on disk, the transfer
// stops at its next progress callback (libcurl calls it at least once a second, also
// while waiting), the error unwinds, common::AtomicFile removes its temp file, and the
// program exits with ExitCode::interrupted. Outside a transfer SIGINT/SIGTERM act as usual.

namespace imgapi_cli {

// Installs the SIGINT/SIGTERM handler (once, from main).
void install_interrupt_handler();

// While one lives, SIGINT/SIGTERM only set a flag.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// Throws common::Error(interrupted) once a signal arrived.
void throw_if_interrupted();

}  // namespace imgapi_cli
