#include "interrupt.hpp"

#include <common/error.hpp>

#include <csignal>
#include <cstring>

namespace imgapi_cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_guards = 0;

extern "C" void on_signal(int sig) {
  g_signal = sig;
  if (g_guards == 0) {
    // No transfer to stop cleanly: die from the signal as if no handler were installed.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

InterruptGuard::InterruptGuard() { g_guards = g_guards + 1; }
InterruptGuard::~InterruptGuard() { g_guards = g_guards - 1; }

void throw_if_interrupted() {
  if (g_signal != 0) {
    throw common::Error(common::ExitCode::interrupted,
                        std::string("interrupted by ") + (g_signal == SIGINT ? "SIGINT" : "SIGTERM") +
                            "; the partial file was removed");
  }
}

}  // namespace imgapi_cli
