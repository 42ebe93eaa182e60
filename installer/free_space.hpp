#pragma once
// Free-space checks before anything is written (issue 5: "/usbkey too small: refused
// before writing"). Needs on the same file system are added up, so staging 3 GiB into
// /usbkey/images and 1 GiB into /usbkey/extra asks one question of zones/usbkey, not two.
//
// Test knob: SDCB_TEST_FREE_BYTES=N (environment, tests only) makes every file system
// report N free bytes, so a test can play a small /usbkey without a small disk.

#include <cstdint>
#include <string>
#include <vector>

namespace installer {

// Kept free on every file system on top of what is written: logs, journal and the
// metadata of the files themselves must still fit (64 MiB).
inline constexpr std::uint64_t k_space_reserve = 64ull << 20;

struct SpaceNeed {
  std::string path;         // where the bytes go (need not exist yet: its nearest
                            // existing ancestor decides the file system)
  std::uint64_t bytes = 0;
  std::string what;         // "staging 12 files", "IMGAPI import of 9 images"
};

struct FileSystemSpace {
  std::string path;         // the first need's path on this file system
  std::uint64_t device = 0;
  std::uint64_t available = 0;  // for an unprivileged writer (f_bavail)
  std::uint64_t needed = 0;     // the sum of the needs, without the reserve
  std::string what;             // the needs' "what", joined with " + "
};

// Free bytes on the file system holding `path` (or its nearest existing ancestor) and
// that file system's device id. SDCB_TEST_FREE_BYTES overrides the byte count; a bad
// value of it => Error(usage). statvfs failing => Error(io).
FileSystemSpace available_space(const std::string& path);

// Groups `needs` by file system and checks each against its free space minus
// k_space_reserve. Returns the per-file-system view (for -j and messages). Throws
// Error(no_space) for the first file system that is too small, with the numbers:
// "not enough free space for <what> on the file system of <path>: need N (+ reserve),
// have M; free some space (...) and run this again".
std::vector<FileSystemSpace> require_space(const std::vector<SpaceNeed>& needs);

}  // namespace installer
