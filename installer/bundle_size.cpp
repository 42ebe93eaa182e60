#include <installer/bundle_size.hpp>

#include <sys/stat.h>

namespace installer {

std::uint64_t bundle_file_size(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace installer
