#pragma once
// Reads a bundle's zstd frames one at a time from a ByteSource, with bounded output.
//
// Every frame is hostile until proven otherwise. A zstd frame must declare its content
// size, and the caller says how much a frame in that place may hold (the index frame at
// most 16 MiB + 512 bytes, a data frame at most chunk_size + 2047, ...): a frame declaring
// more (a "zstd bomb") is refused before a byte is decoded, and a frame that decodes to
// more or fewer bytes than it declared is refused while decoding, so the reader never
// produces a byte beyond the declared size. The decoding window is capped too, so memory
// per reader stays at a few MiB whatever the frame asks for. Skippable frames are
// reported to the caller, who decides whether one is allowed where it stands.

#include <bundles/byte_source.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bundles {

// Largest zstd decoding window a reader accepts: the writer compresses with at most this
// window, and it bounds the decoder's memory (one window per verify worker).
inline constexpr std::uint64_t k_default_max_window = 8u << 20;

struct FrameHeader {
  enum class Kind { zstd, skippable };
  Kind kind = Kind::zstd;
  std::size_t number = 0;          // 0-based position of the frame in the bundle
  std::uint64_t offset = 0;        // byte offset of the frame's first byte in the bundle
  std::uint64_t content_size = 0;  // zstd: declared decompressed size; skippable: payload size
  std::uint32_t magic = 0;         // the frame's magic number
};

class FrameReader {
 public:
  // Reads `source` from its current position; offsets and frame numbers in messages start
  // at `base_offset` / `base_frame` (a reader over one frame of a bigger file says where
  // that frame really is).
  explicit FrameReader(ByteSource& source, std::uint64_t max_window = k_default_max_window,
                       std::uint64_t base_offset = 0, std::size_t base_frame = 0);
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  // Starts the next frame; nullopt at a clean end of input (not one byte left). `label`
  // names what the frame should hold, for messages ("member images/U.imgfile chunk 2").
  // A zstd frame without a content size => Error(bundle_corrupt); declaring more than
  // `max_content` => Error(bundle_too_large); bytes that are no frame => Error(bundle_corrupt);
  // input ending inside the frame header => Error(bundle_truncated). The previous frame
  // must have been read to its end (read() returned 0, or read_skippable()).
  std::optional<FrameHeader> next(std::uint64_t max_content, const std::string& label);

  // True when the input has no byte left (between frames).
  bool at_end();

  // Up to `size` decompressed bytes of the current zstd frame. Returns 0 once all the
  // declared content was read AND the frame's end was checked (checksum, no extra output).
  // Errors: Error(bundle_truncated) when input ends inside the frame, Error(bundle_corrupt)
  // when it does not decode or ends short of its declared size, Error(bundle_too_large)
  // when it decodes to more than declared or needs a window above the cap.
  std::size_t read(char* out, std::size_t size);
  // Exactly `size` bytes of the current frame; a frame ending first => Error(bundle_corrupt).
  void read_exact(char* out, std::size_t size);
  // Decompressed bytes of the current frame not read yet.
  std::uint64_t remaining() const { return m_remaining; }

  // The payload of the current skippable frame; longer than `max_size` =>
  // Error(bundle_too_large), input ending first => Error(bundle_truncated).
  std::string read_skippable(std::uint64_t max_size);

  // Offset (in the bundle) of the next byte this reader will consume; after a frame has
  // been read to its end, this is where that frame ended.
  std::uint64_t offset() const;
  // The frame being read (or last read).
  const FrameHeader& current() const { return m_header; }
  // The source's name, for messages.
  const std::string& source_name() const { return m_source->name(); }

  // Reads from `source` next, as the constructor would, keeping the decoder and buffers
  // (parallel verify reuses one reader per worker for many frames).
  void reset(ByteSource& source, std::uint64_t base_offset, std::size_t base_frame);

 private:
  bool fill(std::size_t wanted);
  std::size_t buffered() const { return m_end - m_pos; }
  void finish_frame();
  std::size_t decode_some(char* out, std::size_t size);
  [[noreturn]] void throw_truncated(const std::string& where) const;
  std::string where() const;

  struct Decoder;
  ByteSource* m_source;
  std::unique_ptr<Decoder> m_decoder;
  std::vector<char> m_in;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  bool m_eof = false;
  std::uint64_t m_consumed = 0;  // bytes taken from m_source so far
  std::uint64_t m_base_offset;
  std::size_t m_next_frame;
  FrameHeader m_header;
  std::string m_label;
  bool m_in_frame = false;
  bool m_frame_done = true;
  std::uint64_t m_remaining = 0;
};

}  // namespace bundles
