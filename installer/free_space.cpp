#include <installer/free_space.hpp>

#include <common/error.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <sys/statvfs.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// The test knob, if set.
bool test_free_bytes(std::uint64_t& out) {
  const char* env = std::getenv("SDCB_TEST_FREE_BYTES");
  if (env == nullptr || *env == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(env, &end, 10);
  if (errno != 0 || end == env || *end != '\0' || env[0] == '-') {
    throw Error(ExitCode::usage, std::string("SDCB_TEST_FREE_BYTES=\"") + env +
                                     "\" is not a byte count (it is a test-only knob; unset it)");
  }
  out = v;
  return true;
}

}  // namespace

FileSystemSpace available_space(const std::string& path) {
  std::string p = path.empty() ? "." : path;
  struct stat st {};
  while (::stat(p.c_str(), &st) != 0) {
    if (p == "/" || p == ".") throw Error(ExitCode::io, "no existing directory above " + path);
    p = common::dir_of(p);
  }
  FileSystemSpace fs;
  fs.path = path;
  fs.device = static_cast<std::uint64_t>(st.st_dev);
  if (test_free_bytes(fs.available)) return fs;
  struct statvfs vfs {};
  if (::statvfs(p.c_str(), &vfs) != 0) {
    throw Error(ExitCode::io, "statvfs " + p + ": " + std::strerror(errno));
  }
  fs.available = static_cast<std::uint64_t>(vfs.f_bavail) * static_cast<std::uint64_t>(vfs.f_frsize);
  return fs;
}

std::vector<FileSystemSpace> require_space(const std::vector<SpaceNeed>& needs) {
  std::vector<FileSystemSpace> systems;
  for (const auto& need : needs) {
    if (need.bytes == 0) continue;
    FileSystemSpace fs = available_space(need.path);
    FileSystemSpace* same = nullptr;
    for (auto& s : systems) {
      if (s.device == fs.device) same = &s;
    }
    if (same == nullptr) {
      systems.push_back(fs);
      same = &systems.back();
    } else {
      same->what += " + ";
    }
    same->needed += need.bytes;
    same->what += need.what + " (" + common::format_bytes(need.bytes) + ")";
  }
  for (const auto& s : systems) {
    if (s.available < k_space_reserve || s.available - k_space_reserve < s.needed) {
      throw Error(ExitCode::no_space,
                  "not enough free space on the file system of " + s.path + " for " + s.what +
                      ": need " + common::format_bytes(s.needed) + " (" + std::to_string(s.needed) +
                      " bytes) plus a reserve of " + common::format_bytes(k_space_reserve) +
                      ", have " + common::format_bytes(s.available) + " (" +
                      std::to_string(s.available) + " bytes). Nothing was written; free some "
                      "space (old platforms: sdcadm platform remove --cleanup-cache; unused "
                      "images in /usbkey/images and IMGAPI) and run this again");
    }
  }
  return systems;
}

}  // namespace installer
