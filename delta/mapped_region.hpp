#pragma once
// A read-only view of part of a file through mmap(2), for zstd to use as a prefix.
//
// Why mmap and not read(): zstd needs the reference as one addressable buffer. Mapped, it
// costs no copy and no anonymous memory: the pages are clean and file-backed, they enter
// RSS only when zstd touches them, and the kernel may drop them under pressure and read
// them again from the file. The view is unmapped when it goes away, so a patch that walks
// a 2 GiB base one segment at a time keeps at most one reference region mapped.
//
// The file must not change while mapped (a truncated file raises SIGBUS on access);
// callers hash the base first and the base is the image the DC already has.

#include <cstddef>
#include <cstdint>
#include <string>

namespace delta {

class MappedRegion {
 public:
  // Maps [offset, offset + size) of the open file `fd` (named `path` in errors). size 0
  // maps nothing and data() is nullptr. Throws common::Error(io) when mmap fails.
  MappedRegion(int fd, const std::string& path, std::uint64_t offset, std::uint64_t size);
  ~MappedRegion();
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  const char* data() const { return m_data; }
  std::size_t size() const { return m_size; }

 private:
  void* m_base = nullptr;      // page-aligned start of the mapping
  std::size_t m_length = 0;    // mapped length from m_base
  const char* m_data = nullptr;
  std::size_t m_size = 0;
};

}  // namespace delta
