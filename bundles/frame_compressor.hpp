#pragma once
// One zstd frame at a time, each frame independent, with its content size in the header
// and a content checksum, compressed on several cores.
//
// Parallelism comes from zstd's own worker threads (ZSTD_c_nbWorkers): the frame is cut
// into fixed-size jobs that workers compress side by side while this thread keeps feeding
// input and receives the output in order. Memory stays bounded by a few jobs per worker
// (not by the frame size), and output never waits in a reorder buffer; compressing whole
// 64 MiB frames side by side would have to hold every finished-but-not-yet-writable frame.
// The job size is fixed, so the bytes produced do not depend on the number of workers
// (zstd's multithreaded output depends only on the parameters and the job boundaries).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

struct ZSTD_CCtx_s;

namespace bundles {

// Receives compressed bytes in order.
using ByteSink = std::function<void(const char* data, std::size_t size)>;

class FrameCompressor {
 public:
  // level: zstd level (1..19); threads: worker threads, >= 1. Throws Error(internal) when
  // zstd refuses the parameters.
  FrameCompressor(int level, unsigned threads);
  ~FrameCompressor();
  FrameCompressor(const FrameCompressor&) = delete;
  FrameCompressor& operator=(const FrameCompressor&) = delete;

  // Starts a frame whose content is exactly `content_size` bytes; output goes to `sink`.
  void begin(std::uint64_t content_size, ByteSink sink);
  // Feeds content of the current frame.
  void feed(std::string_view data);
  // Finishes the frame; returns its compressed size. Throws Error(internal) when the fed
  // content does not add up to the size given to begin().
  std::uint64_t end();

  // zstd's input job size (bytes), fixed so that output is the same for any thread count.
  static constexpr std::size_t k_job_size = 1u << 20;

 private:
  void drive(std::string_view data, int directive);

  ZSTD_CCtx_s* m_ctx = nullptr;
  ByteSink m_sink;
  std::uint64_t m_expected = 0;
  std::uint64_t m_fed = 0;
  std::uint64_t m_written = 0;
  bool m_open = false;
  std::unique_ptr<char[]> m_out;
  std::size_t m_out_size = 0;
};

}  // namespace bundles
