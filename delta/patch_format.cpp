#include <delta/patch_format.hpp>

#include <common/error.hpp>

#include <cstring>

namespace delta::patch_format {

namespace {

using common::Error;
using common::ExitCode;

constexpr char k_magic[8] = {'S', 'D', 'C', 'P', 'A', 'T', 'C', 'H'};

void put_u32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t read_u64(const unsigned char* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

void put_digest(std::string& out, const Sha256& digest) {
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
}

Sha256 read_digest(const unsigned char* p) {
  Sha256 digest;
  std::memcpy(digest.data(), p, digest.size());
  return digest;
}

// The one place the limits are spelled out, for both directions.
std::string limit_violation(const Header& h) {
  if (h.window_log < k_min_window_log || h.window_log > k_max_window_log) {
    return "window log " + std::to_string(h.window_log) + " (allowed " +
           std::to_string(k_min_window_log) + ".." + std::to_string(k_max_window_log) + ")";
  }
  if (h.segment_size < k_min_segment || h.segment_size > k_max_segment) {
    return "segment size " + std::to_string(h.segment_size) + " bytes (allowed 1..64 MiB)";
  }
  if (h.margin > k_max_margin) {
    return "reference margin " + std::to_string(h.margin) + " bytes (allowed up to 64 MiB)";
  }
  // Every match must reach back at most reference + segment bytes: the window has to.
  if (h.segment_size * 2 + h.margin * 2 > (std::uint64_t{1} << h.window_log)) {
    return "window 2^" + std::to_string(h.window_log) +
           " smaller than a segment plus its reference";
  }
  return {};
}

}  // namespace

std::uint32_t read_u32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::string hex(const Sha256& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string encode_header(const Header& header) {
  if (const std::string bad = limit_violation(header); !bad.empty()) {
    throw Error(ExitCode::internal, "patch parameters out of range: " + bad);
  }
  std::string out(k_magic, sizeof k_magic);
  put_u32(out, k_version);
  put_u32(out, static_cast<std::uint32_t>(header.level));
  put_u32(out, header.window_log);
  put_u32(out, 0);
  put_u64(out, header.segment_size);
  put_u64(out, header.margin);
  put_u64(out, header.old_size);
  put_digest(out, header.old_sha256);
  return out;
}

Header decode_header(const unsigned char* bytes) {
  if (std::memcmp(bytes, k_magic, sizeof k_magic) != 0) {
    throw Error(ExitCode::bad_data, "not an sdcadm-bundle patch (no SDCPATCH magic)");
  }
  const std::uint32_t version = read_u32(bytes + 8);
  if (version != k_version) {
    throw Error(ExitCode::bundle_unsupported,
                "patch format version " + std::to_string(version) + " (this program reads " +
                    std::to_string(k_version) + "): use a newer sdcadm-install or a full bundle");
  }
  Header h;
  h.level = static_cast<int>(read_u32(bytes + 12));
  h.window_log = read_u32(bytes + 16);
  if (read_u32(bytes + 20) != 0) {
    throw Error(ExitCode::bundle_unsupported, "patch uses flags this program does not know");
  }
  h.segment_size = read_u64(bytes + 24);
  h.margin = read_u64(bytes + 32);
  h.old_size = read_u64(bytes + 40);
  h.old_sha256 = read_digest(bytes + 48);
  if (const std::string bad = limit_violation(h); !bad.empty()) {
    throw Error(ExitCode::bundle_too_large,
                "patch refused: " + bad + " exceeds what the installer decodes in bounded memory");
  }
  return h;
}

std::string encode_segment(const Segment& segment) {
  std::string out;
  put_u32(out, k_segment_tag);
  put_u64(out, segment.ref_offset);
  put_u64(out, segment.ref_size);
  put_u64(out, segment.new_size);
  return out;
}

Segment decode_segment(const unsigned char* body, const Header& header) {
  Segment s;
  s.ref_offset = read_u64(body);
  s.ref_size = read_u64(body + 8);
  s.new_size = read_u64(body + 16);
  // Compare without overflow: ref_offset + ref_size <= old_size.
  const bool inside = s.ref_offset <= header.old_size &&
                      s.ref_size <= header.old_size - s.ref_offset;
  if (!inside || s.ref_size > header.segment_size + 2 * header.margin) {
    throw Error(ExitCode::bundle_corrupt,
                "patch segment references old bytes [" + std::to_string(s.ref_offset) + ", +" +
                    std::to_string(s.ref_size) + ") outside the base or its bound");
  }
  if (s.new_size == 0 || s.new_size > header.segment_size) {
    throw Error(ExitCode::bundle_corrupt, "patch segment claims " + std::to_string(s.new_size) +
                                              " new bytes (allowed 1.." +
                                              std::to_string(header.segment_size) + ")");
  }
  return s;
}

std::string encode_trailer(const Trailer& trailer) {
  std::string out;
  put_u32(out, k_trailer_tag);
  put_u64(out, trailer.new_size);
  put_digest(out, trailer.new_sha256);
  put_digest(out, trailer.patch_sha256);
  return out;
}

Trailer decode_trailer(const unsigned char* body) {
  Trailer t;
  t.new_size = read_u64(body);
  t.new_sha256 = read_digest(body + 8);
  t.patch_sha256 = read_digest(body + 40);
  return t;
}

}  // namespace delta::patch_format
