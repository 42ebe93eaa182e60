#pragma once
// A file opened for positional I/O (pread/pwrite), closed on destruction; the writer's
// side uses it to read a finished bundle's seek table and index, to split it, and to
// rewrite its signature slot. Errors carry the path.

#include <cstddef>
#include <cstdint>
#include <string>

namespace bundles {

// Reads exactly `size` bytes at `offset` of `fd`. Throws Error(bundle_truncated) when the
// file ends first, Error(io) on read errors; `what` names the file.
void read_exact_at(int fd, char* buf, std::size_t size, std::uint64_t offset,
                   const std::string& what);

enum class Access { read, read_write };

class PositionalFile {
 public:
  // Throws Error(not_found) for a missing file, Error(io) otherwise.
  explicit PositionalFile(std::string path, Access access = Access::read);
  ~PositionalFile();
  PositionalFile(const PositionalFile&) = delete;
  PositionalFile& operator=(const PositionalFile&) = delete;

  int fd() const { return m_fd; }
  const std::string& path() const { return m_path; }
  std::uint64_t size() const { return m_size; }  // at open time

  void read_at(char* buf, std::size_t size, std::uint64_t offset) const {
    read_exact_at(m_fd, buf, size, offset, m_path);
  }
  // Writes all bytes at `offset`; Error(no_space) on ENOSPC, Error(io) otherwise.
  void write_at(const char* buf, std::size_t size, std::uint64_t offset);
  // fsync; Error(io) on failure.
  void sync();

 private:
  std::string m_path;
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

}  // namespace bundles
