#include <delta/image_decoder.hpp>

#include <delta/gzip_header.hpp>
#include <delta/recipe.hpp>

#include <common/error.hpp>

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_chunk = 64 * 1024;

}  // namespace

struct ImageDecoder::Impl {
  std::string path;
  Compression compression;
  std::uint64_t max_uncompressed;
  int fd = -1;
  std::vector<char> in = std::vector<char>(k_chunk);
  std::size_t in_pos = 0, in_len = 0;
  bool file_end = false;
  std::uint64_t file_read = 0;  // bytes read from the file so far
  std::string header;
  int block_100k = 0;
  z_stream z{};
  bool z_open = false;
  bz_stream bz{};
  bool bz_open = false;
  bool done = false;
  std::uint64_t out_total = 0;
  uLong crc = 0;
  std::uint64_t boundary_out = 0;  // uncompressed offset at the last deflate block end
  std::uint64_t spacing = 0;
  std::uint64_t trailing = 0;

  ~Impl() {
    if (z_open) inflateEnd(&z);
    if (bz_open) BZ2_bzDecompressEnd(&bz);
    if (fd >= 0) ::close(fd);
  }

  [[noreturn]] void corrupt(const std::string& why) const {
    throw Error(ExitCode::bad_data,
                path + ": " + why + " at compressed byte " + std::to_string(consumed()) +
                    "; the image file is damaged, download it again",
                {0, "", path, 0});
  }

  std::uint64_t consumed() const { return file_read - (in_len - in_pos); }

  // Makes unread input available; false at the end of the file.
  bool fill() {
    if (in_pos < in_len) return true;
    if (file_end) return false;
    for (;;) {
      const ssize_t n = ::read(fd, in.data(), in.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        throw Error(ExitCode::io, "reading " + path + ": " + std::strerror(err),
                    {0, "", path, err});
      }
      in_pos = 0;
      in_len = static_cast<std::size_t>(n);
      file_read += in_len;
      if (n == 0) file_end = true;
      return n > 0;
    }
  }

