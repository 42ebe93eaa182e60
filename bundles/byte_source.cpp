#include <bundles/byte_source.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

[[noreturn]] void throw_read_error(const std::string& name, int err) {
  throw Error(ExitCode::io, "reading " + name + ": " + std::strerror(err) +
                                "; check the disk or medium and try again");
}

std::atomic<int> g_pipe_timeout_s{k_default_pipe_timeout_s};

// Waits until `fd` has data (or end of input) for at most `seconds` (0: forever), so a
// stalled writer cannot keep us -- and the installer lock a `stage -` holds -- forever.
// poll() rather than SO_RCVTIMEO or alarm(): it works on pipes, FIFOs and sockets alike on
// Linux and illumos and leaves signal handling to the program.
void wait_readable(int fd, int seconds, const std::string& where) {
  if (seconds <= 0) return;
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    struct pollfd p {};
    p.fd = fd;
    p.events = POLLIN;
    const int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (n > 0) return;  // data, end of input (POLLHUP) or an error: read() tells which
    if (n < 0 && errno != EINTR) throw_read_error(where, errno);
    if (n == 0 && clock::now() >= deadline) {
      throw Error(ExitCode::input_timeout,
                  "no data on " + where + " for " + std::to_string(seconds) +
                      " s; the program or transfer feeding it has stalled: check it and run "
                      "again (--stdin-timeout SECONDS waits longer, 0 waits forever)");
    }
  }
}

[[noreturn]] void throw_not_seekable(const std::string& name) {
  throw Error(ExitCode::internal, name + " is a pipe: it can only be read in one pass");
}

// A file descriptor: regular files are read with pread() from a base offset (so stdin
// redirected from a file works from where it stands), anything else with read().
class FdSource : public ByteSource {
 public:
  // `where`: the input in a timeout message ("standard input", "the pipe /x.sdc").
  FdSource(int fd, bool owns, std::string name, std::string where)
      : m_fd(fd), m_owns(owns), m_name(std::move(name)), m_where(std::move(where)) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      close_fd();
      throw_read_error(m_name, err);
    }
    if (S_ISDIR(st.st_mode)) {
      close_fd();
      throw Error(ExitCode::config, m_name + " is a directory, not a bundle file");
    }
    m_seekable = S_ISREG(st.st_mode);
    if (m_seekable) {
      const off_t here = ::lseek(fd, 0, SEEK_CUR);
      m_base = here > 0 ? static_cast<std::uint64_t>(here) : 0;
      const auto total = static_cast<std::uint64_t>(st.st_size);
      m_size = total > m_base ? total - m_base : 0;
    }
  }
  ~FdSource() override { close_fd(); }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  std::size_t read(char* buf, std::size_t size) override {
    if (m_seekable) {
      const std::size_t n = read_at(m_pos, buf, size);
      m_pos += n;
      return n;
    }
    wait_readable(m_fd, g_pipe_timeout_s.load(), m_where);
    for (;;) {
      const ssize_t n = ::read(m_fd, buf, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) throw_read_error(m_name, errno);
    }
  }
  bool seekable() const override { return m_seekable; }
  std::uint64_t size() const override {
    if (!m_seekable) throw_not_seekable(m_name);
    return m_size;
  }
  std::size_t read_at(std::uint64_t offset, char* buf, std::size_t size) const override {
    if (!m_seekable) throw_not_seekable(m_name);
    return pread_all(m_fd, m_base + offset, buf, size, m_name);
  }
  const std::string& name() const override { return m_name; }

 private:
  void close_fd() {
    if (m_owns && m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

  int m_fd;
  bool m_owns;
  std::string m_name;
  std::string m_where;
  bool m_seekable = false;
  std::uint64_t m_base = 0;
  std::uint64_t m_size = 0;
  std::uint64_t m_pos = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(std::string bytes, std::string name)
      : m_bytes(std::move(bytes)), m_name(std::move(name)) {}

  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = read_at(m_pos, buf, size);
    m_pos += n;
    return n;
  }
  bool seekable() const override { return true; }
  std::uint64_t size() const override { return m_bytes.size(); }
  std::size_t read_at(std::uint64_t offset, char* buf, std::size_t size) const override {
    if (offset >= m_bytes.size()) return 0;
    const std::size_t n = std::min<std::uint64_t>(size, m_bytes.size() - offset);
    std::memcpy(buf, m_bytes.data() + offset, n);
    return n;
  }
  const std::string& name() const override { return m_name; }

 private:
  std::string m_bytes;
  std::string m_name;
  std::uint64_t m_pos = 0;
};

// A window on a seekable source.
class RangeSource : public ByteSource {
 public:
  RangeSource(const ByteSource& base, std::uint64_t offset, std::uint64_t length)
      : m_base(base), m_offset(offset), m_length(length), m_name(base.name()) {}

  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = read_at(m_pos, buf, size);
    m_pos += n;
    return n;
  }
  bool seekable() const override { return true; }
  std::uint64_t size() const override { return m_length; }
  std::size_t read_at(std::uint64_t offset, char* buf, std::size_t size) const override {
    if (offset >= m_length) return 0;
    const std::size_t n = std::min<std::uint64_t>(size, m_length - offset);
    return m_base.read_at(m_offset + offset, buf, n);
  }
  const std::string& name() const override { return m_name; }

 private:
  const ByteSource& m_base;
  std::uint64_t m_offset;
  std::uint64_t m_length;
  std::string m_name;
  std::uint64_t m_pos = 0;
};

}  // namespace

std::size_t pread_all(int fd, std::uint64_t offset, char* buf, std::size_t size,
                      const std::string& name) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buf + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_read_error(name, errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

void read_exact_at(const ByteSource& source, std::uint64_t offset, char* buf, std::size_t size,
                   const std::string& what) {
  const std::size_t n = source.read_at(offset, buf, size);
  if (n != size) {
    throw Error(ExitCode::bundle_truncated,
                source.name() + " ends at byte " + std::to_string(offset + n) + ", inside " +
                    what + " (bytes " + std::to_string(offset) + ".." +
                    std::to_string(offset + size) +
                    "); the copy is incomplete: copy it again and check its size");
  }
}

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw Error(ExitCode::not_found, "bundle " + path + " does not exist; check the path");
    }
    throw_read_error("bundle " + path, err);
  }
  return std::make_unique<FdSource>(fd, true, "bundle " + path, "the pipe " + path);
}

std::unique_ptr<ByteSource> open_stdin_source() {
  return std::make_unique<FdSource>(STDIN_FILENO, false, "the bundle on standard input",
                                    "standard input");
}

void set_pipe_read_timeout(int seconds) { g_pipe_timeout_s = std::max(0, seconds); }

int pipe_read_timeout() { return g_pipe_timeout_s.load(); }

std::unique_ptr<ByteSource> range_source(const ByteSource& base, std::uint64_t offset,
                                         std::uint64_t length) {
  if (!base.seekable()) throw_not_seekable(base.name());
  return std::make_unique<RangeSource>(base, offset, length);
}

std::unique_ptr<ByteSource> memory_source(std::string bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

}  // namespace bundles
