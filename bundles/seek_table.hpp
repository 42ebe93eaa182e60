#pragma once
// The seek table: the skippable frame at the end of a bundle that lists every data frame
// (format.hpp has the byte layout). The writer encodes it; readers decode it from the
// end of the file and get every frame's offset without touching the payload.
//
// Decoding treats the bytes as hostile: every count and length is bounded before it is
// used, and the entries must tile the file exactly, in the order the format fixes
// (bundle.json, bundle.sig, then members 0.. with chunk numbers 0..n-1). A table that
// passes can still lie about sizes; the reader's checks against the signed index (see
// check_frame_sizes) and the chunk hashes catch that.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bundles {

struct SeekEntry {
  std::uint64_t compressed_size = 0;
  std::uint64_t decompressed_size = 0;
  std::uint32_t member = 0;  // 0 bundle.json, 1 bundle.sig, k + 2 = index.members[k]
  std::uint32_t chunk = 0;   // frame number within the member, from 0
  // Filled by the decoder (ignored by the encoder):
  std::uint64_t offset = 0;          // where the frame starts in the file
  std::uint64_t content_offset = 0;  // where its content starts in the tar stream

  bool operator==(const SeekEntry& other) const;
};

struct SeekTable {
  std::vector<SeekEntry> entries;
  std::uint64_t data_size = 0;   // bytes of data frames = offset of the seek-table frame
  std::uint64_t table_size = 0;  // bytes of the seek-table frame (header to footer)
  std::uint64_t tar_size = 0;    // sum of decompressed sizes
};

// The whole skippable frame for `entries` (magic, length, entries, footer).
// Throws Error(internal) beyond k_max_seek_entries.
std::string encode_seek_table(const std::vector<SeekEntry>& entries);

// Size of the seek-table frame announced by the footer (the file's last 16 bytes),
// after checking the footer's magic string and version and that the frame fits in a
// file of `file_size` bytes. Throws common::Error:
//   bundle_truncated   file too short for a footer, or no "SDCSEEK1" at its end
//                      (a truncated download loses its footer first)
//   bundle_unsupported seek-table version other than 1
//   bundle_corrupt     entry count above the limit, or a table larger than the file
std::uint64_t seek_table_size_from_footer(std::string_view footer, std::uint64_t file_size);

// Decodes `frame` (the last seek_table_size_from_footer() bytes of a file of
// `file_size` bytes) and checks it; fills offset/content_offset. Throws common::Error
// (footer errors as above; bundle_corrupt for a wrong skippable magic or length, a
// count/length mismatch, entries out of order, impossible sizes, or frames that do not
// add up to exactly the bytes before the table).
SeekTable decode_seek_table(std::string_view frame, std::uint64_t file_size);

// Reads and decodes the seek table of the open file `fd` of `file_size` bytes (pread
// only; the file offset is untouched). `what` names the file in messages.
// Errors as decode_seek_table, plus Error(io) when reading fails.
SeekTable read_seek_table(int fd, std::uint64_t file_size, const std::string& what);

// Opens `path` and reads its seek table (Error(not_found / io) when it cannot).
SeekTable read_seek_table(const std::string& path);

// Compares the decoded table with the frames the index implies (layout.hpp:
// plan_frames): same count, and per frame the same member, chunk and decompressed size.
// Throws Error(bundle_corrupt) naming the first difference.
void check_frame_sizes(const SeekTable& table, const std::vector<SeekEntry>& expected);

}  // namespace bundles
