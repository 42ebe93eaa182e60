#pragma once
// The byte layout of a patch stream (delta/patch.hpp explains why it looks like this).
// Everything is little-endian; every size a hostile patch could inflate is checked
// against the limits below before anything is allocated or mapped.
//
//   header   "SDCPATCH" u32 version  i32 level  u32 window_log  u32 flags(0)
//            u64 segment_size  u64 margin  u64 old_size  old_sha256[32]      (80 bytes)
//   segment  u32 'SEGM'  u64 ref_offset  u64 ref_size  u64 new_size         (28 bytes)
//            then one zstd frame: new_size bytes of new data, compressed with
//            old[ref_offset, ref_offset + ref_size) as its raw-content prefix
//   ...      (one segment per segment_size bytes of new data, the last may be shorter)
//   trailer  u32 'TRLR'  u64 new_size(total)  new_sha256[32]  patch_sha256[32]  (76 bytes)
//            and nothing after it. patch_sha256 covers every patch byte before the
//            trailer's body (its tag included), so a flipped byte anywhere (even one the decoder does not otherwise
//            need, such as the level) is an error, not a silent pass.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace delta::patch_format {

constexpr std::uint32_t k_version = 1;

constexpr std::uint64_t k_mib = 1024 * 1024;
// Hard limits a decoder enforces whatever the patch says (the memory bound in patch.hpp).
constexpr std::uint64_t k_min_segment = 1 * k_mib;
constexpr std::uint64_t k_max_segment = 64 * k_mib;      // the decoder's window buffer
constexpr std::uint64_t k_max_margin = 64 * k_mib;       // reference = segment + 2 margins
constexpr unsigned k_min_window_log = 20;
constexpr unsigned k_max_window_log = 28;                // 256 MiB >= 64 + 2 * 64 + 64

constexpr std::size_t k_header_size = 80;
constexpr std::size_t k_tag_size = 4;
constexpr std::size_t k_segment_body_size = 24;
constexpr std::size_t k_trailer_body_size = 72;
constexpr std::uint32_t k_segment_tag = 0x4d474553;  // "SEGM" as little-endian bytes
constexpr std::uint32_t k_trailer_tag = 0x524c5254;  // "TRLR"

using Sha256 = std::array<std::uint8_t, 32>;

struct Header {
  int level = 0;
  unsigned window_log = 0;
  std::uint64_t segment_size = 0;
  std::uint64_t margin = 0;
  std::uint64_t old_size = 0;
  Sha256 old_sha256{};
};

struct Segment {
  std::uint64_t ref_offset = 0;
  std::uint64_t ref_size = 0;
  std::uint64_t new_size = 0;
};

struct Trailer {
  std::uint64_t new_size = 0;
  Sha256 new_sha256{};
  Sha256 patch_sha256{};
};

// Throws common::Error(internal) when the parameters break the limits (a caller's bug).
std::string encode_header(const Header& header);
// bytes: exactly k_header_size. Throws common::Error: bad_data (not a patch),
// bundle_unsupported (other version), bundle_too_large (a limit is broken).
Header decode_header(const unsigned char* bytes);

std::string encode_segment(const Segment& segment);
// body: k_segment_body_size bytes after the tag. Checks the segment against the header
// (its reference inside the old file and no larger than segment + 2 margins, 1..segment_size
// new bytes); throws common::Error(bundle_corrupt) otherwise.
Segment decode_segment(const unsigned char* body, const Header& header);

std::string encode_trailer(const Trailer& trailer);
Trailer decode_trailer(const unsigned char* body);

std::uint32_t read_u32(const unsigned char* p);

std::string hex(const Sha256& digest);

}  // namespace delta::patch_format
