#pragma once
// Streams the uncompressed content out of a gzip or bzip2 image file, checking it as it
// goes: the gzip header, the deflate data, the CRC-32 and ISIZE trailer (libbz2 checks
// its own block and stream CRCs). Used by find_recipe, once to check and hash the file and
// once per candidate recipe as the candidate's input. Memory: 64 KiB of input plus
// zlib's 32 KiB inflate window (~44 KiB in all), or libbz2's ~3.6 MiB at block size 9
// (bzlib manual 3.3.4, small=0); never the file.

#include <delta/compression.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace delta {

class ImageDecoder {
 public:
  // Opens `path`, which must be `compression` (gzip or bzip2; none and xz are the
  // caller's business and refused here with Error(bundle_unsupported)). Throws
  // common::Error(not_found / io) when it cannot be read, Error(bad_data) when its first
  // bytes are not that format. `max_uncompressed` bounds the content (a gzip bomb is
  // refused with Error(bundle_too_large) once it passes the bound, not after).
  ImageDecoder(const std::string& path, Compression compression, std::uint64_t max_uncompressed);
  ~ImageDecoder();
  ImageDecoder(const ImageDecoder&) = delete;
  ImageDecoder& operator=(const ImageDecoder&) = delete;

  // Up to `size` uncompressed bytes; 0 only at the end of the compressed stream, after its
  // checks passed. Throws Error(bad_data) naming the file and the compressed offset for
  // corrupt data, a bad CRC or length, or a file that ends early.
  std::size_t read(char* buf, std::size_t size);

  // The gzip member header bytes (empty for bzip2).
  const std::string& gzip_header() const;
  // bzip2: the block size digit of the "BZh1".."BZh9" header; 0 for gzip.
  int bzip2_block_100k() const;
  // gzip: the greatest common divisor of the uncompressed offsets where an empty deflate
  // block ended on a byte boundary (pigz's block boundaries, see recompress.hpp); 0 when
  // there was none. Complete once read() returned 0.
  std::uint64_t empty_block_spacing() const;
  // Once read() returned 0: the bytes in the file after the compressed stream (a second
  // gzip member or bzip2 stream, or padding).
  std::uint64_t trailing_bytes() const;
  std::uint64_t uncompressed_size() const;
  std::uint64_t compressed_size() const;  // the file's size, once read() returned 0

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace delta
