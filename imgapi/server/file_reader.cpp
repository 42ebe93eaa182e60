// open_plain_file: the FileReader over a plain file (image_store.hpp).

#include <imgapi/server/image_store.hpp>
#include <imgapi/server/rest_error.hpp>

#include <common/log.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace imgapi::server {
namespace {

class PlainFileReader : public FileReader {
 public:
  PlainFileReader(int fd, std::string uuid) : m_fd(fd), m_uuid(std::move(uuid)) {}
  ~PlainFileReader() override { ::close(m_fd); }
  PlainFileReader(const PlainFileReader&) = delete;
  PlainFileReader& operator=(const PlainFileReader&) = delete;

  std::size_t read(char* buf, std::size_t max) override {
    while (true) {
      ssize_t n = ::read(m_fd, buf, max);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      std::string why = std::strerror(errno);
      common::log::error("reading the file of image " + m_uuid + ": " + why);
      throw internal_error("error reading the file of image " + m_uuid + ": " + why);
    }
  }

 private:
  int m_fd;
  std::string m_uuid;
};

}  // namespace

std::unique_ptr<FileReader> open_plain_file(const std::string& path, std::uint64_t expected_size,
                                            const std::string& uuid) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string why = std::strerror(errno);
    common::log::error("opening " + path + " for image " + uuid + ": " + why);
    throw internal_error("the file of image " + uuid + " cannot be read (" + why + ")");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) != expected_size) {
    ::close(fd);
    common::log::error(path + " is not a regular file of " + std::to_string(expected_size) +
                       " bytes any more (image " + uuid + ")");
    throw internal_error("the file of image " + uuid +
                         " changed on the server (size differs from the manifest)");
  }
  return std::make_unique<PlainFileReader>(fd, uuid);
}

}  // namespace imgapi::server
