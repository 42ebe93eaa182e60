#pragma once
// Where the new stream's data sits in the old file, to point each patch segment at the
// right reference region (delta/patch.hpp). A new release inserts and deletes files, so
// the same content moves: one early insertion larger than the margin would otherwise put
// every later segment's reference in the wrong place (measured: a 19 MiB insertion at the
// front of a 256 MiB stream, 52% patch without anchors).
//
// Content-defined anchors: a gear rolling hash (each byte shifts the hash left by one and
// adds a per-byte random constant, so the hash depends on the last 64 bytes only) marks a
// position as an anchor when its low `mask_bits` bits are zero. The same content gives the
// same anchors wherever it sits. The old file's anchors are indexed (hash -> offset) once;
// each new segment's anchors vote for an offset shift, and the median wins.
//
// Memory (the encoder's side only): 16 bytes per anchor, about one anchor per 2^mask_bits
// bytes with mask_bits chosen so the index holds about 2^20 anchors whatever the file size
// (16 MiB), hard-capped at 2^21 (a file of long repeats stops indexing there).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace delta {

class AnchorIndex {
 public:
  // Reads the open file `fd` (`size` bytes; `path` for errors) once in 1 MiB blocks.
  // Throws common::Error(io).
  AnchorIndex(int fd, const std::string& path, std::uint64_t size);

  // The shift (old offset - new offset) most of this segment's anchors agree on, or none
  // when no anchor of `data` is in the old file. `data` is the segment itself.
  std::optional<std::int64_t> shift_for(const char* data, std::size_t size,
                                        std::uint64_t offset) const;

  std::size_t anchors() const { return m_entries.size(); }

 private:
  unsigned m_mask_bits = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_entries;  // sorted (hash, offset)
};

}  // namespace delta
