#include <installer/process_identity.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#if defined(__sun)
#include <procfs.h>
#endif

namespace installer {
namespace {

#if defined(__linux__)
// /proc/PID/stat: "pid (comm) state ppid ... starttime ...". comm may hold spaces and
// parentheses, so fields are counted after the LAST ')'.
bool linux_stat(long pid, char& state, std::string& start) {
  std::string text;
  try {
    text = common::read_small_file("/proc/" + std::to_string(pid) + "/stat", 64 * 1024);
  } catch (const common::Error&) {
    return false;
  }
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return false;
  state = text[close + 2];
  // After ')' come field 3 (state) onwards; starttime is field 22.
  std::size_t pos = close + 2;
  for (int field = 3; field < 22; ++field) {
    pos = text.find(' ', pos);
    if (pos == std::string::npos) return false;
    ++pos;
  }
  const auto end = text.find(' ', pos);
  start = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  return !start.empty();
}
#endif

#if defined(__sun)
bool sun_psinfo(long pid, psinfo_t& info) {
  const std::string path = "/proc/" + std::to_string(pid) + "/psinfo";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = ::read(fd, &info, sizeof info);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof info);
}
#endif

}  // namespace

std::string process_start_time(long pid) {
  if (pid <= 0) return {};
#if defined(__linux__)
  char state = 0;
  std::string start;
  if (linux_stat(pid, state, start)) return start;
#elif defined(__sun)
  psinfo_t info{};
  if (sun_psinfo(pid, info)) {
    return std::to_string(static_cast<long long>(info.pr_start.tv_sec)) + "." +
           std::to_string(static_cast<long long>(info.pr_start.tv_nsec));
  }
#endif
  return {};
}

bool process_alive(long pid, const std::string& start) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
#if defined(__linux__)
  char state = 0;
  std::string now;
  if (linux_stat(pid, state, now)) {
    if (state == 'Z' || state == 'X') return false;
    return start.empty() || now == start;
  }
#elif defined(__sun)
  psinfo_t info{};
  if (sun_psinfo(pid, info)) {
    if (info.pr_nlwp == 0) return false;  // a zombie has no lwps left
    return start.empty() || process_start_time(pid) == start;
  }
#endif
  return true;  // the pid exists and nothing more can be told here
}

}  // namespace installer
