#include <bundles/positional_file.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bundles {

using common::Error;
using common::ExitCode;

void read_exact_at(int fd, char* buf, std::size_t size, std::uint64_t offset,
                   const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, buf, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ExitCode::io, "reading " + what + ": " + std::strerror(errno));
    if (n == 0) {
      throw Error(ExitCode::bundle_truncated,
                  "reading " + what + ": the file ended early (did it shrink while read?)");
    }
    buf += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

PositionalFile::PositionalFile(std::string path, Access access) : m_path(std::move(path)) {
  const int flags = access == Access::read ? O_RDONLY : O_RDWR;
  m_fd = ::open(m_path.c_str(), flags | O_CLOEXEC);
  if (m_fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "opening " + m_path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    const int err = errno;
    ::close(m_fd);
    throw Error(ExitCode::io, "reading " + m_path + ": " + std::strerror(err));
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
}

PositionalFile::~PositionalFile() { ::close(m_fd); }

void PositionalFile::write_at(const char* buf, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(m_fd, buf, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      throw Error(err == ENOSPC ? ExitCode::no_space : ExitCode::io,
                  "writing " + m_path + ": " + std::strerror(err));
    }
    buf += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

void PositionalFile::sync() {
  if (::fsync(m_fd) != 0) {
    throw Error(ExitCode::io, "syncing " + m_path + ": " + std::strerror(errno));
  }
}

}  // namespace bundles
