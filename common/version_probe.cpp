// Why fork/exec and not popen: no shell sees the path, and the child can be killed when it
// hangs. Why poll with a deadline: a binary built for another system may block or spin.

#include <common/version_probe.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace common {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Reads the child's stdout until EOF, the size bound or the deadline.
std::string read_bounded(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string out;
  char buf[512];
  while (out.size() < k_version_output_limit) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, std::min(static_cast<std::size_t>(n), k_version_output_limit - out.size()));
  }
  return out;
}

[[noreturn]] void exec_child(const std::string& path, int out_fd) {
  ::dup2(out_fd, STDOUT_FILENO);
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDERR_FILENO);
  }
  char* const argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("--version"), nullptr};
  ::execv(path.c_str(), argv);
  ::_exit(126);  // the shell's code for "found but cannot be executed"
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Waits for the child to exit until `deadline` (it may close stdout a moment before).
bool reaped_by(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status) {
  for (;;) {
    const pid_t got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid) return true;
    if (got < 0 && errno != EINTR) return true;  // not our child any more: nothing to wait for
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::usleep(5000);
  }
}

}  // namespace

std::string version_output(const std::string& path, std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(ExitCode::io, "pipe: " + errno_text());
  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string why = errno_text();
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(ExitCode::io, "fork: " + why);
  }
  if (pid == 0) {
    ::close(fds[0]);
    exec_child(path, fds[1]);
  }
  ::close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string out = read_bounded(fds[0], deadline);
  ::close(fds[0]);
  int status = 0;
  if (!reaped_by(pid, deadline, status)) {
    ::kill(pid, SIGKILL);  // hung, or still writing past the bound
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    throw Error(ExitCode::bad_data, "`" + path + " --version` did not finish within " +
                                        std::to_string(timeout.count()) + " ms; it was killed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ExitCode::bad_data, "`" + path + " --version` did not run successfully (" + describe(status) + ")");
  }
  return out;
}

std::string version_word(std::string_view output) {
  const std::string_view line = output.substr(0, output.find('\n'));
  const std::size_t end = line.find_last_not_of(" \t\r");
  if (end == std::string_view::npos) return "";
  const std::size_t blank = line.find_last_of(" \t", end);
  const std::size_t begin = blank == std::string_view::npos ? 0 : blank + 1;
  return std::string(line.substr(begin, end - begin + 1));
}

}  // namespace common
