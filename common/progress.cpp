#include <common/progress.hpp>

#include <common/log.hpp>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __sun
#include <termios.h>  // TIOCGWINSZ lives here on illumos
#endif

namespace common {

namespace {

using std::chrono::steady_clock;

constexpr auto k_redraw_interval = std::chrono::milliseconds(166);  // ~6 Hz
constexpr auto k_plain_interval = std::chrono::seconds(10);
constexpr auto k_plain_min_gap = std::chrono::seconds(1);
constexpr unsigned k_max_width = 120;

// The one Progress whose line the log hook clears (the most recent terminal one).
std::atomic<const Progress*> g_hook_owner{nullptr};

unsigned terminal_width() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

double seconds_between(steady_clock::time_point a, steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string rate_text(std::uint64_t bytes, double secs) {
  if (secs <= 0.001) return "";
  return format_bytes(static_cast<std::uint64_t>(static_cast<double>(bytes) / secs)) + "/s";
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static const char* const k_units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  // Switch units before printf would round up to "1024.0".
  while (value >= 1023.95 && unit + 1 < sizeof k_units / sizeof k_units[0]) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, k_units[unit]);
  return buf;
}

std::string format_duration(std::chrono::seconds duration) {
  const long long total = duration.count() < 0 ? 0 : static_cast<long long>(duration.count());
  char buf[32];
  if (total < 60) {
    std::snprintf(buf, sizeof buf, "%llds", total);
  } else if (total < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  }
  return buf;
}

Progress::Progress(std::string label, std::uint64_t total, ProgressMode mode)
    : m_label(std::move(label)),
      m_total(total),
      m_out(&std::cerr),
      m_enabled(mode != ProgressMode::never),
      m_terminal(mode == ProgressMode::always ||
                         (mode == ProgressMode::auto_detect && ::isatty(STDERR_FILENO))
                     ? Terminal::yes
                     : Terminal::no),
      m_width(80),
      m_query_width(true),
      m_start(steady_clock::now()),
      m_last_output(m_start) {
  if (m_enabled && m_terminal == Terminal::yes) {
    g_hook_owner.store(this);
    m_owns_log_hook = true;
    log::set_stderr_hook([this] { clear_line_for_log(); });
  }
}

Progress::Progress(std::string label, std::uint64_t total, std::ostream& out,
                   Terminal terminal, unsigned width, Clock clock)
    : m_label(std::move(label)),
      m_total(total),
      m_out(&out),
      m_enabled(true),
      m_terminal(terminal),
      m_width(width == 0 ? 80 : width),
      m_query_width(false),
      m_clock(std::move(clock)),
      m_start(now()),
      m_last_output(m_start) {}

Progress::~Progress() {
  // Drop the hook before taking our own lock: the log calls the hook under its lock.
  if (m_owns_log_hook) {
    const Progress* self = this;
    if (g_hook_owner.compare_exchange_strong(self, nullptr)) log::set_stderr_hook({});
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_line_drawn) *m_out << "\r\033[K" << std::flush;
}

steady_clock::time_point Progress::now() const {
  return m_clock ? m_clock() : steady_clock::now();
}

std::uint64_t Progress::done() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_done;
}

void Progress::update(std::uint64_t done) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_finished || done < m_done) return;
  m_done = done;
  if (!m_enabled) return;
  const auto t = now();
  if (m_terminal == Terminal::yes) {
    if (!m_drawn_once || t - m_last_output >= k_redraw_interval) draw_terminal(t);
  } else {
    maybe_plain_line(t);
  }
}

// "45%  690.0 MiB / 1.5 GiB  85.2 MiB/s  ETA 10s", or without the total-dependent parts.
std::string Progress::stats_text(steady_clock::time_point t) const {
  const double secs = seconds_between(m_start, t);
  const std::string rate = rate_text(m_done, secs);
  std::string text;
  if (m_total > 0) {
    const double frac = static_cast<double>(m_done) / static_cast<double>(m_total);
    const int pct = frac >= 1.0 ? 100 : static_cast<int>(frac * 100.0);
    text = std::to_string(pct) + "%  " + format_bytes(m_done) + " / " + format_bytes(m_total);
  } else {
    text = format_bytes(m_done);
  }
  if (!rate.empty()) text += "  " + rate;
  if (m_total > m_done && m_done > 0 && secs > 0.5) {
    const double remaining = static_cast<double>(m_total - m_done) * secs /
                             static_cast<double>(m_done);
    text += "  ETA " + format_duration(std::chrono::seconds(static_cast<long long>(remaining)));
  }
  return text;
}

void Progress::draw_terminal(steady_clock::time_point t) {
  if (m_query_width) m_width = terminal_width();
  // One column short of the width: writing the last column makes some terminals wrap.
  const std::size_t width = std::min(m_width, k_max_width) - 1;
  const std::string stats = stats_text(t);
  std::string label = m_label;
  if (label.size() + 2 + stats.size() > width) {
    const std::size_t room = width > stats.size() + 2 ? width - stats.size() - 2 : 0;
    label = room > 3 ? label.substr(0, room - 3) + "..." : label.substr(0, room);
  }
  std::string line = label.empty() ? stats : label + "  " + stats;
  if (line.size() > width) line.resize(width);
  *m_out << "\r\033[K" << line << std::flush;
  m_line_drawn = true;
  m_drawn_once = true;
  m_last_output = t;
}

void Progress::maybe_plain_line(steady_clock::time_point t) {
  bool print = false;
  if (m_total > 0) {
    const double frac = static_cast<double>(m_done) / static_cast<double>(m_total);
    const int quarter = frac >= 1.0 ? 4 : static_cast<int>(frac * 4.0);
    if (quarter > m_quarters_shown && quarter <= 3) {
      m_quarters_shown = quarter;  // a mark skipped for being too soon is not shown later
      print = t - m_last_output >= k_plain_min_gap;
    }
  }
  if (t - m_last_output >= k_plain_interval) print = true;
  if (!print) return;
  *m_out << m_label << ": " << stats_text(t) << '\n' << std::flush;
  m_last_output = t;
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_finished) return;
  m_finished = true;
  if (!m_enabled) return;
  const auto t = now();
  const double secs = seconds_between(m_start, t);
  std::string line = m_label + ": " + format_bytes(m_done) + " in " +
                     format_duration(std::chrono::seconds(static_cast<long long>(secs)));
  const std::string rate = rate_text(m_done, secs);
  if (!rate.empty()) line += " (" + rate + ")";
  if (m_line_drawn) *m_out << "\r\033[K";
  *m_out << line << '\n' << std::flush;
  m_line_drawn = false;
}

void Progress::clear_line_for_log() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_line_drawn) return;
  *m_out << "\r\033[K" << std::flush;
  m_line_drawn = false;
  m_drawn_once = false;  // redraw on the very next update
}

}  // namespace common
