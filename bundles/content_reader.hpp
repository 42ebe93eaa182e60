#pragma once
// Reads and hashes member content on a helper thread, a few slices ahead of the
// compressor, so that reading, SHA-256 and zstd run side by side instead of in turn.
//
// The helper walks the members in index order, reads each chunk in slices of
// k_slice_size bytes into a small ring of buffers (bounded memory: k_slots slices),
// hashes the chunk and compares it with the index before it hands out the chunk's end
// marker; so the writer never finishes a frame whose content the index does not vouch
// for. Errors on the helper thread come out of the next next() or finish() call.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bundles {

// One member to read: where its content comes from and what the index says about it.
struct ContentJob {
  std::string name;
  std::string path;                 // file, or empty for `bytes`
  std::string_view bytes;
  std::uint64_t size = 0;
  std::uint64_t chunk_size = 0;
  // The index's chunk hashes, checked as the content is read; nullptr: not hashed again (the
  // caller computed them from these very bytes a moment ago: MemberInput::hashed).
  const std::vector<std::string>* sha256 = nullptr;
};

class ContentReader {
 public:
  static constexpr std::size_t k_slice_size = 1u << 20;
  static constexpr std::size_t k_slots = 4;

  // A slice of content, or (data empty, chunk_end true) the verified end of a chunk.
  struct Piece {
    std::string_view data;
    bool chunk_end = false;
  };

  // Starts the helper thread. `jobs` must outlive the reader.
  explicit ContentReader(const std::vector<ContentJob>& jobs);
  // Stops the helper (also in the middle) and waits for it.
  ~ContentReader();
  ContentReader(const ContentReader&) = delete;
  ContentReader& operator=(const ContentReader&) = delete;

  // The next piece, in order: every chunk of every non-empty member as slices followed by
  // its end marker. The slice stays valid until the following next() call. Rethrows the
  // helper's error (bundle_hash for changed content, io, not_found, ...).
  Piece next();
  // Waits for the helper to finish every member (empty ones included) and rethrows its
  // error, if any.
  void finish();

 private:
  struct Slot {
    std::unique_ptr<char[]> buffer;
    std::size_t size = 0;
    bool chunk_end = false;
  };

  void run();
  void read_job(const ContentJob& job);
  Slot& wait_free_slot();
  void publish();

  const std::vector<ContentJob>& m_jobs;
  std::vector<Slot> m_slots;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_head = 0;   // next slot the consumer takes
  std::size_t m_count = 0;  // published slots not yet released
  bool m_holding = false;   // the consumer holds the slot at m_head - 1
  bool m_done = false;
  bool m_stop = false;
  std::exception_ptr m_error;
  std::thread m_thread;
};

}  // namespace bundles
