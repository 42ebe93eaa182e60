#pragma once
// Binary patches between two uncompressed image streams, in zstd's --patch-from style:
// the new stream is compressed with the old one as a raw-content prefix (ZSTD_CCtx_refPrefix /
// ZSTD_DCtx_refPrefix), long-distance matching on, and a window that reaches back into the
// reference. The DC already has the old image, so the patch carries only what changed.
//
// Memory. The installer's budget is flat (<= 64 MiB RSS for a 100 MiB..2 GiB image), and
// zstd's one-shot --patch-from does not fit it: a zstd stream decoder keeps a window
// buffer of min(window, frame content size) bytes for the new data's history
// (ZSTD_decodingBufferSize_min), so a one-frame patch of a 2 GiB image needs 2 GiB of RAM,
// and its reference is the whole old file. So the new stream is cut into segments of
// `segment_size` bytes, each its own zstd frame whose prefix is a region of the old file
// where its content sits: [centre - margin, centre + segment + margin), the centre being
// the segment's offset plus the shift its content-defined anchors vote for
// (delta/anchor_index.hpp), so insertions and deletions before it do not lose it. The region is mmap'ed read-only
// (delta/mapped_region.hpp: clean file-backed pages, unmapped after the segment). Per
// segment both sides then hold at most:
//   decoder: segment_size (zstd's window buffer, frame content size is checked first)
//          + segment_size + 2 * margin of mapped base pages + ~0.3 MiB of zstd context
//   encoder: segment_size (the segment read whole) + mapped reference + zstd's match
//            tables for the window + the anchor index (16 MiB, capped at 32)
//            (the builder's side; 62-98 MiB peak measured at levels 9-12)
// A patch is refused before anything is mapped or allocated when its header asks for more
// than the hard limits in delta/patch_format.hpp (segments <= 64 MiB, margin <= 64 MiB,
// window log <= 28), and each frame's window is capped with ZSTD_d_windowLogMax.
//
// The choice, measured (bench/patch_bench.cpp, 256 MiB generated tar-like release, 8% of
// files touched, 2% inserted, 2% deleted; zstd 1.5.4; a shared 2-core VM; the segment rows
// before anchors were added, which changed the default row by 578 bytes):
//   one-shot, zstd CLI --patch-from -9:  4,739,894 bytes; 817 MiB RSS to encode, 517 to decode
//   segments 64 MiB / margin 32, -9:     4,737,512 bytes; decode peak RSS 153 MiB
//   segments 32 / 16, -9:                4,718,776 bytes;                    89 MiB
//   segments 16 / 8, -9:                 4,704,673 bytes;                    51 MiB
//   segments  8 / 8, -9 (the default):   4,697,254 bytes (1.75% of new);     32 MiB
//   segments 16 / 0 (no margin):        16,131,376 bytes (offsets drift out of reach)
//   plain zstd -9 of the new stream:   131,791,920 bytes (49%)
//   19 MiB random inserted at the front: 52% of new without anchors, 8.6% with them
//                                        (the insertion itself is 7.3%)
// At 1 GiB: CLI one-shot 21,074,283 bytes, 3.1 GiB RSS to encode; the default 20,875,994:
// 1.95% of new, 36 s, encode peak RSS 70 MiB, decode 36 MiB at 279 MiB/s (output checked).
// Segmenting costs nothing here (a nearby reference is as good as the whole file), while
// memory falls with the segment size. Level 9 encodes at ~25-50 MiB/s; level 12 gains 0.6%
// at a third of the speed; levels 15 and 19 did not finish 256 MiB in 150 s and 400 s (not
// profiled: their binary-tree match finders index every 24 MiB prefix), so the default
// is 9. Apply runs at ~210-410 MiB/s, including hashing the base first.
// Defaults: 8 MiB segments, 8 MiB margin, window 2^25: decoder <= 8 MiB window buffer +
// 24 MiB of clean mapped base pages + zstd's context, whatever the image size.
//
// The segment's reference is chosen by the encoder and recorded per segment, so how it is
// chosen can improve with no decoder change. Content the anchors cannot place costs patch
// size, never correctness.
//
// Integrity. The header records the old file's size and sha256; apply_patch checks both
// before producing a byte ("the base image ... differs ...: use a full bundle"). Each frame
// carries zstd's checksum, and the trailer the new stream's size and sha256, checked at the
// end: a corrupt or truncated patch always ends in common::Error, and the caller discards
// what the sink received (it is never silently wrong, but may be partially written).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace delta {

// Fills up to `capacity` bytes of `buffer`, returns how many; 0 means the end. Throws on
// failure.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;
// Receives bytes in order.
using ByteSink = std::function<void(const char* data, std::size_t size)>;

struct PatchOptions {
  int level = 9;                                 // zstd level, 1..19 (see above for speed)
  std::uint64_t segment_size = 8 * 1024 * 1024;  // new bytes per frame, 1..64 MiB
  std::uint64_t margin = 8 * 1024 * 1024;        // old bytes each side of the segment's place
};

struct PatchStats {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  std::uint64_t patch_size = 0;  // bytes given to the sink, header and trailer included
  std::uint64_t segments = 0;
  std::string new_sha256;        // lower-case hex
};

// Encodes `new_data` against the file `old_file`, writing the patch to `patch`.
// Throws common::Error: io (the old file), usage (options out of range), internal (zstd).
PatchStats encode_patch(const std::string& old_file, const ByteSource& new_data,
                        const ByteSink& patch, const PatchOptions& options = {});

// Rebuilds the new stream from `old_file` and `patch`, giving it to `new_data`; returns its
// size. `max_new_size` bounds the output (the size the signed index declares): a patch that
// would produce more is refused before the segment that passes it is decoded.
// Throws common::Error: integrity (wrong base, before any output), bad_data (not a patch),
// bundle_unsupported, bundle_too_large (limits, max_new_size), bundle_truncated,
// bundle_corrupt, bundle_hash (the rebuilt stream's sha256 or size differs from the
// trailer), io.
std::uint64_t apply_patch(const std::string& old_file, const ByteSource& patch,
                          const ByteSink& new_data,
                          std::uint64_t max_new_size = UINT64_MAX);

}  // namespace delta
