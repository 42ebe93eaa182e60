#include <delta/mapped_region.hpp>

#include <common/error.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace delta {

MappedRegion::MappedRegion(int fd, const std::string& path, std::uint64_t offset,
                           std::uint64_t size) {
  if (size == 0) return;
  // mmap wants a page-aligned file offset: map from the page that holds `offset`.
  const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  const std::uint64_t aligned = offset - offset % page;
  m_length = static_cast<std::size_t>(size + (offset - aligned));
  void* base = mmap(nullptr, m_length, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(aligned));
  if (base == MAP_FAILED) {
    const int err = errno;
    throw common::Error(common::ExitCode::io,
                        "cannot map " + std::to_string(size) + " bytes of " + path + " at " +
                            std::to_string(offset) + ": " + std::strerror(err),
                        {0, "", path, err});
  }
  // zstd reads the region front to back, mostly: tell the kernel to read ahead.
  posix_madvise(base, m_length, POSIX_MADV_SEQUENTIAL);
  m_base = base;
  m_data = static_cast<const char*>(base) + (offset - aligned);
  m_size = static_cast<std::size_t>(size);
}

MappedRegion::~MappedRegion() {
  if (m_base) munmap(m_base, m_length);
}

}  // namespace delta
