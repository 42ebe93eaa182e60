#pragma once
// MemberPipe: a pull-style reader of one bundle member, for consumers that ask for bytes
// (an HTTP download body, an upload source) rather than take them from a callback.
//
// SeekableReader::extract_member pushes verified frames into a sink; here a helper thread
// runs it and hands the bytes over through a small bounded buffer, so memory stays at a
// few hundred KiB whatever the member's size. Bytes of a chunk are handed out before the
// chunk's SHA-256 is known (as extract_member does): when a chunk turns out wrong, the
// next read() throws, and the consumer must discard what it got (an HTTP server cuts the
// connection, so the client's size and SHA-1 checks fail too).

#include <bundles/seekable_reader.hpp>

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bundles {

class MemberPipe {
 public:
  static constexpr std::size_t k_buffer_size = 256u << 10;

  // Starts reading `name` from `reader`, which must outlive the pipe. An unknown name
  // is reported by the first read() (Error(not_found)).
  MemberPipe(const SeekableReader& reader, std::string name);
  // Stops the helper thread, also in the middle of the member.
  ~MemberPipe();
  MemberPipe(const MemberPipe&) = delete;
  MemberPipe& operator=(const MemberPipe&) = delete;

  // Copies up to `max` bytes; returns 0 at the end of the member. Rethrows the reader's
  // error (bundle_hash, bundle_corrupt, io, ...) once the bytes before it are consumed.
  std::size_t read(char* buf, std::size_t max);

 private:
  void run(const SeekableReader& reader);
  void push(const char* data, std::size_t size);

  std::string m_name;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<char> m_buffer;  // ring of k_buffer_size bytes
  std::size_t m_head = 0;      // next byte to read
  std::size_t m_count = 0;     // bytes buffered
  bool m_done = false;
  bool m_stop = false;
  std::exception_ptr m_error;
  std::thread m_thread;
};

}  // namespace bundles
