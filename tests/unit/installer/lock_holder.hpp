#pragma once
// A child process that holds an installer lock (installer/lock.hpp) until the test kills it:
// the other process the lock tests and the workflow tests wait for.

#include <installer/lock.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace installer_test {

// What the child does once it holds the lock: wait to be killed, or first keep the lock
// across an exec (keep_across_exec into `env`) and become `sleep 3`.
enum class Then { pause, exec_sleep };

// A child process that takes the lock, reports through a pipe, and holds it until killed.
inline pid_t hold_in_child(const std::string& path, Then then = Then::pause, const char* env = nullptr) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    try {
      installer::FileLock lock = installer::FileLock::acquire(path, "test lock");
      if (then == Then::exec_sleep) lock.keep_across_exec(env);
      (void)!::write(fds[1], "L", 1);
      ::close(fds[1]);
      // The program the process becomes holds the lock without ever opening the file.
      if (then == Then::exec_sleep) ::execl("/bin/sleep", "sleep", "3", static_cast<char*>(nullptr));
      for (;;) ::pause();
    } catch (...) {
    }
    ::_exit(3);
  }
  ::close(fds[1]);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  ::close(fds[0]);
  return pid;
}

inline void stop_child(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace installer_test
