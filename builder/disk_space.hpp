#pragma once
// Free space where a build downloads and writes, checked before anything is written.

#include <cstdint>
#include <string>

namespace builder {

// Free bytes for an unprivileged user on the file system holding `path` (or its nearest
// existing ancestor), and that file system's id; nullopt-like (UINT64_MAX) when unknown.
struct FreeSpace {
  std::uint64_t bytes = UINT64_MAX;
  std::uint64_t device = 0;
};
FreeSpace free_space(const std::string& path);

}  // namespace builder
