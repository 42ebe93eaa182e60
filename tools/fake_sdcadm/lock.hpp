#pragma once
// Exclusive POSIX fcntl write locks on whole files, the way sdcadm takes
// /var/run/sdcadm.lock (qlocker/lockfd, sdcadm.md §7): open the file (created 0644), try
// F_SETLK every 250 ms while another process holds it (EAGAIN, EACCES, ENOLCK, EDEADLK),
// say "Waiting for sdcadm lock" once after 1 s. The lock goes away when the process exits,
// however it exits. Unlike the real sdcadm, the wait is bounded (tests need an end).

#include <chrono>
#include <functional>
#include <string>

namespace fake_sdcadm {

struct LockWait {
  std::chrono::milliseconds limit{10000};  // give up after this long; <0 = wait forever
  std::chrono::milliseconds retry{250};
  std::chrono::milliseconds notice{1000};  // call on_wait once after this long
};

// FAKE_SDCADM_LOCK_WAIT_MS (default 10000) as a LockWait; Error(usage) if not a number.
LockWait lock_wait_from_env();

class FileLock {
 public:
  // Takes the lock or throws Error(locked) once `wait.limit` has passed, with the message
  // "<what> is held by another process (PATH): gave up after N ms ...". Error(io) when the
  // file cannot be opened.
  FileLock(const std::string& path, const std::string& what, const LockWait& wait,
           const std::function<void()>& on_wait);
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock& operator=(FileLock&&) = delete;

 private:
  int m_fd = -1;
};

}  // namespace fake_sdcadm
