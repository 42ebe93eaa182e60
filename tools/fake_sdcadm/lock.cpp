#include <tools/fake_sdcadm/lock.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

LockWait lock_wait_from_env() {
  LockWait wait;
  const char* env = std::getenv("FAKE_SDCADM_LOCK_WAIT_MS");
  if (env == nullptr || *env == '\0') return wait;
  char* end = nullptr;
  errno = 0;
  const long long ms = std::strtoll(env, &end, 10);
  if (errno != 0 || end == env || *end != '\0') {
    throw Error(ExitCode::usage, std::string("FAKE_SDCADM_LOCK_WAIT_MS=") + env +
                                     " is not a number of milliseconds");
  }
  wait.limit = std::chrono::milliseconds(ms);
  return wait;
}

namespace {

// One F_SETLK attempt. True when taken; false while someone else holds it.
bool try_lock(int fd, const std::string& path) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file, however long it grows
  if (::fcntl(fd, F_SETLK, &fl) == 0) return true;
  const int err = errno;
  // POSIX allows EACCES or EAGAIN for "held"; lockfd also retries ENOLCK and EDEADLK.
  if (err == EAGAIN || err == EACCES || err == ENOLCK || err == EDEADLK || err == EINTR) {
    return false;
  }
  throw Error(ExitCode::io, "locking " + path + ": " + std::strerror(err));
}

}  // namespace

FileLock::FileLock(const std::string& path, const std::string& what, const LockWait& wait,
                   const std::function<void()>& on_wait) {
  // sdcadm opens the lock file "w+" (O_TRUNC): the file carries no data, only the lock.
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (m_fd < 0) throw Error(ExitCode::io, "opening " + path + ": " + std::strerror(errno));
  const auto start = std::chrono::steady_clock::now();
  bool noticed = false;
  while (!try_lock(m_fd, path)) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!noticed && waited >= wait.notice) {
      noticed = true;
      if (on_wait) on_wait();
    }
    if (wait.limit.count() >= 0 && waited >= wait.limit) {
      ::close(m_fd);
      m_fd = -1;
      throw Error(ExitCode::locked,
                  what + " is held by another process (" + path + "): gave up after " +
                      std::to_string(waited.count()) +
                      " ms (FAKE_SDCADM_LOCK_WAIT_MS; the real sdcadm waits forever)");
    }
    std::this_thread::sleep_for(wait.retry);
  }
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing the descriptor releases the fcntl lock
}

}  // namespace fake_sdcadm
