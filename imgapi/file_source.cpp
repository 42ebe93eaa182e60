#include <imgapi/file_source.hpp>

#include <imgapi/client.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace imgapi {

using common::Error;
using common::ExitCode;

FileSource::FileSource(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::config : ExitCode::io,
                "cannot open " + m_path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(m_fd);
    m_fd = -1;
    throw Error(ExitCode::io, m_path + (err != 0 ? ": " + std::string(std::strerror(err))
                                                 : std::string(": not a regular file")));
  }
  m_size = static_cast<std::uint64_t>(st.st_size);
}

FileSource::~FileSource() {
  if (m_fd >= 0) ::close(m_fd);
}

std::size_t FileSource::read(char* buf, std::size_t max) {
  for (;;) {
    const ssize_t n = ::read(m_fd, buf, max);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) {
      throw Error(ExitCode::io, "reading " + m_path + ": " + std::strerror(errno));
    }
  }
}

void FileSource::rewind() {
  if (::lseek(m_fd, 0, SEEK_SET) != 0) {
    throw Error(ExitCode::io, "rewinding " + m_path + ": " + std::strerror(errno));
  }
}

UploadSource FileSource::source() {
  UploadSource source;
  source.read = [this](char* buf, std::size_t max) { return read(buf, max); };
  source.rewind = [this] { rewind(); };
  source.size = m_size;
  return source;
}

manifest::ImageManifest Client::add_image_file_from_path(const std::string& uuid,
                                                         const std::string& path,
                                                         const UploadOptions& options) {
  FileSource file(path);
  return add_image_file(uuid, file.source(), options);
}

}  // namespace imgapi
