#include <delta/patch.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <delta/anchor_index.hpp>
#include <delta/mapped_region.hpp>
#include <delta/patch_format.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;
namespace pf = patch_format;

// The base image, opened once: its size, and its sha256 read in fixed blocks.
class OldFile {
 public:
  explicit OldFile(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_RDONLY);
    if (m_fd < 0) fail("cannot open");
    struct stat st {};
    if (::fstat(m_fd, &st) != 0) fail("cannot stat");
    m_size = static_cast<std::uint64_t>(st.st_size);
  }
  ~OldFile() { ::close(m_fd); }
  OldFile(const OldFile&) = delete;
  OldFile& operator=(const OldFile&) = delete;

  int fd() const { return m_fd; }
  std::uint64_t size() const { return m_size; }
  const std::string& path() const { return m_path; }

  pf::Sha256 sha256() const {
    common::Hasher hasher(common::HashAlgorithm::sha256);
    std::vector<char> block(1 << 20);
    std::uint64_t offset = 0;
    for (;;) {
      const ssize_t n = ::pread(m_fd, block.data(), block.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot read");
      if (n == 0) break;
      hasher.update(block.data(), static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
    if (offset != m_size) {
      throw Error(ExitCode::io, m_path + " changed size while it was read");
    }
    const std::vector<std::uint8_t> raw = hasher.finish();
    pf::Sha256 digest;
    std::copy(raw.begin(), raw.end(), digest.begin());
    return digest;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    const int err = errno;
    throw Error(ExitCode::io, std::string(what) + " " + m_path + ": " + std::strerror(err),
                {0, "", m_path, err});
  }

  std::string m_path;
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

void check_zstd(std::size_t rc, const char* what) {
  if (ZSTD_isError(rc)) {
    throw Error(ExitCode::internal, std::string("zstd ") + what + ": " + ZSTD_getErrorName(rc));
  }
}

// Reads until `size` bytes or the end; returns how many.
std::size_t read_full(const ByteSource& source, char* buffer, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = source(buffer + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

// The smallest window log whose window covers a segment plus its whole reference.
unsigned window_log_for(std::uint64_t segment_size, std::uint64_t margin) {
  unsigned log = pf::k_min_window_log;
  while ((std::uint64_t{1} << log) < 2 * segment_size + 2 * margin) ++log;
  return log;
}

// Where segment [offset, offset + size) of the new stream finds its reference in the old
// file: where its anchors say its content moved to (`shift`, delta/anchor_index.hpp),
// widened by the margin, clipped to the file. A segment past the old file's end gets the
// old file's tail.
pf::Segment reference_for(std::uint64_t offset, std::uint64_t size, std::int64_t shift,
                          std::uint64_t old_size, std::uint64_t margin) {
  const std::int64_t moved = static_cast<std::int64_t>(offset) + shift;
  const std::uint64_t centre = moved < 0 ? 0 : static_cast<std::uint64_t>(moved);
  const std::uint64_t span = size + 2 * margin;
  std::uint64_t lo = centre > margin ? centre - margin : 0;
  if (lo >= old_size) lo = old_size > span ? old_size - span : 0;
  const std::uint64_t hi = std::min(old_size, lo + span);
  return pf::Segment{lo, hi - lo, size};
}

}  // namespace

PatchStats encode_patch(const std::string& old_file, const ByteSource& new_data,
                        const ByteSink& patch, const PatchOptions& options) {
  if (options.level < 1 || options.level > ZSTD_maxCLevel()) {
    throw Error(ExitCode::usage, "patch level " + std::to_string(options.level) +
                                     " is outside 1.." + std::to_string(ZSTD_maxCLevel()));
  }
  if (options.segment_size < pf::k_min_segment || options.segment_size > pf::k_max_segment ||
      options.margin > pf::k_max_margin) {
    throw Error(ExitCode::usage, "patch segment size must be 1..64 MiB and margin <= 64 MiB");
  }
  OldFile old(old_file);
  pf::Header header;
  header.level = options.level;
  header.segment_size = options.segment_size;
  header.margin = options.margin;
  header.window_log = window_log_for(options.segment_size, options.margin);
  header.old_size = old.size();
  header.old_sha256 = old.sha256();
  const AnchorIndex anchors(old.fd(), old.path(), old.size());

  PatchStats stats;
  stats.old_size = old.size();
  common::Hasher patch_hash(common::HashAlgorithm::sha256);
  auto emit = [&](const char* data, std::size_t size) {
    patch_hash.update(data, size);
    patch(data, size);
    stats.patch_size += size;
  };
  const std::string head = pf::encode_header(header);
  emit(head.data(), head.size());

  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) throw Error(ExitCode::internal, "zstd: cannot create a compression context");
  ZSTD_CCtx* cc = cctx.get();
  check_zstd(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, options.level), "level");
  check_zstd(ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, static_cast<int>(header.window_log)),
             "window log");
  // Long-distance matching finds the reference's long runs far back in the window, as
  // the CLI does for --patch-from once the window exceeds the match finder's reach.
  check_zstd(ZSTD_CCtx_setParameter(cc, ZSTD_c_enableLongDistanceMatching, 1), "long mode");
  check_zstd(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1), "checksum flag");
  check_zstd(ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1), "content size flag");

  const std::size_t segment_size = static_cast<std::size_t>(options.segment_size);
  std::unique_ptr<char[]> segment(new char[segment_size]);
  const std::size_t out_size = ZSTD_CStreamOutSize();
  std::unique_ptr<char[]> out(new char[out_size]);
  common::Hasher new_hash(common::HashAlgorithm::sha256);
  std::int64_t shift = 0;

  for (;;) {
    const std::size_t size = read_full(new_data, segment.get(), segment_size);
    if (size == 0) break;
    new_hash.update(segment.get(), size);
    // A segment of all-new content has no anchors: it keeps the previous segment's shift.
    if (const auto found = anchors.shift_for(segment.get(), size, stats.new_size)) shift = *found;
    const pf::Segment record =
        reference_for(stats.new_size, size, shift, old.size(), options.margin);
    const std::string rec = pf::encode_segment(record);
    emit(rec.data(), rec.size());

    MappedRegion reference(old.fd(), old.path(), record.ref_offset, record.ref_size);
    check_zstd(ZSTD_CCtx_reset(cc, ZSTD_reset_session_only), "reset");
    check_zstd(ZSTD_CCtx_setPledgedSrcSize(cc, size), "content size");
    // A prefix lasts one frame; set it for each.
    check_zstd(ZSTD_CCtx_refPrefix(cc, reference.data(), reference.size()), "prefix");
    ZSTD_inBuffer in{segment.get(), size, 0};
    for (;;) {
      ZSTD_outBuffer ob{out.get(), out_size, 0};
      const std::size_t remaining = ZSTD_compressStream2(cc, &ob, &in, ZSTD_e_end);
      check_zstd(remaining, "compress");
      if (ob.pos > 0) emit(out.get(), ob.pos);
      if (remaining == 0) break;
    }
    stats.new_size += size;
    ++stats.segments;
    if (size < segment_size) break;  // the source ended inside this segment
  }

  pf::Trailer trailer;
  trailer.new_size = stats.new_size;
  const std::vector<std::uint8_t> digest = new_hash.finish();
  std::copy(digest.begin(), digest.end(), trailer.new_sha256.begin());
  stats.new_sha256 = pf::hex(trailer.new_sha256);
  // The tag goes through emit (and the patch hash); the body carries that hash.
  emit(pf::encode_trailer(trailer).data(), pf::k_tag_size);
  const std::vector<std::uint8_t> patch_digest = patch_hash.finish();
  std::copy(patch_digest.begin(), patch_digest.end(), trailer.patch_sha256.begin());
  const std::string tail = pf::encode_trailer(trailer);
  patch(tail.data() + pf::k_tag_size, pf::k_trailer_body_size);
  stats.patch_size += pf::k_trailer_body_size;
  return stats;
}

