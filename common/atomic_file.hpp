#pragma once
// Crash-safe file creation: bytes go to "<path>.tmp.<pid>.<n>" in the same directory;
// commit() flushes, fsyncs, renames over <path> and fsyncs the directory. If commit()
// never ran, the destructor removes the temp file, so a failure never leaves a
// half-written file under the final name.

#include <cstddef>
#include <string>
#include <string_view>

namespace common {

class AtomicFile {
 public:
  // Opens the temp file (mode 0644 unless given, filtered by the process umask as for
  // any new file); throws common::Error(io / no_space).
  explicit AtomicFile(std::string path, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);  // throws Error(no_space) on ENOSPC
  void write(std::string_view data) { write(data.data(), data.size()); }
  // Flushes, fsyncs and closes the temp file without renaming it, so it can be read or
  // run (a file open for writing cannot be executed: ETXTBSY) before commit() renames it.
  // No write() after it; the destructor still removes the temp file unless committed.
  void seal();
  // seal() (if not done yet), then the rename over path() and the directory fsync.
  void commit();

  const std::string& path() const { return m_path; }
  const std::string& temp_path() const { return m_temp_path; }

 private:
  std::string m_path;
  std::string m_temp_path;
  int m_fd = -1;
  bool m_committed = false;
  bool m_sealed = false;
};

// Writes the whole content atomically.
void write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Reads a whole (small) file; refuses files larger than max_size with Error(bad_data).
// A missing file is Error(not_found), other failures Error(io).
std::string read_small_file(const std::string& path, std::size_t max_size = 64 << 20);

}  // namespace common
