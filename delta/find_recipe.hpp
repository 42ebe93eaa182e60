#pragma once
// find_recipe: which compressor settings reproduce an image file byte for byte (the
// candidates, and what reproduces what, are in recompress.hpp).
//
// The file is read once to check and hash it (a damaged file is an error, not "no
// recipe"), then each candidate recompresses the file's own content and its output is
// compared with the file *as it streams*: a candidate stops at its first differing byte,
// so a wrong one costs little (a wrong zlib level differs within the first deflate block,
// a wrong pigz block size at the first block boundary). Work is bounded: at most
// k_max_candidates candidates, each reading the file at most once; memory is the
// decoder's and compress_with's (recompress.hpp), nothing grows with the file.

#include <delta/compression.hpp>
#include <delta/recipe.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delta {

inline constexpr std::size_t k_max_candidates = 32;
inline constexpr std::uint64_t k_default_max_uncompressed = std::uint64_t(1) << 40;  // 1 TiB

struct RecipeSearch {
  std::optional<Recipe> recipe;       // the first candidate that reproduced the file
  std::vector<std::string> rejected;  // one line per failed candidate, in the order tried:
                                      // "zlib-9: differs at byte 1234"
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::string uncompressed_sha256;  // hex, of the content (what a delta patches)

  // For the build's report: "no recipe reproduces it: zlib-6 differs at byte 12, ...".
  std::string why_not() const;
};

// Finds a recipe for `path`, an image file IMGAPI says is `compression`. "none" needs no
// search (its recipe is {"kind":"none"}; the file is still read and hashed). Throws
// common::Error: (bundle_unsupported) for xz; (bad_data) when the file is not that format,
// is truncated or corrupt (bad data, CRC or length); (bundle_too_large) when it
// uncompresses to more than `max_uncompressed`; (not_found / io) when it cannot be read.
RecipeSearch find_recipe(const std::string& path, Compression compression,
                         std::uint64_t max_uncompressed = k_default_max_uncompressed);

// The candidates for a checked gzip file, in the order find_recipe tries them: pigz-6 with
// 128 KiB blocks (buildimage's default), pigz-6 with the block size the file's empty
// deflate blocks suggest (`pigz_spacing`, 0 = none seen), zlib 6, 9, 1..8, then pigz at the
// other levels. Exposed for tests.
std::vector<Recipe> gzip_candidates(const std::string& header, std::uint64_t pigz_spacing);

}  // namespace delta
