#pragma once
// Exclusive fcntl write locks on a lock file, the way sdcadm takes /var/run/sdcadm.lock
// (sdcadm.md §7: open "w+" mode 0644, F_SETLK F_WRLCK, retry every 250 ms while another
// process holds it, "Waiting for sdcadm lock" after 1 s). Real sdcadm waits forever; the
// installer waits up to a timeout and then fails with Error(locked) naming the holder.
//
// fcntl locks belong to the process: fork() does not pass them on, and closing ANY
// descriptor of the file drops the process's lock, so nothing else in the process may
// open a lock file while a FileLock holds it. The descriptor is close-on-exec, unless
// keep_across_exec() hands the lock to the program the process execs next (self-update).

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace installer {

struct LockOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // give up after this
  std::chrono::milliseconds retry{250};                         // sdcadm's interval
  std::chrono::milliseconds notice_after{1000};                 // when to call on_wait
  // Called once, after notice_after, while still waiting (the CLI prints "Waiting for
  // <what>"); gets the holder's pid (0 when the system does not say).
  std::function<void(long holder_pid)> on_wait;
};

class FileLock {
 public:
  // Creates the lock file (and nothing else: its directory must exist) and takes the
  // lock. Throws Error(locked) after options.timeout ("<what> is held by process N
  // (PATH); ..."), Error(io) when the file cannot be opened or locked for another reason.
  // `what` names the lock in messages: "the sdcadm lock".
  static FileLock acquire(const std::string& path, const std::string& what,
                          const LockOptions& options = {});

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Keeps the lock through the next exec of this process: the descriptor stays open in
  // the new program (fcntl locks belong to the process, which exec keeps: there is no
  // moment without the lock) and its number goes into the environment variable
  // `env_name`, for inherit(). Error(io) when the descriptor flags cannot be changed.
  void keep_across_exec(const char* env_name);

  // Takes over the lock a predecessor kept with keep_across_exec(env_name): when the
  // variable names an open descriptor of the file at `path` (same device and inode), it is
  // locked again (a no-op for the owner), made close-on-exec, and the variable removed.
  // nullopt when there is none (then acquire() as usual). A variable naming anything else
  // is ignored and removed.
  static std::optional<FileLock> inherit(const std::string& path, const char* env_name);

  // Drops the lock now (the destructor does it otherwise). The file stays, as sdcadm's does.
  void release() noexcept;
  bool held() const { return m_fd >= 0; }
  const std::string& path() const { return m_path; }

 private:
  FileLock(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  std::string m_path;
  int m_fd = -1;
};

// The pid holding a write lock on `path`, 0 when nobody does (or the file is missing).
// For tests: it opens and closes the file, which would drop a lock THIS process holds on
// it, so never call it for a lock the calling process may hold.
long lock_holder(const std::string& path);

}  // namespace installer
