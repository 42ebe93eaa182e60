// fcntl locks: taken, held by another process (wait notice, timeout naming the holder),
// released when the holder goes.
#include "installer_support.hpp"
#include "lock_holder.hpp"

#include <installer/lock.hpp>

#include <common/atomic_file.hpp>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

using namespace installer;
using namespace installer_test;
using namespace std::chrono_literals;

TEST_CASE("a free lock is taken at once and released", "[lock]") {
  TempDir dir;
  const std::string path = dir.file("sdcadm.lock");
  {
    FileLock lock = FileLock::acquire(path, "sdcadm lock");
    CHECK(lock.held());
    CHECK(exists(path));
  }
  // Released: another process can take it.
  const pid_t child = hold_in_child(path);
  CHECK(lock_holder(path) == child);
  stop_child(child);
  CHECK(lock_holder(path) == 0);
}

TEST_CASE("a lock held by another process: notice, then Error(locked) naming the holder", "[lock]") {
  TempDir dir;
  const std::string path = dir.file("sdcadm.lock");
  const pid_t child = hold_in_child(path);
  LockOptions options;
  options.timeout = 600ms;
  options.retry = 50ms;
  options.notice_after = 100ms;
  long noticed_pid = -1;
  int notices = 0;
  options.on_wait = [&](long pid) {
    noticed_pid = pid;
    ++notices;
  };
  const auto start = std::chrono::steady_clock::now();
  const auto msg = message_of([&] { FileLock::acquire(path, "sdcadm lock", options); });
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 600ms);
  CHECK(notices == 1);
  CHECK(noticed_pid == child);
  CHECK(msg.find("sdcadm lock is held by process " + std::to_string(child)) == 0);
  CHECK(code_of([&] { FileLock::acquire(path, "sdcadm lock", options); }) == common::ExitCode::locked);
  stop_child(child);
  options.timeout = 5s;
  FileLock lock = FileLock::acquire(path, "sdcadm lock", options);
  CHECK(lock.held());
}

TEST_CASE("the lock is taken as soon as the holder lets go", "[lock]") {
  TempDir dir;
  const std::string path = dir.file("sdcadm.lock");
  const pid_t child = hold_in_child(path);
  std::thread releaser([child] {
    std::this_thread::sleep_for(300ms);
    stop_child(child);
  });
  LockOptions options;
  options.timeout = 10s;
  options.retry = 50ms;
  const auto start = std::chrono::steady_clock::now();
  FileLock lock = FileLock::acquire(path, "sdcadm lock", options);
  releaser.join();
  CHECK(lock.held());
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a lock file in a missing directory is an I/O error", "[lock]") {
  TempDir dir;
  CHECK(code_of([&] { FileLock::acquire(dir.file("no/such/dir.lock"), "sdcadm lock"); }) ==
        common::ExitCode::io);
}

TEST_CASE("a lock kept across exec stays held by the process, and is inherited", "[lock]") {
  TempDir dir;
  const std::string path = dir.file("install.lock");
  const char* env = "SDCB_TEST_LOCK_FD";
  const pid_t pid = hold_in_child(path, Then::exec_sleep, env);
  std::this_thread::sleep_for(300ms);  // well into `sleep`
  CHECK(lock_holder(path) == pid);
  LockOptions quick;
  quick.timeout = 100ms;
  CHECK_THROWS_AS(FileLock::acquire(path, "test lock", quick), common::Error);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);

  // What the exec'ed program sees: a locked descriptor without close-on-exec, named in the
  // variable. inherit() takes it over and clears the variable.
  const int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  REQUIRE(::fcntl(fd, F_SETLK, &fl) == 0);
  ::setenv(env, std::to_string(fd).c_str(), 1);
  std::optional<FileLock> adopted = FileLock::inherit(path, env);
  CHECK(std::getenv(env) == nullptr);
  REQUIRE(adopted.has_value());
  CHECK(adopted->held());
  CHECK_FALSE(FileLock::inherit(path, env).has_value());  // nothing to inherit any more
}

TEST_CASE("inherit() ignores a variable naming another file or no descriptor", "[lock]") {
  TempDir dir;
  const std::string path = dir.file("install.lock");
  const char* env = "SDCB_TEST_LOCK_FD";
  FileLock other = FileLock::acquire(dir.file("other.lock"), "other");
  other.keep_across_exec(env);
  common::write_file_atomic(path, "");
  CHECK_FALSE(FileLock::inherit(path, env).has_value());
  CHECK(std::getenv(env) == nullptr);
  CHECK(other.held());
  for (const char* junk : {"", "x", "-1", "999999", "12345678901"}) {
    ::setenv(env, junk, 1);
    CHECK_FALSE(FileLock::inherit(path, env).has_value());
    CHECK(std::getenv(env) == nullptr);
  }
}
