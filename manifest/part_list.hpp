#pragma once
// manifest::PartList: NAME.sdc.parts.json, the list of split volumes of a bundle
// (docs/bundle-format.md §7). A reader checks each part's size and SHA-256 against this list
// (naming the bad part) before treating the concatenation of the parts as the bundle.

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

inline constexpr const char* k_parts_format = "sdcadm-bundle-parts";
inline constexpr int k_parts_format_version = 1;
// Parts must be smaller than 4 GiB so that they fit a FAT32 file system.
inline constexpr std::uint64_t k_max_part_size = (4ull << 30) - 1;
// At most this many parts (names end in .001 ... .999).
inline constexpr std::size_t k_max_parts = 999;

struct BundlePart {
  std::string name;     // "<bundle basename>.NNN", NNN = 001, 002, ... in order
  std::uint64_t size = 0;
  std::string sha256;   // lower-case hex of the part's bytes
};

struct PartList {
  int format_version = 1;
  std::string bundle_id;
  std::uint64_t bundle_size = 0;
  std::string bundle_json_sha256;
  std::vector<BundlePart> parts;
  common::Json unknown;  // keys this version does not know (object or null)

  // Parses and checks a part list (bounded: 1 MiB, depth 16). `bundle_name` is the bundle's
  // basename ("NAME.sdc"); every part must be named bundle_name + ".NNN", numbered 001, 002,
  // ... in order (so no path can be smuggled in); parts are 1 .. 4 GiB-1 bytes; their sizes
  // sum to bundle_size. Throws common::Error:
  //   bundle_unsupported  format_version > 1;
  //   bundle_unsafe       a part name that is not bundle_name + ".NNN" in sequence;
  //   bundle_too_large    text over 1 MiB, more than 999 parts, a part of 4 GiB or more;
  //   bundle_corrupt      anything else (bad JSON, a key twice, types, hex, a part other than
  //                       the last not of the first part's size, sizes not summing up).
  static PartList parse(std::string_view bytes, std::string_view bundle_name);

  // Deterministic 2-space JSON in the spec's key order, newline-terminated.
  std::string serialize() const;
};

// The name of part `number` (1-based) of bundle `bundle_name`: "NAME.sdc.001".
std::string part_name(std::string_view bundle_name, std::size_t number);

// The basename a part list file was named for: "x/NAME.sdc.parts.json" -> "NAME.sdc";
// "" when the path does not end in ".parts.json".
std::string bundle_name_from_parts_path(std::string_view path);

}  // namespace manifest
