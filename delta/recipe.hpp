#pragma once
// delta::Recipe: how an image file was compressed, with everything needed to compress a
// rebuilt uncompressed stream again and get the same bytes (see recompress.hpp for which
// compressors can be reproduced and why). A recipe travels in the signed bundle index, so
// its JSON form is small, canonical (one text per recipe: fields in a fixed order, only
// the fields its kind uses) and read back by a strict parser that refuses anything else.
//
//   {"kind":"none"}
//   {"kind":"gzip","level":6,"window_bits":15,"mem_level":8,"strategy":"default",
//    "header":"1f8b0800...."}                  one zlib deflate stream in a gzip member
//   {"kind":"pigz","level":6,"block_kib":128,"header":"1f8b0800...."}
//                                              pigz's independent-dictionary blocks
//   {"kind":"bzip2","block_100k":9}            one libbz2 stream
//
// "header" is the original gzip member header, hex, copied verbatim into the rebuilt file
// (MTIME, XFL, OS and any name differ between compressors and runs; none of them can be
// derived from the content). Measured with Debian's pigz 2.6 and gzip 1.12 reading a pipe,
// as buildimage runs them: pigz writes the current time as MTIME (a new value every run),
// gzip writes 0; both write no name, OS 3, XFL 0 at -6 (pigz: 2 at -9, 4 at -1).

#include <common/json.hpp>

#include <cstdint>
#include <string>

namespace delta {

enum class RecipeKind { none, gzip, pigz, bzip2 };

// zlib's deflate strategies (zlib.h Z_DEFAULT_STRATEGY ... Z_FIXED).
enum class DeflateStrategy { default_strategy, filtered, huffman_only, rle, fixed };

// Limits the parser enforces (and the builder may rely on).
inline constexpr std::size_t k_max_gzip_header = 4096;   // bytes; see gzip_header.hpp
inline constexpr int k_min_pigz_block_kib = 32;          // pigz -b: at least 32 KiB
inline constexpr int k_max_pigz_block_kib = 64 * 1024;   // 64 MiB: bounds our memory, not pigz's

struct Recipe {
  RecipeKind kind = RecipeKind::none;
  int level = 6;          // gzip, pigz: 1..9
  int window_bits = 15;   // gzip: 9..15 (raw deflate window; pigz always uses 15)
  int mem_level = 8;      // gzip: 1..9 (pigz always uses 8)
  DeflateStrategy strategy = DeflateStrategy::default_strategy;  // gzip (pigz: default)
  int block_kib = 128;    // pigz: input block size in KiB (pigz -b)
  int block_100k = 9;     // bzip2: block size in 100 kB units, 1..9 (bzip2 -1 .. -9)
  std::string header;     // gzip, pigz: the raw gzip member header bytes

  bool operator==(const Recipe& other) const;
  bool operator!=(const Recipe& other) const { return !(*this == other); }
};

// A short name for reports: "none", "zlib-6", "zlib-9 (window 14, mem 9, rle)",
// "pigz-6 (128 KiB blocks)", "bzip2-9".
std::string describe(const Recipe& recipe);

// The canonical JSON object (only the fields the kind uses, in the order above).
common::Json to_json(const Recipe& recipe);

// Reads a recipe back. Refuses, with common::Error(bad_data) naming `what` and the
// field: a non-object, an unknown kind, a missing, unknown or wrongly typed field, a
// number out of range, and a header that is not one well-formed gzip header.
Recipe recipe_from_json(const common::Json& json, const std::string& what = "recipe");

// Throws Error(bad_data) when `recipe` could not have come from recipe_from_json (used
// by compress_with, so a recipe built in code is held to the same rules).
void validate(const Recipe& recipe, const std::string& what = "recipe");

}  // namespace delta
