#pragma once
// Which bytes of the tar stream go into which zstd frame: the one place that turns the
// index (its size, the member sizes, chunk_size) into the frame list the format fixes.
// The writer compresses frame by frame from this plan; readers compare the seek table
// with it (check_frame_sizes) and know each frame's content without guessing.

#include <bundles/seek_table.hpp>

#include <cstdint>
#include <vector>

namespace bundles {

struct FramePlan {
  std::uint32_t member = 0;      // seek-table numbering: 0 index, 1 signature, k + 2
  std::uint32_t chunk = 0;       // frame number within the member
  bool header = false;           // starts with the member's 512-byte tar header
  std::uint64_t data_offset = 0; // offset of the first content byte within the member
  std::uint64_t data_size = 0;   // content bytes of the member in this frame
  std::uint64_t padding = 0;     // tar padding after the content (last frame only)
  bool archive_end = false;      // ends with the two zero blocks (the very last frame)

  std::uint64_t content_size() const;  // decompressed size of the frame
};

// The frames of a bundle whose index is `index_size` bytes and whose listed members
// have `member_sizes` (in index order), cut into `chunk_size` pieces. Throws
// Error(bundle_corrupt) when there are no listed members (the end of the archive needs a
// data frame of its own after the signature slot), when chunk_size is outside
// [k_min_chunk_size, k_max_chunk_size], when the index exceeds k_max_index_size, or
// when the frame count would pass k_max_seek_entries.
std::vector<FramePlan> plan_frames(std::uint64_t index_size,
                                   const std::vector<std::uint64_t>& member_sizes,
                                   std::uint64_t chunk_size);

// The seek entries the plan implies (compressed sizes 0: only the writer knows them).
std::vector<SeekEntry> expected_entries(const std::vector<FramePlan>& plan);

// Number of chunk_size pieces of a member of `size` bytes (0 for an empty member).
std::uint64_t chunks_of(std::uint64_t size, std::uint64_t chunk_size);

}  // namespace bundles
