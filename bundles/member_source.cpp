#include <bundles/member_source.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

}  // namespace

MemberSource::MemberSource(std::string name, const std::string& path, std::string_view bytes,
                           std::uint64_t expected_size)
    : m_name(std::move(name)), m_path(path), m_bytes(bytes), m_expected(expected_size) {
  if (m_path.empty()) {
    if (m_bytes.size() != m_expected) {
      throw changed_error("it has " + std::to_string(m_bytes.size()) + " bytes");
    }
    return;
  }
  m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "member " + m_name + ": opening " + m_path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) {
    const int err = errno;
    ::close(m_fd);
    throw Error(ExitCode::io, "member " + m_name + ": " + m_path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != m_expected) {
    ::close(m_fd);
    throw changed_error(S_ISREG(st.st_mode) ? "it has " + std::to_string(st.st_size) + " bytes"
                                            : "it is not a regular file");
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint; failure changes nothing
#endif
}

MemberSource::~MemberSource() {
  if (m_fd >= 0) ::close(m_fd);
}

Error MemberSource::changed_error(const std::string& detail) const {
  if (m_path.empty()) {
    return Error(ExitCode::bundle_hash,
                 "member " + m_name + ": content does not match the index (" + detail + ")");
  }
  common::ErrorDetails details;
  details.path = m_path;
  return Error(ExitCode::bundle_hash,
               "cached file " + m_path + " (member " + m_name + ") changed since it was hashed: " +
                   detail + " (the index says " + std::to_string(m_expected) + " bytes)",
               std::move(details));
}

void MemberSource::read(char* buf, std::size_t size) {
  if (size > m_expected - m_done) {
    throw Error(ExitCode::internal, "member " + m_name + ": read past the declared size");
  }
  if (m_fd < 0) {
    std::memcpy(buf, m_bytes.data() + m_done, size);
    m_done += size;
    return;
  }
  while (size > 0) {
    const ssize_t n = ::read(m_fd, buf, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw Error(ExitCode::io, "member " + m_name + ": reading " + m_path + ": " +
                                    std::strerror(errno));
    }
    if (n == 0) {
      throw changed_error("it ended after " + std::to_string(m_done) + " bytes");
    }
    buf += n;
    size -= static_cast<std::size_t>(n);
    m_done += static_cast<std::uint64_t>(n);
  }
}

void MemberSource::check_at_end() {
  if (m_fd < 0) return;
  char extra = 0;
  ssize_t n;
  do {
    n = ::read(m_fd, &extra, 1);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    throw Error(ExitCode::io, "member " + m_name + ": reading " + m_path + ": " +
                                  std::strerror(errno));
  }
  if (n > 0) throw changed_error("it grew while being read");
}

}  // namespace bundles
