#include <common/log.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace common::log {

namespace {

struct State {
  std::mutex mutex;
  Config config;
  int fd = -1;
  std::string hostname;
  std::function<void()> stderr_hook;
  std::string unwritable;  // a file already warned about: one warning per file per process
};

State& state() {
  static State s;  // function-local: safe to log from other static initialisers
  return s;
}

std::string local_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// ISO-8601 UTC with milliseconds, the format bunyan writes and parses.
std::string iso_time_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      now.time_since_epoch()).count() % 1000;
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];  // sized for any int values, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms));
  return buf;
}

// One write() per line keeps O_APPEND lines whole; loop only for the rare short write.
void write_all(int fd, const std::string& line) {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // logging must never take the program down; the record is lost
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string json_line(const State& s, Level level, const std::string& msg,
                      const nlohmann::json& fields) {
  nlohmann::json rec = nlohmann::json::object();
  rec["name"] = s.config.name;
  rec["hostname"] = s.hostname;
  rec["pid"] = static_cast<long>(::getpid());
  rec["level"] = static_cast<int>(level);
  rec["msg"] = msg;
  rec["time"] = iso_time_now();
  rec["v"] = 0;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      if (!rec.contains(it.key())) rec[it.key()] = it.value();
    }
  } else if (!fields.is_null()) {
    rec["data"] = fields;
  }
  // Messages may carry bytes from hostile input: replace invalid UTF-8 instead of throwing.
  return rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string human_line(const State& s, Level level, const std::string& msg) {
  if (level == Level::info) return msg + "\n";
  return s.config.name + ": " + level_word(level) + ": " + msg + "\n";
}

// mkdir -p of the directory holding `file`; false with errno set when one cannot be made.
bool make_parent_dirs(const std::string& file) {
  const std::size_t slash = file.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return true;
  const std::string dir = file.substr(0, slash);
  for (std::size_t at = dir.find('/', 1);; at = dir.find('/', at + 1)) {
    const std::string prefix = dir.substr(0, at);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
    if (at == std::string::npos) return true;
  }
}

}  // namespace

const char* level_word(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warning";
    case Level::error: return "error";
    case Level::fatal: return "fatal";
  }
  return "unknown";
}

void configure(const Config& config) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.fd >= 0) ::close(s.fd);
  s.fd = -1;
  s.config = config;
  if (s.hostname.empty()) s.hostname = local_hostname();
  if (config.file.empty()) return;
  if (!config.make_dirs || make_parent_dirs(config.file)) {
    s.fd = ::open(config.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  if (s.fd < 0 && s.unwritable != config.file) {
    s.unwritable = config.file;
    write_all(STDERR_FILENO, config.name + ": warning: cannot open log file " + config.file +
                                 " (" + std::strerror(errno) + "); logging to stderr only\n");
  }
}

void set_stderr_hook(std::function<void()> hook) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.stderr_hook = std::move(hook);
}

std::string file_path() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.fd >= 0 ? s.config.file : std::string();
}

void to_file(Level level, const std::string& msg, const nlohmann::json& fields) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.hostname.empty()) s.hostname = local_hostname();
  if (s.fd >= 0 && level >= s.config.file_level) write_all(s.fd, json_line(s, level, msg, fields));
}

void write(Level level, const std::string& msg, const nlohmann::json& fields) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.hostname.empty()) s.hostname = local_hostname();
  if (s.fd >= 0 && level >= s.config.file_level) {
    write_all(s.fd, json_line(s, level, msg, fields));
  }
  if (level >= s.config.stderr_level) {
    if (s.stderr_hook) s.stderr_hook();
    write_all(STDERR_FILENO, human_line(s, level, msg));
  }
}

}  // namespace common::log
