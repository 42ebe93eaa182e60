#include <tools/sample_catalog/tarball.hpp>

#include <common/error.hpp>

#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

namespace sample_catalog {

namespace {

using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

}  // namespace

Tarball::Tarball(ByteSink& sink, Format format, int gzip_level, std::int64_t mtime)
    : m_archive(archive_write_new()), m_sink(sink), m_mtime(mtime) {
  if (m_archive == nullptr) {
    throw common::Error(common::ExitCode::internal, "libarchive: out of memory");
  }
  const std::string level = std::to_string(std::clamp(gzip_level, 0, 9));
  check(format == Format::ustar ? archive_write_set_format_ustar(m_archive)
                                : archive_write_set_format_raw(m_archive),
        "choosing the archive format");
  check(archive_write_add_filter_gzip(m_archive), "adding the gzip filter");
  check(archive_write_set_filter_option(m_archive, "gzip", "compression-level", level.c_str()),
        "setting the gzip level");
  // A NULL value means "!timestamp": gzip header mtime 0, the one source of wall-clock
  // time libarchive would otherwise add.
  check(archive_write_set_filter_option(m_archive, "gzip", "timestamp", nullptr),
        "turning off the gzip timestamp");
  // No padding of the last block: the file ends where the gzip stream ends.
  check(archive_write_set_bytes_in_last_block(m_archive, 1), "setting the block size");
  check(archive_write_open(m_archive, this, nullptr, &Tarball::write_callback, nullptr),
        "opening the archive");
}

Tarball::~Tarball() {
  if (m_archive != nullptr) archive_write_free(m_archive);
}

la_ssize_t Tarball::write_callback(struct archive*, void* self, const void* data, std::size_t n) {
  auto* tarball = static_cast<Tarball*>(self);
  // Exceptions must not cross libarchive's C frames: keep it, report failure, rethrow.
  try {
    tarball->m_sink.write(data, n);
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    tarball->m_sink_error = std::current_exception();
    return -1;
  }
}

void Tarball::check(int rc, const std::string& doing) {
  if (rc == ARCHIVE_OK) return;
  if (m_sink_error) std::rethrow_exception(m_sink_error);
  const char* msg = archive_error_string(m_archive);
  throw common::Error(common::ExitCode::io,
                      "libarchive: " + doing + ": " + (msg != nullptr ? msg : "unknown error"));
}

void Tarball::write_header(const std::string& path, unsigned type, unsigned mode,
                           std::uint64_t size) {
  EntryPtr entry(archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), type);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(mode));
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(entry.get(), static_cast<time_t>(m_mtime), 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_uname(entry.get(), "root");
  archive_entry_set_gname(entry.get(), "root");
  check(archive_write_header(m_archive, entry.get()), "writing the header of " + path);
}

void Tarball::add_directory(const std::string& path) {
  write_header(path, AE_IFDIR, 0755, 0);
}

void Tarball::write_data(const void* data, std::size_t size, const std::string& path) {
  if (archive_write_data(m_archive, data, size) != static_cast<la_ssize_t>(size)) {
    check(ARCHIVE_FATAL, "writing " + path);
  }
}

void Tarball::add_file(const std::string& path, std::string_view content, unsigned mode) {
  write_header(path, AE_IFREG, mode, content.size());
  if (!content.empty()) write_data(content.data(), content.size(), path);
}

namespace {

// Lets write_random stream into the current archive member.
class CallbackSink : public ByteSink {
 public:
  explicit CallbackSink(std::function<void(const void*, std::size_t)> fn) : m_fn(std::move(fn)) {}
  void write(const void* data, std::size_t size) override { m_fn(data, size); }

 private:
  std::function<void(const void*, std::size_t)> m_fn;
};

}  // namespace

std::string Tarball::add_random_file(const std::string& path, std::uint64_t size, Prng& prng,
                                     unsigned mode) {
  write_header(path, AE_IFREG, mode, size);
  common::Hasher sha1(common::HashAlgorithm::sha1);
  CallbackSink data([this, &path](const void* p, std::size_t n) { write_data(p, n, path); });
  write_random(data, prng, size, &sha1);
  return sha1.finish_hex();
}

void Tarball::add_file_from_disk(const std::string& path, const std::string& source,
                                 unsigned mode) {
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw common::Error(common::ExitCode::io, "reading " + source + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw common::Error(common::ExitCode::io, "reading " + source + ": " + std::strerror(err));
  }
  try {
    write_header(path, AE_IFREG, mode, static_cast<std::uint64_t>(st.st_size));
    std::vector<char> block(1 << 20);
    off_t left = st.st_size;
    while (left > 0) {
      const ssize_t n = ::read(fd, block.data(), block.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const std::string why = n < 0 ? std::strerror(errno) : "file shrank";
        throw common::Error(common::ExitCode::io, "reading " + source + ": " + why);
      }
      write_data(block.data(), static_cast<std::size_t>(std::min<off_t>(n, left)), path);
      left -= n;
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

void Tarball::finish() {
  check(archive_write_close(m_archive), "finishing the archive");
}

}  // namespace sample_catalog
