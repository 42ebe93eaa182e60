#include <bundles/frame_reader.hpp>

#include <common/error.hpp>

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader: read a header without decoding
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstring>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_in_buffer = 128u << 10;  // one zstd block plus change per refill
constexpr std::size_t k_skippable_header = 8;    // u32le magic, u32le length

std::uint32_t load_le32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16 |
         std::uint32_t(b[3]) << 24;
}

unsigned window_log_for(std::uint64_t max_window) {
  unsigned log = ZSTD_WINDOWLOG_MIN;
  while (log < 31 && (std::uint64_t(1) << (log + 1)) <= max_window) ++log;
  return log;
}

std::string mib(std::uint64_t bytes) {
  return std::to_string(bytes) + " bytes (" + std::to_string(bytes >> 20) + " MiB)";
}

}  // namespace

struct FrameReader::Decoder {
  ZSTD_DCtx* dctx = nullptr;
  std::uint64_t max_window = 0;
  ~Decoder() { ZSTD_freeDCtx(dctx); }
};

FrameReader::FrameReader(ByteSource& source, std::uint64_t max_window, std::uint64_t base_offset,
                         std::size_t base_frame)
    : m_source(&source),
      m_decoder(std::make_unique<Decoder>()),
      m_in(k_in_buffer),
      m_base_offset(base_offset),
      m_next_frame(base_frame) {
  m_decoder->dctx = ZSTD_createDCtx();
  m_decoder->max_window = max_window;
  if (!m_decoder->dctx) throw Error(ExitCode::internal, "zstd could not create a decoder");
  // The decoder itself refuses frames asking for a bigger window (memory stays bounded).
  ZSTD_DCtx_setParameter(m_decoder->dctx, ZSTD_d_windowLogMax,
                         static_cast<int>(window_log_for(max_window)));
}

FrameReader::~FrameReader() = default;

void FrameReader::reset(ByteSource& source, std::uint64_t base_offset, std::size_t base_frame) {
  m_source = &source;
  m_pos = m_end = 0;
  m_eof = false;
  m_consumed = 0;
  m_base_offset = base_offset;
  m_next_frame = base_frame;
  m_header = FrameHeader{};
  m_label.clear();
  m_in_frame = false;
  m_frame_done = true;
  m_remaining = 0;
}

std::uint64_t FrameReader::offset() const { return m_base_offset + m_consumed - buffered(); }

std::string FrameReader::where() const {
  return "frame " + std::to_string(m_header.number) + " at byte " +
         std::to_string(m_header.offset) + (m_label.empty() ? "" : " (" + m_label + ")");
}

void FrameReader::throw_truncated(const std::string& where_text) const {
  throw Error(ExitCode::bundle_truncated,
              m_source->name() + " is truncated at byte " + std::to_string(offset()) +
                  ", inside " + where_text +
                  "; the copy is incomplete: copy it again and check its size");
}

// Makes at least `wanted` bytes available unless the input ends; returns whether it could.
bool FrameReader::fill(std::size_t wanted) {
  if (buffered() >= wanted) return true;
  if (m_pos > 0) {
    std::memmove(m_in.data(), m_in.data() + m_pos, buffered());
    m_end -= m_pos;
    m_pos = 0;
  }
  while (m_end < wanted && !m_eof) {
    const std::size_t n = m_source->read(m_in.data() + m_end, m_in.size() - m_end);
    if (n == 0) m_eof = true;
    m_end += n;
    m_consumed += n;
  }
  return m_end >= wanted;
}

bool FrameReader::at_end() { return !fill(1); }

std::optional<FrameHeader> FrameReader::next(std::uint64_t max_content, const std::string& label) {
  if (m_in_frame) {
    throw Error(ExitCode::internal, "FrameReader::next before the previous frame was read");
  }
  fill(ZSTD_FRAMEHEADERSIZE_MAX);
  if (buffered() == 0) return std::nullopt;
  m_label = label;
  m_header = FrameHeader{};
  m_header.number = m_next_frame++;
  m_header.offset = offset();
  if (buffered() < 4) throw_truncated("the header of " + where());
  const char* p = m_in.data() + m_pos;
  m_header.magic = load_le32(p);
  if ((m_header.magic & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START) {
    if (buffered() < k_skippable_header) throw_truncated("the header of " + where());
    m_header.kind = FrameHeader::Kind::skippable;
    m_header.content_size = load_le32(p + 4);
    m_pos += k_skippable_header;
    m_in_frame = true;
    return m_header;
  }
  ZSTD_frameHeader zfh{};
  const std::size_t r = ZSTD_getFrameHeader(&zfh, p, buffered());
  if (ZSTD_isError(r)) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": " + where() + " is not a zstd frame (" +
                    ZSTD_getErrorName(r) + "); the bundle is damaged or not a bundle");
  }
  if (r > 0) throw_truncated("the header of " + where());
  if (zfh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": " + where() +
                    " does not declare its content size, which every bundle frame does; the "
                    "file was not written by sdcadm-bundle or was recompressed");
  }
  if (zfh.frameContentSize > max_content) {
    throw Error(ExitCode::bundle_too_large,
                m_source->name() + ": " + where() + " declares " + mib(zfh.frameContentSize) +
                    " of content, more than the " + mib(max_content) +
                    " a frame in that place may hold; refusing it (a zstd bomb or a damaged "
                    "bundle)");
  }
  if (zfh.windowSize > m_decoder->max_window) {
    throw Error(ExitCode::bundle_too_large,
                m_source->name() + ": " + where() + " needs a decoding window of " +
                    mib(zfh.windowSize) + ", more than the " + mib(m_decoder->max_window) +
                    " bundles use; the bundle was not written by sdcadm-bundle");
  }
  m_header.kind = FrameHeader::Kind::zstd;
  m_header.content_size = zfh.frameContentSize;
  ZSTD_DCtx_reset(m_decoder->dctx, ZSTD_reset_session_only);
  m_remaining = zfh.frameContentSize;
  m_in_frame = true;
  m_frame_done = false;
  return m_header;
}

