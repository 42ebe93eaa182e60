#include <bundles/tar_check.hpp>

#include <common/error.hpp>
#include <manifest/bundle_index.hpp>

#include <algorithm>
#include <cstring>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// ustar field offsets and sizes (POSIX.1-1988).
struct Field {
  std::size_t offset, size;
};
constexpr Field k_name{0, 100};
constexpr Field k_mode{100, 8};
constexpr Field k_uid{108, 8};
constexpr Field k_gid{116, 8};
constexpr Field k_size{124, 12};
constexpr Field k_mtime{136, 12};
constexpr Field k_chksum{148, 8};
constexpr std::size_t k_typeflag = 156;
constexpr Field k_linkname{157, 100};
constexpr Field k_magic{257, 6};
constexpr Field k_version{263, 2};
constexpr Field k_prefix{345, 155};
constexpr std::size_t k_block = 512;

Error corrupt(const std::string& where, const std::string& detail) {
  return Error(ExitCode::bundle_corrupt, where + ": bad tar header: " + detail +
                                             "; the bundle is damaged or was not written by "
                                             "sdcadm-bundle");
}

// An octal number: optional leading spaces, 1..size digits, then only spaces/NULs. A
// field full of digits (no terminator) is allowed, as libarchive writes large sizes.
// Base-256 (high bit set) is refused: no bundle member is that large.
std::uint64_t parse_octal(const char* block, Field f, const char* what, const std::string& where) {
  const char* p = block + f.offset;
  const char* end = p + f.size;
  while (p < end && *p == ' ') ++p;
  std::uint64_t value = 0;
  std::size_t digits = 0;
  for (; p < end && *p >= '0' && *p <= '7'; ++p, ++digits) value = value * 8 + unsigned(*p - '0');
  const bool tail_ok = std::all_of(p, end, [](char c) { return c == ' ' || c == '\0'; });
  if (digits == 0 || !tail_ok) {
    throw corrupt(where, std::string("the ") + what + " field is not an octal number");
  }
  return value;  // at most 12 octal digits: < 2^36, no overflow
}

// A NUL-terminated string field with nothing but NULs after the terminator (a second,
// hidden name after the NUL would be read differently by different tools).
std::string parse_string(const char* block, Field f, const char* what, const std::string& where) {
  const char* p = block + f.offset;
  const char* nul = static_cast<const char*>(std::memchr(p, '\0', f.size));
  if (!nul) return std::string(p, f.size);
  if (!std::all_of(nul, p + f.size, [](char c) { return c == '\0'; })) {
    throw corrupt(where, std::string("the ") + what + " field has bytes after its end");
  }
  return std::string(p, static_cast<std::size_t>(nul - p));
}

void check_checksum(const char* block, const std::string& where) {
  const std::uint64_t stored = parse_octal(block, k_chksum, "checksum", where);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < k_block; ++i) {
    const bool in_field = i >= k_chksum.offset && i < k_chksum.offset + k_chksum.size;
    sum += in_field ? unsigned(' ') : static_cast<unsigned char>(block[i]);
  }
  if (sum != stored) {
    throw corrupt(where, "checksum " + std::to_string(stored) + " does not match the header (" +
                             std::to_string(sum) + ")");
  }
}

std::string type_word(char type) {
  switch (type) {
    case '1': return "a hard link";
    case '2': return "a symbolic link";
    case '3': return "a character device";
    case '4': return "a block device";
    case '5': return "a directory";
    case '6': return "a fifo";
    case 'x': case 'g': return "a pax extended header";
    case 'L': case 'K': return "a GNU long-name header";
    default: return "an entry of type '" + std::string(1, type) + "'";
  }
}

bool listed_in(const std::vector<std::string>* listed, std::size_t from, std::size_t to,
               const std::string& name) {
  if (!listed) return false;
  to = std::min(to, listed->size());
  return from < to && std::find(listed->begin() + static_cast<std::ptrdiff_t>(from),
                                listed->begin() + static_cast<std::ptrdiff_t>(to),
                                name) != listed->begin() + static_cast<std::ptrdiff_t>(to);
}

std::string expected_text(const ExpectedMember& expected) {
  return expected.name.empty() ? "the index lists no further member"
                               : "the index expects \"" + std::string(expected.name) + "\" here";
}

}  // namespace

bool is_zero_block(const char* block, std::size_t size) {
  return std::all_of(block, block + size, [](char c) { return c == '\0'; });
}

TarEntry parse_tar_header(const char* block, const std::string& where) {
  if (is_zero_block(block)) throw corrupt(where, "an end-of-archive block stands here");
  if (std::memcmp(block + k_magic.offset, "ustar\0", k_magic.size) != 0 ||
      std::memcmp(block + k_version.offset, "00", k_version.size) != 0) {
    throw corrupt(where, "no POSIX ustar magic");
  }
  check_checksum(block, where);
  TarEntry entry;
  entry.type = block[k_typeflag];
  entry.name = parse_string(block, k_name, "name", where);
  entry.size = parse_octal(block, k_size, "size", where);
  parse_octal(block, k_mode, "mode", where);
  parse_octal(block, k_uid, "uid", where);
  parse_octal(block, k_gid, "gid", where);
  parse_octal(block, k_mtime, "mtime", where);
  // A prefix would make every tar tool see "prefix/name"; bundles never use one.
  if (!parse_string(block, k_prefix, "prefix", where).empty()) {
    throw Error(ExitCode::bundle_unsafe,
                where + ": the tar header of \"" + entry.name +
                    "\" has a name prefix, which bundles never use (it changes the path tar "
                    "tools extract to); refusing the bundle");
  }
  parse_string(block, k_linkname, "linkname", where);
  return entry;
}

void check_member_header(const TarEntry& entry, const ExpectedMember& expected,
                         const std::string& where) {
  const std::string quoted = "\"" + entry.name + "\"";
  if (entry.type != '0') {
    throw Error(ExitCode::bundle_unsafe,
                where + ": the archive holds " + type_word(entry.type) + " named " + quoted +
                    "; bundles hold regular files only, refusing the bundle");
  }
  if (!manifest::is_safe_member_name(entry.name)) {
    throw Error(ExitCode::bundle_unsafe,
                where + ": the archive holds an entry with the unsafe name " + quoted +
                    " (absolute, \"..\", \".\", empty parts or control bytes); refusing the "
                    "bundle");
  }
  if (entry.name != expected.name) {
    const std::size_t pos = expected.position;
    std::string what = "an unlisted member " + quoted + " (not in the index)";
    const bool fixed_name = entry.name == "bundle.json" || entry.name == "bundle.sig";
    if ((expected.listed && fixed_name) ||
        listed_in(expected.listed, 0, expected.name.empty() ? SIZE_MAX : pos, entry.name)) {
      what = "a duplicate of member " + quoted;
    } else if (!expected.name.empty() && listed_in(expected.listed, pos + 1, SIZE_MAX, entry.name)) {
      what = "member " + quoted + " out of order: member \"" + std::string(expected.name) +
             "\" is missing";
    }
    throw Error(ExitCode::bundle_closed_world,
                where + ": the archive holds " + what + "; " + expected_text(expected) +
                    ". The bundle does not match its index: refusing it");
  }
  if (entry.size != expected.size) {
    const bool larger = entry.size > expected.size;
    throw Error(larger ? ExitCode::bundle_too_large : ExitCode::bundle_corrupt,
                where + ": member " + quoted + " declares " + std::to_string(entry.size) +
                    " bytes, index says " + std::to_string(expected.size) +
                    "; the bundle does not match its index: refusing it");
  }
}

}  // namespace bundles
