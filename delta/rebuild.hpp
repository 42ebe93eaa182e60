#pragma once
// The two halves of a delta member that both ends run: unpack an image file to its
// uncompressed stream (the builder for both images, the headnode for the base), and rebuild
// an image file from the uncompressed base plus a patch (the builder to prove the delta
// before it ships one, the headnode to get the file back). docs/bundle-format.md §3a.
//
// rebuild_image streams: apply_patch (patch.hpp) pushes the rebuilt uncompressed stream,
// compress_with (recompress.hpp) pulls it, so the two run on two threads joined by a
// bounded queue (k_rebuild_queue_bytes). Memory is apply_patch's (about 40 MiB at the
// default segment size, bounded by the patch header), the queue, and the compressor's
// (under 8 MiB); nothing grows with the image.

#include <delta/compression.hpp>
#include <delta/patch.hpp>
#include <delta/recipe.hpp>

#include <cstdint>
#include <string>

namespace delta {

// Bytes of uncompressed stream in flight between the patch and the compressor threads.
inline constexpr std::size_t k_rebuild_queue_bytes = 4u << 20;

// A file read in order, in the caller's pieces: the patch file the installer streamed out of
// the bundle, an image file compressed "none". Open fails with Error(not_found / io), a read
// with Error(io).
class FileSource {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Up to `size` bytes; 0 at the end of the file.
  std::size_t read(char* buf, std::size_t size);

 private:
  std::string m_path;
  int m_fd = -1;
};

struct UnpackResult {
  std::uint64_t compressed_size = 0;    // bytes of the image file read
  std::uint64_t uncompressed_size = 0;  // bytes written to the output file
};

// Writes the uncompressed content of the image file `path` (`compression`: none copies
// it, gzip or bzip2 decompress it) to `out_path`, which must not exist (created 0600).
// The caller owns `out_path` and removes it on failure too. Throws common::Error:
// bundle_unsupported (xz), bad_data (corrupt, truncated, bad CRC), bundle_too_large
// (content over `max_uncompressed`), not_found / io, no_space (ENOSPC).
UnpackResult unpack_image(const std::string& path, Compression compression,
                          const std::string& out_path, std::uint64_t max_uncompressed);

struct RebuildResult {
  std::uint64_t uncompressed_size = 0;  // the rebuilt stream the patch produced
  std::uint64_t file_size = 0;          // compressed bytes given to the sink
};

// Applies `patch` to the uncompressed base `base_uncompressed` and compresses the result
// with `recipe`, giving the image file's bytes to `file_out` in order. `max_uncompressed`
// bounds the rebuilt stream (apply_patch's max_new_size). Throws what apply_patch,
// compress_with and the sink throw (the first failure wins; the other thread is stopped
// and joined first); the sink's bytes are then incomplete and the caller discards them.
RebuildResult rebuild_image(const std::string& base_uncompressed, const ByteSource& patch,
                            const Recipe& recipe, const ByteSink& file_out,
                            std::uint64_t max_uncompressed = UINT64_MAX);

}  // namespace delta
