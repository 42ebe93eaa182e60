// fork/exec rather than popen: the path goes to the binary as given, never through a shell.

#include <builder/installer_binary.hpp>

#include <bundles/writer.hpp>
#include <common/error.hpp>
#include <manifest/version_order.hpp>

#include <cerrno>
#include <cstring>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_max_output = 4096;
constexpr int k_timeout_ms = 10000;

Error bad(const std::string& path, const std::string& what) {
  return Error(ExitCode::bad_data, "--installer " + path + ": " + what +
                                       "; give an sdcadm-install binary built for the headnode");
}

// Reads the child's stdout until EOF, the size bound or the deadline.
std::string read_bounded(int fd) {
  std::string out;
  char buf[512];
  const std::time_t deadline = std::time(nullptr) + k_timeout_ms / 1000;
  while (out.size() < k_max_output && std::time(nullptr) <= deadline) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 500);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string run_version(const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(ExitCode::io, "pipe: " + std::string(std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(ExitCode::io, "fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) { ::dup2(null, STDIN_FILENO); ::dup2(null, STDERR_FILENO); }
    ::close(fds[0]);
    ::close(fds[1]);
    char* const argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("--version"), nullptr};
    ::execv(path.c_str(), argv);
    ::_exit(127);
  }
  ::close(fds[1]);
  const std::string out = read_bounded(fds[0]);
  ::close(fds[0]);
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(pid, SIGKILL);  // hung or still writing past the bound
    ::waitpid(pid, &status, 0);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw bad(path, "`--version` did not run successfully (" +
                        (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : std::string("killed")) +
                        ")");
  }
  return out;
}

}  // namespace

std::string installer_version_from(std::string_view output, const std::string& path) {
  const std::string_view line = output.substr(0, output.find('\n'));
  const std::size_t end = line.find_last_not_of(" \t\r");
  if (end == std::string_view::npos) throw bad(path, "`--version` printed nothing");
  const std::size_t begin = line.find_last_of(" \t", end);
  const std::string word(line.substr(begin == std::string_view::npos ? 0 : begin + 1,
                                     end - (begin == std::string_view::npos ? 0 : begin + 1) + 1));
  if (!manifest::parse_semver(word)) {
    throw bad(path, "`--version` printed \"" + std::string(line.substr(0, 200)) + "\", not a semantic version");
  }
  return word;
}

CarriedInstaller describe_installer(const std::string& path, std::uint64_t chunk_size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(ExitCode::not_found, "--installer " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) {
    throw Error(ExitCode::usage, "--installer " + path + ": not an executable file");
  }
  CarriedInstaller inst;
  inst.path = path;
  inst.version = installer_version_from(run_version(path), path);
  inst.size = static_cast<std::uint64_t>(st.st_size);
  inst.sha256 = bundles::chunk_hashes(path, chunk_size);
  return inst;
}

}  // namespace builder
