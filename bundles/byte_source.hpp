#pragma once
// Where bundle bytes come from: a file, standard input or a pipe, memory (tests,
// fuzzing), or the concatenation of split parts (part_source.hpp). The streaming reader pulls bytes in order with read(); the seekable
// reader and parallel verify use read_at(), which is thread-safe and leaves read()'s
// position alone. Nothing here interprets the bytes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace bundles {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` bytes at the current position; returns 0 only at end of input.
  // Throws common::Error(io) on a read error.
  virtual std::size_t read(char* buf, std::size_t size) = 0;

  // True when read_at() and size() work (regular files, parts, memory; not pipes).
  virtual bool seekable() const = 0;
  // Total length; only for seekable sources (throws common::Error(internal) otherwise).
  virtual std::uint64_t size() const = 0;
  // Reads up to `size` bytes at `offset` (pread); returns fewer only at end of input.
  // Thread-safe. Throws common::Error(internal) on a pipe, Error(io) on a read error.
  virtual std::size_t read_at(std::uint64_t offset, char* buf, std::size_t size) const = 0;

  // What the bytes are, for messages: "bundle /srv/x.sdc", "standard input", ...
  virtual const std::string& name() const = 0;
};

// pread() on `fd`, retrying on EINTR and short reads: returns fewer than `size` bytes only
// at end of file. Throws Error(io) naming `name` ("reading NAME: ...").
std::size_t pread_all(int fd, std::uint64_t offset, char* buf, std::size_t size,
                      const std::string& name);

// Reads exactly `size` bytes at `offset`; a short read is Error(bundle_truncated)
// naming `what` ("the seek table") and the offset.
void read_exact_at(const ByteSource& source, std::uint64_t offset, char* buf, std::size_t size,
                   const std::string& what);

// A regular file (seekable) or a FIFO/character device (stream only). Throws
// common::Error(not_found) when it does not exist, Error(io) when it cannot be read.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);

// Standard input (fd 0, not closed); seekable when it is a regular file.
std::unique_ptr<ByteSource> open_stdin_source();

// How long read() on a pipe (standard input or a FIFO) waits for the next byte before it
// throws common::Error(input_timeout); 0 waits forever. Process-wide because standard input
// is: the front ends set it once from their command line (sdcadm-install --stdin-timeout).
inline constexpr int k_default_pipe_timeout_s = 300;
void set_pipe_read_timeout(int seconds);
int pipe_read_timeout();

// A copy of `bytes` in memory (tests and the fuzz target).
std::unique_ptr<ByteSource> memory_source(std::string bytes, std::string name = "bundle in memory");

// Bytes [offset, offset + length) of `base` as a source of their own (read_at offsets
// relative to `offset`); `base` must be seekable and outlive the result. Used to read
// one frame of a bundle by itself.
std::unique_ptr<ByteSource> range_source(const ByteSource& base, std::uint64_t offset,
                                         std::uint64_t length);

}  // namespace bundles
