#include <imgapi/server/header_block.hpp>

namespace imgapi::server {

HeaderScan HeaderScanner::scan(std::string_view bytes) {
  const HeaderLimits& limits = m_limits;
  HeaderScan scan;
  std::size_t& start = m_next;
  std::size_t& lines = m_lines;  // header lines after the request line
  while (start < bytes.size()) {
    const std::size_t nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) break;
    const std::size_t end = nl + 1;
    if (end > limits.max_bytes) break;  // judged below, with the partial line
    const bool blank = end - start == 2 && bytes[start] == '\r';
    if (start > 0 && blank) {
      scan.state = HeaderScan::State::complete;
      scan.block_bytes = end;
      return scan;
    }
    if (start > 0 && ++lines > limits.max_lines) {
      scan.state = HeaderScan::State::too_large;
      scan.why = "header lines";
      return scan;
    }
    start = end;
  }
  // No end yet: too large once the limit is reached without one (a block of exactly
  // max_bytes would have been found complete above).
  if (bytes.size() >= limits.max_bytes) {
    scan.state = HeaderScan::State::too_large;
    scan.why = "header bytes";
  }
  return scan;
}

}  // namespace imgapi::server
