#include <bundles/frame_compressor.hpp>

#include <common/error.hpp>

#include <zstd.h>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

void check(std::size_t rc, const char* what) {
  if (ZSTD_isError(rc)) {
    throw Error(ExitCode::internal, std::string("zstd ") + what + ": " + ZSTD_getErrorName(rc));
  }
}

}  // namespace

FrameCompressor::FrameCompressor(int level, unsigned threads) {
  if (threads == 0) throw Error(ExitCode::internal, "FrameCompressor needs at least 1 thread");
  if (level < 1 || level > ZSTD_maxCLevel()) {
    throw Error(ExitCode::usage, "compression level " + std::to_string(level) +
                                     " is outside 1.." + std::to_string(ZSTD_maxCLevel()));
  }
  m_ctx = ZSTD_createCCtx();
  if (!m_ctx) throw Error(ExitCode::internal, "zstd: cannot create a compression context");
  m_out_size = ZSTD_CStreamOutSize();
  m_out = std::make_unique<char[]>(m_out_size);
  try {
    check(ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_compressionLevel, level), "level");
    check(ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_contentSizeFlag, 1), "content size flag");
    check(ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_checksumFlag, 1), "checksum flag");
    // Always multithreaded mode (even for one worker): single-threaded zstd cuts blocks
    // differently, and the output must not depend on the thread count.
    check(ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_nbWorkers, static_cast<int>(threads)),
          "worker threads (is libzstd built with multithreading?)");
    check(ZSTD_CCtx_setParameter(m_ctx, ZSTD_c_jobSize, static_cast<int>(k_job_size)),
          "job size");
  } catch (...) {
    ZSTD_freeCCtx(m_ctx);
    throw;
  }
}

FrameCompressor::~FrameCompressor() { ZSTD_freeCCtx(m_ctx); }

void FrameCompressor::begin(std::uint64_t content_size, ByteSink sink) {
  // A frame abandoned by an exception leaves the context mid-frame; start clean.
  check(ZSTD_CCtx_reset(m_ctx, ZSTD_reset_session_only), "reset");
  check(ZSTD_CCtx_setPledgedSrcSize(m_ctx, content_size), "content size");
  m_sink = std::move(sink);
  m_expected = content_size;
  m_fed = 0;
  m_written = 0;
  m_open = true;
}

void FrameCompressor::feed(std::string_view data) {
  if (!m_open) throw Error(ExitCode::internal, "FrameCompressor::feed outside a frame");
  if (data.size() > m_expected - m_fed) {
    throw Error(ExitCode::internal, "FrameCompressor: more content than announced");
  }
  m_fed += data.size();
  drive(data, ZSTD_e_continue);
}

std::uint64_t FrameCompressor::end() {
  if (!m_open) throw Error(ExitCode::internal, "FrameCompressor::end outside a frame");
  if (m_fed != m_expected) {
    throw Error(ExitCode::internal, "FrameCompressor: frame content is " +
                                        std::to_string(m_fed) + " bytes, announced " +
                                        std::to_string(m_expected));
  }
  // Flush first: zstd's multithreaded mode marks the job that is still unsubmitted at
  // ZSTD_e_end as the frame's last block, and whether the final full job was already
  // submitted depends on how busy the workers were. After a flush every job is
  // submitted as "not last", and ZSTD_e_end always adds the same empty last block, so
  // the bytes do not depend on timing.
  drive({}, ZSTD_e_flush);
  drive({}, ZSTD_e_end);
  m_open = false;
  m_sink = nullptr;
  return m_written;
}

void FrameCompressor::drive(std::string_view data, int directive) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{m_out.get(), m_out_size, 0};
    const std::size_t remaining = ZSTD_compressStream2(
        m_ctx, &out, &in, static_cast<ZSTD_EndDirective>(directive));
    check(remaining, "compress");
    if (out.pos > 0) {
      m_sink(m_out.get(), out.pos);
      m_written += out.pos;
    }
    const bool done = directive == ZSTD_e_continue ? in.pos == in.size : remaining == 0;
    if (done) return;
  }
}

}  // namespace bundles
