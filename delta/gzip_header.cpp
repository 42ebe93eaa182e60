#include <delta/gzip_header.hpp>

#include <delta/recipe.hpp>

#include <common/error.hpp>

#include <string>

namespace delta {

namespace {

constexpr unsigned char k_fhcrc = 0x02, k_fextra = 0x04, k_fname = 0x08, k_fcomment = 0x10;
constexpr unsigned char k_reserved = 0xe0;

[[noreturn]] void refuse(const char* what, const std::string& why) {
  throw common::Error(common::ExitCode::bad_data, std::string(what) + ": " + why);
}

}  // namespace

std::optional<std::size_t> gzip_header_length(std::string_view bytes, const char* what) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  // The fixed part first, byte by byte, so a short prefix that is already wrong is refused
  // at once rather than "incomplete".
  if (bytes.size() >= 1 && at(0) != 0x1f) refuse(what, "not a gzip file (bad magic)");
  if (bytes.size() >= 2 && at(1) != 0x8b) refuse(what, "not a gzip file (bad magic)");
  if (bytes.size() >= 3 && at(2) != 8) {
    refuse(what, "gzip compression method " + std::to_string(at(2)) + " is not deflate (8)");
  }
  if (bytes.size() >= 4 && (at(3) & k_reserved) != 0) {
    refuse(what, "gzip header has reserved flag bits set (corrupt file?)");
  }
  std::size_t pos = 10;
  if (bytes.size() < pos) return std::nullopt;
  const unsigned char flags = at(3);
  // Every step re-checks the bound, so a crafted FEXTRA length or an unterminated name
  // is refused after at most k_max_gzip_header bytes.
  const auto too_long = [&] {
    refuse(what, "gzip header is longer than " + std::to_string(k_max_gzip_header) +
                     " bytes (not an image file this tool can rebuild)");
  };
  if (flags & k_fextra) {
    if (bytes.size() < pos + 2) return std::nullopt;
    pos += 2 + (at(pos) | (std::size_t(at(pos + 1)) << 8));
    if (pos > k_max_gzip_header) too_long();
  }
  for (const unsigned char zero_terminated : {k_fname, k_fcomment}) {
    if (!(flags & zero_terminated)) continue;
    for (;; ++pos) {
      if (pos >= k_max_gzip_header) too_long();
      if (pos >= bytes.size()) return std::nullopt;
      if (at(pos) == 0) break;
    }
    ++pos;
  }
  if (flags & k_fhcrc) pos += 2;
  if (pos > k_max_gzip_header) too_long();
  if (bytes.size() < pos) return std::nullopt;
  return pos;
}

}  // namespace delta
