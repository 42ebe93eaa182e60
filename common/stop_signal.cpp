#include <common/stop_signal.hpp>

#include <common/error.hpp>

#include <cstring>

namespace common {
namespace {

constexpr int k_signals[3] = {SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t g_count = 0;
volatile std::sig_atomic_t g_last = 0;

extern "C" void on_stop(int sig) {
  g_last = sig;
  g_count = g_count + 1;
  if (g_count >= 3) {  // the operator insists: die from the signal as if no handler were set
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

StopSignals::StopSignals() {
  g_count = 0;
  g_last = 0;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a blocking read or poll returns EINTR, so the loop around it sees the
  // signal now rather than after the next byte arrives.
  for (int i = 0; i < 3; ++i) sigaction(k_signals[i], &sa, &m_old[i]);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 3; ++i) sigaction(k_signals[i], &m_old[i], nullptr);
  g_count = 0;  // "since the StopSignals was made": a later one starts from nothing
  g_last = 0;
}

int stop_count() { return g_count; }
int stop_signal() { return g_last; }

std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
  }
  return "signal " + std::to_string(sig);
}

void throw_if_stopped(const std::string& where) {
  if (g_count == 0) return;
  throw Error(ExitCode::interrupted, "stopped by " + signal_name(g_last) + (where.empty() ? "" : " " + where));
}

}  // namespace common
