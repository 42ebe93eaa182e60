#pragma once
// Strict reading of the ustar headers inside a bundle, and the closed-world rule of
// docs/bundle-format.md §2: an entry is accepted only when it is a regular file whose
// name is the next one the index expects and whose size is the size the index lists.
// Readers never take a name or size from a tar header: they compare it with the index.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bundles {

struct TarEntry {
  std::string name;
  std::uint64_t size = 0;
  char type = '0';
};

// Parses one 512-byte header. Checks the POSIX ustar magic and version ("ustar\0" "00"),
// the checksum, that every numeric field is NUL/space-terminated octal of bounded length
// (no base-256), and that name, linkname and prefix are NUL-terminated with nothing after
// the terminator. Any failure => Error(bundle_corrupt). An all-zero block (end of archive
// where a header belongs) is reported as such. `where` names the place for messages.
TarEntry parse_tar_header(const char* block, const std::string& where);

// True if the 512 bytes are all zero.
bool is_zero_block(const char* block, std::size_t size = 512);

// What the reader expects at this point of the stream.
struct ExpectedMember {
  std::string_view name;                   // the next name in index order
  std::uint64_t size = 0;                  // its size in the index
  const std::vector<std::string>* listed;  // all names in the index, in order (may be null)
  std::size_t position = 0;                // index of `name` in `listed`
};

// Applies the closed-world rules to a parsed header, in this order (the first failing
// rule decides):
//   not a regular file (link, device, directory, fifo, pax/GNU extension) => bundle_unsafe
//   absolute name, "..", "." or empty components, control bytes             => bundle_unsafe
//   a name listed earlier in the index (a duplicate)                        => bundle_closed_world
//   a name the index lists later (the expected one is missing)              => bundle_closed_world
//   a name the index does not list                                          => bundle_closed_world
//   size larger than the index says                                         => bundle_too_large
//   size smaller than the index says                                        => bundle_corrupt
void check_member_header(const TarEntry& entry, const ExpectedMember& expected,
                         const std::string& where);

}  // namespace bundles
