#pragma once
// Where a request's header block ends, and whether it stays within the server's limits, as
// bytes arrive. The connection gate (connection_gate.hpp) runs this on every read so that a
// request reaches a worker thread (and httplib's parser, which has no limit on the number of
// header lines) only once its whole header block is in and known to be small.
//
// Lines end with "\n"; the block ends with the first line after the request line that is
// exactly "\r\n" -- httplib's own rule (a line without "\r" is skipped, it never ends the
// block), so the gate and the parser agree on where the body starts.

#include <cstddef>
#include <string_view>

namespace imgapi::server {

struct HeaderLimits {
  // The whole block, request line included. 32 KiB: nginx's default
  // large_client_header_buffers (4 x 8 KiB); sdcadm and node's IMGAPI clients send < 1 KiB.
  std::size_t max_bytes = 32 * 1024;
  // Header lines after the request line. 100: Apache's LimitRequestFields default; an IMGAPI
  // client sends about 10.
  std::size_t max_lines = 100;
};

struct HeaderScan {
  enum class State { incomplete, complete, too_large };
  State state = State::incomplete;
  std::size_t block_bytes = 0;  // complete: bytes up to and including the blank line
  const char* why = "";         // too_large: "header bytes" or "header lines"
};

// Incremental: each call looks only at the lines completed since the last one, so a client
// sending one byte at a time costs linear, not quadratic, work.
class HeaderScanner {
 public:
  explicit HeaderScanner(HeaderLimits limits = {}) : m_limits(limits) {}
  // `bytes`: everything received so far for this request (earlier bytes unchanged).
  HeaderScan scan(std::string_view bytes);
  void reset() { m_next = 0; m_lines = 0; }

 private:
  HeaderLimits m_limits;
  std::size_t m_next = 0;   // start of the first line not judged yet
  std::size_t m_lines = 0;  // header lines judged so far
};

}  // namespace imgapi::server