namespace {

// The patch stream seen through a fixed buffer, so headers can be read whole and zstd can
// be fed from the same bytes. Every byte taken or consumed goes into `hash` (the trailer's
// patch_sha256), until the caller stops hashing for the trailer's body.
class PatchReader {
 public:
  explicit PatchReader(const ByteSource& source)
      : m_source(source), m_buffer(ZSTD_DStreamInSize()) {}

  // Makes up to `want` bytes contiguous at data(); returns how many there are (fewer only
  // at the end of the stream).
  std::size_t peek(std::size_t want) {
    if (available() < want && m_pos > 0) {
      std::memmove(m_buffer.data(), m_buffer.data() + m_pos, available());
      m_end -= m_pos;
      m_pos = 0;
    }
    while (available() < want && !m_eof) {
      const std::size_t n = m_source(m_buffer.data() + m_end, m_buffer.size() - m_end);
      if (n == 0) m_eof = true;
      m_end += n;
    }
    return std::min(available(), want);
  }

  // Exactly `size` bytes (size <= the buffer), or Error(bundle_truncated) naming `what`.
  const unsigned char* take(std::size_t size, const char* what) {
    if (peek(size) < size) {
      throw Error(ExitCode::bundle_truncated, std::string("the patch ends inside ") + what +
                                                  ": the file is truncated");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(m_buffer.data() + m_pos);
    consume(size);
    return p;
  }

  const char* data() const { return m_buffer.data() + m_pos; }
  std::size_t available() const { return m_end - m_pos; }
  void consume(std::size_t n) {
    if (m_hashing) m_hash.update(m_buffer.data() + m_pos, n);
    m_pos += n;
  }
  // The digest of everything consumed so far; nothing is hashed afterwards.
  pf::Sha256 stop_hashing() {
    m_hashing = false;
    const std::vector<std::uint8_t> raw = m_hash.finish();
    pf::Sha256 digest;
    std::copy(raw.begin(), raw.end(), digest.begin());
    return digest;
  }
  bool at_end() { return peek(1) == 0; }

 private:
  const ByteSource& m_source;
  std::vector<char> m_buffer;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  bool m_eof = false;
  bool m_hashing = true;
  common::Hasher m_hash{common::HashAlgorithm::sha256};
};

// zstd's largest frame header (ZSTD_FRAMEHEADERSIZE_MAX, a static-linking-only macro).
constexpr std::size_t k_frame_header_max = 18;

// Decodes one segment's frame from `reader` into `sink`, against `reference`.
void decode_segment(ZSTD_DCtx* dctx, PatchReader& reader, const MappedRegion& reference,
                    const pf::Segment& segment, std::uint64_t index, common::Hasher& hash,
                    const ByteSink& sink, char* out, std::size_t out_size) {
  const std::string where = "patch segment " + std::to_string(index);
  // The frame must say its content size, and the segment's: zstd then sizes its window
  // buffer by that (<= segment_size), not by the window a hostile frame could claim.
  const std::size_t head = reader.peek(k_frame_header_max);
  const unsigned long long content = ZSTD_getFrameContentSize(reader.data(), head);
  if (content == ZSTD_CONTENTSIZE_ERROR && head < k_frame_header_max) {
    throw Error(ExitCode::bundle_truncated, where + " is cut short: the file is truncated");
  }
  if (content != segment.new_size) {
    throw Error(ExitCode::bundle_corrupt,
                where + ": its zstd frame does not declare the segment's " +
                    std::to_string(segment.new_size) + " bytes");
  }
  check_zstd(ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only), "reset");
  check_zstd(ZSTD_DCtx_refPrefix(dctx, reference.data(), reference.size()), "prefix");
  std::uint64_t produced = 0;
  for (;;) {
    if (reader.available() == 0 && reader.peek(1) == 0) {
      throw Error(ExitCode::bundle_truncated, where + " is cut short: the file is truncated");
    }
    ZSTD_inBuffer in{reader.data(), reader.available(), 0};
    ZSTD_outBuffer ob{out, out_size, 0};
    const std::size_t rc = ZSTD_decompressStream(dctx, &ob, &in);
    reader.consume(in.pos);
    if (ZSTD_isError(rc)) {
      const bool too_large = ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge;
      throw Error(too_large ? ExitCode::bundle_too_large : ExitCode::bundle_corrupt,
                  where + " does not decode (" + ZSTD_getErrorName(rc) +
                      "): the patch is corrupt; use a full bundle");
    }
    produced += ob.pos;
    if (ob.pos > 0) {
      hash.update(out, ob.pos);
      sink(out, ob.pos);
    }
    if (rc == 0) break;  // end of frame; zstd checked its content size and checksum
  }
  if (produced != segment.new_size) {
    throw Error(ExitCode::bundle_corrupt, where + " decoded to " + std::to_string(produced) +
                                              " bytes, expected " +
                                              std::to_string(segment.new_size));
  }
}

}  // namespace

