#pragma once
// Parallel verification of a bundle's data frames: every frame is decompressed and checked
// by itself (tar header, chunk hash, padding, end of archive; frame_check.hpp), on a pool
// of std::threads that each pread() their frames through their own FrameReader. Memory per
// worker is one decoding window (<= 8 MiB) plus small buffers: no chunk is ever held.
//
// The result does not depend on the thread count: frames are handed out in file order,
// and when frames fail, the error of the first failing frame (in file order) is thrown,
// exactly as a serial pass would report it.

#include <bundles/byte_source.hpp>
#include <bundles/frame_check.hpp>
#include <bundles/seek_table.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace bundles {

// Called with compressed bytes verified so far and the total; calls are serialized (the
// callback need not be thread-safe) and come from worker threads.
using VerifyProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct VerifyReport {
  std::size_t frames = 0;              // frames verified
  std::uint64_t compressed_bytes = 0;  // bytes of those frames in the file
  std::uint64_t content_bytes = 0;     // decompressed bytes checked
  unsigned threads = 0;                // worker threads used
};

struct VerifyJob {
  const ByteSource* source = nullptr;      // seekable
  const std::vector<SeekEntry>* entries = nullptr;  // where each frame is (decoded table)
  const std::vector<FrameTarget>* targets = nullptr;  // what each frame must hold
  std::size_t first = 0;                   // verify entries [first, entries->size())
  std::uint64_t max_content = 0;           // largest content a frame may declare
  std::uint64_t max_window = 0;            // largest zstd window accepted
};

// Verifies the job's frames on `threads` threads (0 = one per core). Throws the first
// failing frame's common::Error (bundle_* codes).
VerifyReport verify_frames(const VerifyJob& job, unsigned threads,
                           const VerifyProgress& progress = {});

// Verifies one frame: the bytes the seek-table entry points at must be exactly one zstd
// frame holding what `target` describes. Its content goes to `sink` if set. A frame that
// runs past its entry's extent or stops short of it => Error(bundle_corrupt).
void verify_frame(FrameReader& reader, const ByteSource& source, const SeekEntry& entry,
                  std::size_t number, const FrameTarget& target, std::uint64_t max_content,
                  const ByteSink& sink = {});

}  // namespace bundles
