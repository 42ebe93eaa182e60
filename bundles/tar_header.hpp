#pragma once
// The 512-byte ustar header of one bundle member, written by libarchive so the bytes are
// those of a stock tar implementation: a regular file (type '0'), uid/gid 0, uname and
// gname "root", the given mode and mtime, no pax or GNU extensions. The same arguments
// always give the same bytes.

#include <cstdint>
#include <string>
#include <string_view>

namespace bundles {

// The largest size a ustar header can state (11 octal digits): 8 GiB - 1.
constexpr std::uint64_t k_tar_max_size = (std::uint64_t{1} << 33) - 1;
// The largest mtime it can state (11 octal digits).
constexpr std::int64_t k_tar_max_mtime = (std::int64_t{1} << 33) - 1;

struct TarMember {
  std::string_view name;  // 1..100 bytes; goes into ustar's name field (no prefix)
  std::uint64_t size = 0;
  unsigned mode = 0644;   // permission bits only
  std::int64_t mtime = 0; // seconds since the epoch, 0..k_tar_max_mtime
};

// Throws common::Error: bundle_unsafe for an empty name, a name longer than 100 bytes or
// with a NUL byte; bundle_too_large for a size above k_tar_max_size; usage for a mode
// outside 0..07777 or an mtime outside the ustar range; internal if libarchive fails.
std::string make_tar_header(const TarMember& member);

// The size field of a ustar header (octal), or -1 when the field is not a plain octal
// number. Used to recognise the signature slot's header before rewriting it.
std::int64_t tar_header_size(std::string_view header);

}  // namespace bundles