  // Reads until at least `want` unread bytes are buffered or the file ends (want <= k_chunk).
  std::string_view prefix(std::size_t want) {
    if (in_pos > 0) {
      std::memmove(in.data(), in.data() + in_pos, in_len - in_pos);
      in_len -= in_pos;
      in_pos = 0;
    }
    while (in_len < want && !file_end) {
      const ssize_t n = ::read(fd, in.data() + in_len, in.size() - in_len);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        throw Error(ExitCode::io, "reading " + path + ": " + std::strerror(err),
                    {0, "", path, err});
      }
      if (n == 0) file_end = true;
      in_len += static_cast<std::size_t>(n);
      file_read += static_cast<std::size_t>(n);
    }
    return std::string_view(in.data(), in_len);
  }

  void open_gzip() {
    const std::string_view start = prefix(k_max_gzip_header);
    const auto length = gzip_header_length(start.substr(0, k_max_gzip_header), path.c_str());
    if (!length) {
      if (start.empty())
        throw Error(ExitCode::bad_data, path + ": empty file, not gzip", {0, "", path, 0});
      corrupt("the file ends inside its gzip header");
    }
    header.assign(start.data(), *length);
    in_pos = *length;
    if (inflateInit2(&z, -15) != Z_OK) throw Error(ExitCode::internal, "zlib inflateInit2 failed");
    z_open = true;
    crc = crc32(0, Z_NULL, 0);
  }

  void open_bzip2() {
    const std::string_view start = prefix(4);
    if (start.size() < 4 || start.substr(0, 3) != "BZh" || start[3] < '1' || start[3] > '9') {
      throw Error(ExitCode::bad_data, path + ": not a bzip2 file (no \"BZh1\"..\"BZh9\" header)",
                  {0, "", path, 0});
    }
    block_100k = start[3] - '0';
    if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) {
      throw Error(ExitCode::internal, "libbz2 BZ2_bzDecompressInit failed (out of memory?)");
    }
    bz_open = true;
  }

  void count(std::size_t produced) {
    out_total += produced;
    if (out_total > max_uncompressed) {
      throw Error(ExitCode::bundle_too_large,
                  path + ": uncompresses to more than " + std::to_string(max_uncompressed) +
                      " bytes, the limit for an image file",
                  {0, "", path, 0});
    }
  }

  // After the compressed stream: count what else the file holds (read, not kept).
  void finish() {
    trailing = in_len - in_pos;
    in_pos = in_len;
    while (fill()) {
      trailing += in_len;
      in_pos = in_len;
    }
    done = true;
  }

  std::size_t read_gzip(char* buf, std::size_t size) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = static_cast<uInt>(size);
    while (z.avail_out == size) {
      if (!fill()) corrupt("the file ends inside the deflate data (truncated?)");
      z.next_in = reinterpret_cast<Bytef*>(in.data() + in_pos);
      z.avail_in = static_cast<uInt>(in_len - in_pos);
      // Z_BLOCK stops at every deflate block end, where pigz's boundaries show.
      const int rc = inflate(&z, Z_BLOCK);
      in_pos = in_len - z.avail_in;
      if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
        corrupt(std::string("corrupt deflate data (") + (z.msg ? z.msg : "no detail") + ")");
      }
      if (rc == Z_MEM_ERROR) throw Error(ExitCode::internal, "zlib inflate: out of memory");
      const std::size_t produced = size - z.avail_out;
      crc = crc32(crc, reinterpret_cast<const Bytef*>(buf), static_cast<uInt>(produced));
      count(produced);
      if (rc == Z_STREAM_END) {
        check_gzip_trailer();
        return produced;
      }
      if ((z.data_type & 128) && !(z.data_type & 64)) {
        // At the end of a block: an empty one ending byte-aligned marks a pigz boundary.
        if (out_total == boundary_out && out_total > 0 && (z.data_type & 7) == 0) {
          spacing = std::gcd(spacing, out_total);
        }
        boundary_out = out_total;
      }
    }
    return size - z.avail_out;
  }

  void check_gzip_trailer() {
    const std::string_view t = prefix(8);
    if (t.size() < 8) corrupt("the file ends inside the gzip trailer (truncated?)");
    const auto le32 = [&](std::size_t at) {
      std::uint32_t v = 0;
      for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(t[at + i]);
      return v;
    };
    if (le32(0) != static_cast<std::uint32_t>(crc)) corrupt("CRC-32 mismatch in the gzip trailer");
    if (le32(4) != static_cast<std::uint32_t>(out_total))
      corrupt("length mismatch in the gzip trailer");
    in_pos += 8;
    finish();
  }

  std::size_t read_bzip2(char* buf, std::size_t size) {
    bz.next_out = buf;
    bz.avail_out = static_cast<unsigned>(size);
    while (bz.avail_out == size) {
      const bool more = fill();
      bz.next_in = in.data() + in_pos;
      bz.avail_in = static_cast<unsigned>(in_len - in_pos);
      const int rc = BZ2_bzDecompress(&bz);
      in_pos = in_len - bz.avail_in;
      if (rc == BZ_DATA_ERROR || rc == BZ_DATA_ERROR_MAGIC)
        corrupt("corrupt bzip2 data (bad block or CRC)");
      if (rc == BZ_MEM_ERROR) throw Error(ExitCode::internal, "libbz2: out of memory");
      if (rc != BZ_OK && rc != BZ_STREAM_END) corrupt("libbz2 error " + std::to_string(rc));
      const std::size_t produced = size - bz.avail_out;
      count(produced);
      if (rc == BZ_STREAM_END) {
        finish();
        return produced;
      }
      if (!more && produced == 0) corrupt("the file ends inside the bzip2 stream (truncated?)");
    }
    return size - bz.avail_out;
  }
};

ImageDecoder::ImageDecoder(const std::string& path, Compression compression,
                           std::uint64_t max_uncompressed)
    : m_impl(std::make_unique<Impl>()) {
  Impl& d = *m_impl;
  d.path = path;
  d.compression = compression;
  d.max_uncompressed = max_uncompressed;
  if (compression != Compression::gzip && compression != Compression::bzip2) {
    throw Error(
        ExitCode::bundle_unsupported,
        path + ": " + name_of(compression) + " files are not decoded here (gzip and bzip2 only)");
  }
  d.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (d.fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "cannot open " + path + ": " + std::strerror(err), {0, "", path, err});
  }
  if (compression == Compression::gzip) {
    d.open_gzip();
  } else {
    d.open_bzip2();
  }
}

ImageDecoder::~ImageDecoder() = default;

std::size_t ImageDecoder::read(char* buf, std::size_t size) {
  Impl& d = *m_impl;
  if (d.done || size == 0) return 0;
  size = std::min(size, k_chunk);  // zlib and libbz2 count in 32-bit unsigned
  return d.compression == Compression::gzip ? d.read_gzip(buf, size) : d.read_bzip2(buf, size);
}

const std::string& ImageDecoder::gzip_header() const { return m_impl->header; }
int ImageDecoder::bzip2_block_100k() const { return m_impl->block_100k; }
std::uint64_t ImageDecoder::empty_block_spacing() const { return m_impl->spacing; }
std::uint64_t ImageDecoder::trailing_bytes() const { return m_impl->trailing; }
std::uint64_t ImageDecoder::uncompressed_size() const { return m_impl->out_total; }
std::uint64_t ImageDecoder::compressed_size() const { return m_impl->file_read; }

}  // namespace delta
