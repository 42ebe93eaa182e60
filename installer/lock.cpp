#include <installer/lock.hpp>

#include <common/error.hpp>
#include <common/stop_signal.hpp>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

struct flock write_lock() {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // the whole file, as lockfd does
  return fl;
}

long holder_of(int fd) {
  struct flock fl = write_lock();
  if (::fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
  return static_cast<long>(fl.l_pid);
}

// The errors lockfd treats as "somebody else has it, try again".
bool is_busy(int err) { return err == EAGAIN || err == EACCES || err == ENOLCK || err == EDEADLK; }

}  // namespace

FileLock FileLock::acquire(const std::string& path, const std::string& what,
                           const LockOptions& options) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw Error(ExitCode::io, "cannot open " + what + " file " + path + ": " + std::strerror(errno));
  }
  FileLock lock(path, fd);
  const auto start = std::chrono::steady_clock::now();
  bool noticed = false;
  for (;;) {
    struct flock fl = write_lock();
    if (::fcntl(fd, F_SETLK, &fl) == 0) return lock;
    const int err = errno;
    if (err == EINTR) continue;
    if (!is_busy(err)) {
      throw Error(ExitCode::io, "cannot lock " + path + " (" + what + "): " + std::strerror(err));
    }
    // Ctrl-C while waiting: nothing is held yet, so stop now (common/stop_signal.hpp).
    common::throw_if_stopped("while waiting for " + what + " (" + path + "); nothing was changed");
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= options.timeout) {
      const long pid = holder_of(fd);
      const std::string by = pid > 0 ? "process " + std::to_string(pid) : "another process";
      throw Error(ExitCode::locked,
                  what + " is held by " + by + " (" + path + "); gave up after " +
                      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) +
                      "s. Let that command finish (or stop it) and run this again");
    }
    if (!noticed && waited >= options.notice_after) {
      noticed = true;
      if (options.on_wait) options.on_wait(holder_of(fd));
    }
    std::this_thread::sleep_for(options.retry);
  }
}

void FileLock::keep_across_exec(const char* env_name) {
  const int flags = ::fcntl(m_fd, F_GETFD);
  if (flags < 0 || ::fcntl(m_fd, F_SETFD, flags & ~FD_CLOEXEC) != 0 ||
      ::setenv(env_name, std::to_string(m_fd).c_str(), 1) != 0) {
    throw Error(ExitCode::io, "keeping " + m_path + " locked across the restart: " + std::strerror(errno));
  }
}

std::optional<FileLock> FileLock::inherit(const std::string& path, const char* env_name) {
  const char* value = std::getenv(env_name);
  if (value == nullptr) return std::nullopt;
  const std::string text = value;
  ::unsetenv(env_name);
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int fd = std::stoi(text);
  struct stat held {}, named {};
  if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0 || held.st_dev != named.st_dev ||
      held.st_ino != named.st_ino) {
    return std::nullopt;  // not ours (closed, reused, or another file): never close it
  }
  struct flock fl = write_lock();
  if (::fcntl(fd, F_SETLK, &fl) != 0) return std::nullopt;
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  return FileLock(path, fd);
}

FileLock::FileLock(FileLock&& other) noexcept : m_path(std::move(other.m_path)), m_fd(other.m_fd) {
  other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    m_path = std::move(other.m_path);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() noexcept {
  if (m_fd >= 0) {
    ::close(m_fd);  // closing drops the fcntl lock
    m_fd = -1;
  }
}

long lock_holder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  // F_GETLK with a write-lock probe needs only a readable descriptor on most systems; a
  // read-only fd cannot *take* a write lock, but asking who holds one is fine.
  const long pid = holder_of(fd);
  ::close(fd);
  return pid;
}

}  // namespace installer
