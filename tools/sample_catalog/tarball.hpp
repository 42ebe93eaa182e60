#pragma once
// Reproducible gzip-compressed archives through libarchive: ustar members with fixed
// mtime, uid/gid 0 and owner "root", and a gzip header without a timestamp, so the same
// inputs give the same bytes. Output goes to a ByteSink (a hashed file or memory).

#include <tools/sample_catalog/payload.hpp>

#include <archive.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace sample_catalog {

class Tarball {
 public:
  enum class Format {
    ustar,  // a .tgz
    raw,    // one member's bytes, gzip-compressed, no tar framing (a .gz file)
  };

  // gzip_level 0 stores (deflate "stored" blocks: a valid .gz without compression
  // work, right for random bytes); 1-9 compress. `mtime` is every member's mtime.
  // Throws common::Error(internal) if libarchive refuses the settings.
  Tarball(ByteSink& sink, Format format, int gzip_level, std::int64_t mtime);
  ~Tarball();
  Tarball(const Tarball&) = delete;
  Tarball& operator=(const Tarball&) = delete;

  void add_directory(const std::string& path);
  void add_file(const std::string& path, std::string_view content, unsigned mode = 0644);
  // Streams `size` bytes from `prng` as one member (the only one in Format::raw).
  // Returns the SHA-1 (hex) of the member's content.
  std::string add_random_file(const std::string& path, std::uint64_t size, Prng& prng,
                              unsigned mode = 0644);
  // Streams the regular file at `source` (which must not change meanwhile) as a member.
  void add_file_from_disk(const std::string& path, const std::string& source,
                          unsigned mode = 0644);
  // Writes the end of archive and the gzip trailer; nothing can be added afterwards.
  void finish();

 private:
  static la_ssize_t write_callback(struct archive* a, void* self, const void* data,
                                   std::size_t n);
  void write_data(const void* data, std::size_t size, const std::string& path);
  void write_header(const std::string& path, unsigned type, unsigned mode, std::uint64_t size);
  void check(int rc, const std::string& doing);

  struct archive* m_archive = nullptr;
  ByteSink& m_sink;
  std::int64_t m_mtime;
  std::exception_ptr m_sink_error;  // an exception thrown by the sink inside libarchive
};

}  // namespace sample_catalog
