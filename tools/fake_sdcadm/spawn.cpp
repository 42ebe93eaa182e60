#include <tools/fake_sdcadm/spawn.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

// The environment with `extra` entries added; an extra NAME= replaces the inherited one.
std::vector<std::string> merged_env(const std::vector<std::string>& extra) {
  std::vector<std::string> env = extra;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& x : extra) replaced = replaced || x.compare(0, name.size(), name) == 0;
    if (!replaced) env.push_back(entry);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

int run_and_wait(const SpawnRequest& request) {
  if (request.argv.empty()) throw Error(ExitCode::usage, "run_and_wait: no program given");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (request.output.empty()) {
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
  } else {
    // Opened here first so a bad path is our error, not a silent child failure.
    const int fd = ::open(request.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      posix_spawn_file_actions_destroy(&actions);
      throw Error(ExitCode::io, "cannot open " + request.output + ": " + std::strerror(errno));
    }
    ::close(fd);
    posix_spawn_file_actions_addopen(&actions, 1, request.output.c_str(), O_WRONLY | O_APPEND, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  std::vector<std::string> args = request.argv;
  std::vector<std::string> env = merged_env(request.extra_env);
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ExitCode::config, "cannot run " + request.argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ExitCode::io, std::string("waitpid: ") + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace fake_sdcadm