// One decoder step into out[0..size): feeds input until some output appears or the frame
// ends. Returns the bytes produced (0 only when the frame ended).
std::size_t FrameReader::decode_some(char* out, std::size_t size) {
  ZSTD_outBuffer ob{out, size, 0};
  while (ob.pos == 0 && !m_frame_done) {
    if (buffered() == 0 && !fill(1)) throw_truncated(where());
    ZSTD_inBuffer ib{m_in.data() + m_pos, buffered(), 0};
    const std::size_t r = ZSTD_decompressStream(m_decoder->dctx, &ob, &ib);
    m_pos += ib.pos;
    if (ZSTD_isError(r)) {
      const bool window = ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge;
      throw Error(window ? ExitCode::bundle_too_large : ExitCode::bundle_corrupt,
                  m_source->name() + ": " + where() + " does not decode (" +
                      ZSTD_getErrorName(r) + "); the bundle is damaged: get a good copy");
    }
    if (r == 0) m_frame_done = true;
  }
  return ob.pos;
}

std::size_t FrameReader::read(char* out, std::size_t size) {
  if (!m_in_frame || m_header.kind != FrameHeader::Kind::zstd) {
    throw Error(ExitCode::internal, "FrameReader::read outside a zstd frame");
  }
  if (m_remaining == 0) {
    finish_frame();
    return 0;
  }
  if (size == 0) return 0;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, m_remaining));
  const std::size_t n = decode_some(out, want);
  if (n == 0) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": " + where() + " ends after " +
                    std::to_string(m_header.content_size - m_remaining) + " of the " +
                    std::to_string(m_header.content_size) +
                    " bytes it declares; the bundle is damaged: get a good copy");
  }
  m_remaining -= n;
  return n;
}

// All declared bytes were produced: the frame must now end (checksum included) without
// producing one more byte.
void FrameReader::finish_frame() {
  char extra = 0;
  if (decode_some(&extra, 1) != 0) {
    throw Error(ExitCode::bundle_too_large,
                m_source->name() + ": " + where() + " decodes to more than the " +
                    std::to_string(m_header.content_size) +
                    " bytes it declares; refusing it (a zstd bomb or a damaged bundle)");
  }
  m_in_frame = false;
}

void FrameReader::read_exact(char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    if (m_remaining == 0) {
      throw Error(ExitCode::bundle_corrupt,
                  m_source->name() + ": " + where() + " holds " +
                      std::to_string(m_header.content_size) +
                      " bytes, too few for what it should contain; the bundle is damaged");
    }
    done += read(out + done, size - done);
  }
}

std::string FrameReader::read_skippable(std::uint64_t max_size) {
  if (!m_in_frame || m_header.kind != FrameHeader::Kind::skippable) {
    throw Error(ExitCode::internal, "FrameReader::read_skippable outside a skippable frame");
  }
  if (m_header.content_size > max_size) {
    throw Error(ExitCode::bundle_too_large,
                m_source->name() + ": " + where() + " is a skippable frame of " +
                    std::to_string(m_header.content_size) + " bytes, more than the " +
                    std::to_string(max_size) + " expected there");
  }
  std::string payload;
  payload.reserve(static_cast<std::size_t>(m_header.content_size));
  while (payload.size() < m_header.content_size) {
    if (buffered() == 0 && !fill(1)) throw_truncated(where());
    const std::size_t n = static_cast<std::size_t>(
        std::min<std::uint64_t>(buffered(), m_header.content_size - payload.size()));
    payload.append(m_in.data() + m_pos, n);
    m_pos += n;
  }
  m_in_frame = false;
  return payload;
}

}  // namespace bundles
