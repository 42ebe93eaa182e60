#include <common/atomic_file.hpp>

#include <common/error.hpp>
#include <common/path.hpp>
#include <common/safe_dir.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace common {

namespace {

// Distinguishes temp files of several AtomicFiles for one path in one process.
std::atomic<unsigned long> g_temp_counter{0};

Error write_error(const std::string& path, int err, const std::string& advice) {
  if (err == ENOSPC
#ifdef EDQUOT
      || err == EDQUOT
#endif
  ) {
    return Error(ExitCode::no_space, "writing " + path + ": no space left on device; " + advice, {0, "", path, err});
  }
  return Error(ExitCode::io, "writing " + path + ": " + std::strerror(err), {0, "", path, err});
}

}  // namespace

// The rename is only durable once the directory entry is on disk. Some platforms and
// file systems refuse fsync on a directory (EINVAL, EBADF for O_RDONLY dirs on a few
// systems); the data itself is already synced, so those are not errors.
void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // a directory we cannot open: nothing more we can do
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EBADF && errno != ENOTSUP) {
    const int err = errno;
    ::close(fd);
    throw Error(ExitCode::io, "syncing directory " + dir + ": " + std::strerror(err));
  }
  ::close(fd);
}

AtomicFile::AtomicFile(std::string path, unsigned mode) : AtomicFile(std::move(path), [mode] {
  Options options;
  options.mode = mode;
  return options;
}()) {}

AtomicFile::AtomicFile(std::string path, Options options)
    : m_path(std::move(path)), m_options(std::move(options)) {
  const bool fixed_name = !m_options.temp_path.empty();
  m_temp_path = fixed_name ? m_options.temp_path
                           : m_path + ".tmp." + std::to_string(::getpid()) + "." +
                                 std::to_string(g_temp_counter.fetch_add(1));
  // O_EXCL: never reuse (and truncate) a file somebody else is writing; a fixed name is a
  // leftover of a killed run, removed first. O_NOFOLLOW in a SafeDir: the temp name
  // itself cannot be a planted link.
  int fd = -1;
  if (m_options.dir) {
    const std::string name = base_name(m_temp_path);
    if (fixed_name) ::unlinkat(m_options.dir->fd(), name.c_str(), 0);
    fd = ::openat(m_options.dir->fd(), name.c_str(),
                  O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                  static_cast<mode_t>(m_options.mode));
  } else {
    if (fixed_name) ::unlink(m_temp_path.c_str());
    fd = ::open(m_temp_path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
                static_cast<mode_t>(m_options.mode));
  }
  if (fd < 0) {
    const int err = errno;
    if (err == ENOSPC) throw write_error(m_path, err, m_options.no_space_advice);
    throw Error(ExitCode::io, "creating " + m_path + " (temp file " + m_temp_path + "): " +
                                  std::strerror(err));
  }
  m_fd = fd;
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (m_committed) return;
  if (m_options.dir) ::unlinkat(m_options.dir->fd(), base_name(m_temp_path).c_str(), 0);
  else ::unlink(m_temp_path.c_str());
}

void AtomicFile::write(const void* data, std::size_t size) {
  if (m_fd < 0) {
    throw Error(ExitCode::internal, "AtomicFile::write on " + m_path + " after seal() or commit()");
  }
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(m_fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw write_error(m_path, errno, m_options.no_space_advice);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::seal() {
  if (m_sealed) return;
  if (m_fd < 0) {
    throw Error(ExitCode::internal, "AtomicFile::seal on " + m_path + " after commit()");
  }
  if (m_options.sync != Sync::none && ::fsync(m_fd) != 0) {
    const int err = errno;
    ::close(m_fd);
    m_fd = -1;
    throw write_error(m_path, err, m_options.no_space_advice);
  }
  // close() can report a deferred write error (NFS); do not rename a file that failed.
  const int rc = ::close(m_fd);
  m_fd = -1;
  if (rc != 0 && errno != EINTR) throw write_error(m_path, errno, m_options.no_space_advice);
  m_sealed = true;
}

void AtomicFile::commit() {
  if (m_committed) {
    throw Error(ExitCode::internal, "AtomicFile::commit on " + m_path + " called twice");
  }
  seal();
  // In a SafeDir, renameat replaces a link planted under the final name (not its target).
  const int rc = m_options.dir
                     ? ::renameat(m_options.dir->fd(), base_name(m_temp_path).c_str(),
                                  m_options.dir->fd(), base_name(m_path).c_str())
                     : ::rename(m_temp_path.c_str(), m_path.c_str());
  if (rc != 0) {
    throw Error(ExitCode::io, "renaming " + m_temp_path + " to " + m_path + ": " +
                                  std::strerror(errno));
  }
  m_committed = true;
  if (m_options.sync != Sync::full) return;
  if (m_options.dir) m_options.dir->sync();
  else fsync_dir(dir_of(m_path));
}

void write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  AtomicFile file(path, mode);
  file.write(content);
  file.commit();
}

std::string read_small_file(const std::string& path, std::size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "reading " + path + ": " + std::strerror(err));
  }
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw Error(ExitCode::io, "reading " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    // Checked while reading, so a huge (or endless, e.g. a FIFO) file never fills memory.
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      throw Error(ExitCode::bad_data, "reading " + path + ": file is larger than " +
                                          std::to_string(max_size) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace common
