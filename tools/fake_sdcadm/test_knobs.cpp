#include <tools/fake_sdcadm/test_knobs.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fake_sdcadm {
namespace {

using common::Error;
using common::ExitCode;

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return !prefix.empty() && text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (start <= text.size()) {
    const auto end = text.find(sep, start);
    const std::string part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty()) out.push_back(part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// One line in one write() on an O_APPEND file: lines of concurrent fakes never interleave.
void log_line(const Root& root, const std::string& line) {
  const std::string dir = root.path("/var/fake-sdcadm");
  ::mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/commands.log";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;  // the log is a test aid: never fail the command for it
  const std::string text = line + "\n";
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void command_starting(const Root& root, const std::vector<std::string>& argv) {
  const std::string command = joined(argv);
  log_line(root, "start " + std::to_string(::getpid()) + " " + std::to_string(now_ms()) + " - " + command);
  const char* slow = std::getenv("FAKE_SDCADM_SLOW");
  if (slow == nullptr) return;
  for (const std::string& entry : split(slow, ',')) {
    const auto eq = entry.rfind('=');
    char* end = nullptr;
    const double secs = eq == std::string::npos ? -1 : std::strtod(entry.c_str() + eq + 1, &end);
    if (eq == std::string::npos || secs < 0 || end == nullptr || *end != '\0') {
      throw Error(ExitCode::usage, "FAKE_SDCADM_SLOW: \"" + entry + "\" is not WORDS=SECONDS");
    }
    if (starts_with(command, entry.substr(0, eq))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long long>(secs * 1000)));
      return;
    }
  }
}

void command_ended(const Root& root, const std::vector<std::string>& argv, int rc) {
  const std::string command = joined(argv);
  log_line(root, "end " + std::to_string(::getpid()) + " " + std::to_string(now_ms()) + " " + std::to_string(rc) +
                     " " + command);
  const char* kill_after = std::getenv("FAKE_SDCADM_KILL_PARENT");
  if (rc != 0 || kill_after == nullptr) return;
  for (const std::string& words : split(kill_after, ',')) {
    if (starts_with(command, words)) {
      ::kill(::getppid(), SIGKILL);
      return;
    }
  }
}

}  // namespace fake_sdcadm
