#pragma once
// Progress display for long transfers (downloads, uploads, hashing a bundle).
//
// On a terminal (stderr is a TTY, or mode `always`) one line is redrawn in place at most
// ~6 times a second (monotonic clock): label, percentage, bytes done/total, rate, ETA,
// cut to the terminal width. Elsewhere (logs, CI, pipes) nothing is redrawn; a plain line
// is printed when a 25/50/75 % mark is crossed (if at least 1 s passed since the previous
// line, so small files stay quiet) or after 10 s without a line. finish() prints one
// summary line in both cases. Mode `never` prints nothing at all (for --json).
//
// The displayed count never goes backwards: update() ignores values below the largest
// seen. While a terminal line is drawn on the real stderr, log lines clear it first
// (common::log's stderr hook), and the bar is redrawn on the next update.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace common {

enum class ProgressMode { auto_detect, always, never };
enum class Terminal { no, yes };

// "512 B", "1.0 KiB", "1.5 GiB" (binary units, one decimal above bytes).
std::string format_bytes(std::uint64_t bytes);
// "0s", "45s", "3m05s", "1h02m", "50h00m".
std::string format_duration(std::chrono::seconds duration);

class Progress {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // Draws on stderr. total = 0 means the size is unknown (no percentage, no ETA).
  Progress(std::string label, std::uint64_t total, ProgressMode mode = ProgressMode::auto_detect);
  // Draws into `out` as if it were (or were not) a terminal of `width` columns; the
  // clock can be replaced for tests. Does not touch stderr or the log hook.
  Progress(std::string label, std::uint64_t total, std::ostream& out, Terminal terminal,
           unsigned width = 80, Clock clock = {});
  // Without finish() (an error on the way), a drawn terminal line is just ended.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Thread-safe. Smaller values than seen before are ignored.
  void update(std::uint64_t done);
  // Prints the summary line once; later calls and updates do nothing.
  void finish();

  std::uint64_t done() const;

 private:
  std::chrono::steady_clock::time_point now() const;
  void draw_terminal(std::chrono::steady_clock::time_point t);
  void maybe_plain_line(std::chrono::steady_clock::time_point t);
  std::string stats_text(std::chrono::steady_clock::time_point t) const;
  void clear_line_for_log();

  mutable std::mutex m_mutex;
  std::string m_label;
  std::uint64_t m_total;
  std::ostream* m_out;
  bool m_enabled;
  Terminal m_terminal;
  unsigned m_width;
  bool m_query_width;  // real stderr: follow terminal resizes
  Clock m_clock;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_output;
  std::uint64_t m_done = 0;
  int m_quarters_shown = 0;
  bool m_line_drawn = false;
  bool m_drawn_once = false;
  bool m_finished = false;
  bool m_owns_log_hook = false;
};

}  // namespace common