std::uint64_t apply_patch(const std::string& old_file, const ByteSource& patch,
                          const ByteSink& new_data, std::uint64_t max_new_size) {
  PatchReader reader(patch);
  const pf::Header header = pf::decode_header(reader.take(pf::k_header_size, "its header"));

  // The base first: nothing is produced against the wrong one.
  OldFile old(old_file);
  if (old.size() != header.old_size) {
    throw Error(ExitCode::integrity,
                "the base image " + old_file + " differs (" + std::to_string(old.size()) +
                    " bytes, patch expects " + std::to_string(header.old_size) +
                    "): use a full bundle",
                {0, "", old_file, 0});
  }
  const pf::Sha256 actual = old.sha256();
  if (actual != header.old_sha256) {
    throw Error(ExitCode::integrity,
                "the base image " + old_file + " differs (sha256 " + pf::hex(actual) +
                    ", patch expects " + pf::hex(header.old_sha256) + "): use a full bundle",
                {0, "", old_file, 0});
  }

  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) throw Error(ExitCode::internal, "zstd: cannot create a decompression context");
  check_zstd(ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax,
                                    static_cast<int>(header.window_log)),
             "window limit");
  const std::size_t out_size = ZSTD_DStreamOutSize();
  std::unique_ptr<char[]> out(new char[out_size]);
  common::Hasher hash(common::HashAlgorithm::sha256);
  std::uint64_t total = 0;

  for (std::uint64_t index = 0;; ++index) {
    const std::uint32_t tag = pf::read_u32(reader.take(pf::k_tag_size, "a record tag"));
    if (tag == pf::k_trailer_tag) {
      const pf::Sha256 patch_digest = reader.stop_hashing();
      const pf::Trailer trailer =
          pf::decode_trailer(reader.take(pf::k_trailer_body_size, "its trailer"));
      if (!reader.at_end()) {
        throw Error(ExitCode::bundle_corrupt, "the patch has bytes after its trailer");
      }
      if (trailer.patch_sha256 != patch_digest) {
        throw Error(ExitCode::bundle_corrupt,
                    "the patch's bytes do not match its own sha256 (trailer): corrupt patch; "
                    "discard the output and use a full bundle");
      }
      const std::vector<std::uint8_t> raw = hash.finish();
      pf::Sha256 digest;
      std::copy(raw.begin(), raw.end(), digest.begin());
      if (trailer.new_size != total || trailer.new_sha256 != digest) {
        throw Error(ExitCode::bundle_hash,
                    "the rebuilt image (" + std::to_string(total) + " bytes, sha256 " +
                        pf::hex(digest) + ") differs from the patch's (" +
                        std::to_string(trailer.new_size) + " bytes, sha256 " +
                        pf::hex(trailer.new_sha256) + "): discard it and use a full bundle");
      }
      return total;
    }
    if (tag != pf::k_segment_tag) {
      throw Error(ExitCode::bundle_corrupt,
                  "patch record " + std::to_string(index) + " has an unknown tag: corrupt patch");
    }
    const pf::Segment segment =
        pf::decode_segment(reader.take(pf::k_segment_body_size, "a segment record"), header);
    if (segment.new_size > max_new_size - total) {
      throw Error(ExitCode::bundle_too_large,
                  "the patch rebuilds more than the expected " + std::to_string(max_new_size) +
                      " bytes: corrupt patch; use a full bundle");
    }
    MappedRegion reference(old.fd(), old.path(), segment.ref_offset, segment.ref_size);
    decode_segment(dctx.get(), reader, reference, segment, index, hash, new_data, out.get(),
                   out_size);
    total += segment.new_size;
  }
}

}  // namespace delta
