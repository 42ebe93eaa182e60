#include <builder/disk_space.hpp>

#include <common/path.hpp>

#include <sys/stat.h>
#include <sys/statvfs.h>

namespace builder {

FreeSpace free_space(const std::string& path) {
  std::string p = path.empty() ? "." : path;
  struct stat st {};
  // The nearest existing ancestor: the cache directory may not exist yet.
  while (::stat(p.c_str(), &st) != 0) {
    if (p == "/" || p == ".") return {};
    p = common::dir_of(p);
  }
  struct statvfs vfs {};
  if (::statvfs(p.c_str(), &vfs) != 0) return {};
  FreeSpace out;
  out.bytes = static_cast<std::uint64_t>(vfs.f_bavail) * static_cast<std::uint64_t>(vfs.f_frsize);
  out.device = static_cast<std::uint64_t>(st.st_dev);
  return out;
}

}  // namespace builder
