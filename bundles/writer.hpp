#pragma once
// Writes a .sdc bundle (docs/bundle-format.md): the index, the signature slot, every
// member of the index in index order, each chunk_size piece its own zstd frame, then the
// seek table. Equal inputs (index bytes, contents, mtime, level) give equal bytes, for
// any thread count.
//
// While compressing, the writer hashes each chunk and compares it with the index: a file
// that changed after the builder hashed it aborts the build, so a bundle never carries
// content its index does not vouch for. The file appears atomically (temp file in the
// same directory, renamed at the end); any failure leaves nothing behind.

#include <bundles/signature_slot.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bundles {

// The content of one index member.
struct MemberInput {
  std::string name;    // as listed in the index's members
  std::string path;    // the content is this file's bytes ...
  std::string bytes;   // ... or, when path is empty, these bytes (small generated members)
  unsigned mode = 0644;  // tar mode: 0644, or 0755 for the installer
  // The index's chunk hashes of `path` were computed by this process from these very bytes
  // as it wrote the file (a download of this build): not hashed again while writing. Any
  // other input is, and a change since its hashes were taken is Error(bundle_hash).
  bool hashed = false;
};

struct WriterOptions {
  int level = 3;            // zstd level
  unsigned threads = 0;     // zstd worker threads; 0 = default_threads(). Each adds about
                            // 2-3 MiB of memory; the output does not depend on it.
  std::int64_t mtime = 0;   // tar mtime of every member (SOURCE_DATE_EPOCH)
  std::string signature_json{k_empty_signature_json};  // initial slot content
  // Called from the writing thread after each slice of member content.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct WriteStats {
  std::uint64_t content_bytes = 0;  // member content bytes read (index payload size)
  std::uint64_t tar_bytes = 0;      // decompressed size of the whole stream
  std::uint64_t file_bytes = 0;     // size of the bundle file
  std::size_t frames = 0;           // data frames (seek-table entries)
};

// Writes the bundle whose index is `index_bytes` (the exact bytes that go into
// bundle.json and that signatures cover) to `path`. `inputs` supplies every member of
// the index exactly once, matched by name. Throws common::Error:
//   the index's own parse errors (bundle_corrupt, bundle_unsafe, ...), internal for inputs
//   that do not match the member list, not_found / io for unreadable inputs,
//   bundle_hash when a member's content differs from the index (changed file: its size or
//   a chunk's SHA-256; the message names a file input "cached file PATH (member NAME)",
//   which builder::write_pack relies on), bundle_too_large for a member above ustar's 8 GiB - 1,
//   no_space / io when writing fails. Nothing is left at `path` (or beside it) on error.
WriteStats write_bundle(const std::string& path, std::string_view index_bytes,
                        const std::vector<MemberInput>& inputs, const WriterOptions& options);

// The SHA-256 (hex) of every chunk_size piece of the file at `path`, streamed; what the
// index's members[].sha256 holds. Throws Error(not_found / io).
std::vector<std::string> chunk_hashes(const std::string& path, std::uint64_t chunk_size);

// The same for bytes in memory.
std::vector<std::string> chunk_hashes_of(std::string_view bytes, std::uint64_t chunk_size);

// Compression threads when options.threads is 0: the number of cores, at most
// k_max_default_threads, which keeps peak RSS near 40 MiB (measured: 22 MiB with 1
// thread, 28 MiB with 2, 42 MiB with 8, whatever the bundle size).
unsigned default_threads();
constexpr unsigned k_max_default_threads = 8;

}  // namespace bundles
