#pragma once
// DC mode's free-space rule for image uploads (AddImageFile). One rule for both kinds of
// body: an upload may use the data directory's free space minus a reserve. A declared
// Content-Length is judged before the first byte is written; a chunked body (no length) is
// judged as it arrives, and the budget is re-read from the file system every 64 MiB so that
// concurrent uploads cannot together fill the disk. Refusals are 507 InsufficientStorageError
// in IMGAPI's error shape; the partial temp file is removed with the upload.
//
// Test knob: SDCB_TEST_FREE_BYTES=N (environment, as for sdcadm-install) makes the data
// directory report N free bytes.

#include <cstdint>
#include <string>

namespace imgapi::server {

// Kept free: 64 MiB, so manifests, the store's own writes and the log still fit.
inline constexpr std::uint64_t k_upload_reserve = 64ull << 20;

class UploadSpace {
 public:
  // Reads the free space of `dir` now; throws RestError 507 when `declared` (if non-zero)
  // does not fit.
  UploadSpace(std::string dir, std::uint64_t declared);
  // Before writing `n` more bytes (after `written` so far): throws RestError 507 when they
  // would not fit.
  void reserve(std::uint64_t written, std::uint64_t n);

 private:
  std::string m_dir;
  std::uint64_t m_budget = 0;        // bytes this upload may write in all
  std::uint64_t m_next_check = 0;    // `written` at which the budget is read again
};

}  // namespace imgapi::server
