#pragma once
// The size of a bundle file, the total of a progress display over it.

#include <cstdint>
#include <string>

namespace installer {

// 0 for "-", parts and anything not a regular file (the total is then unknown).
std::uint64_t bundle_file_size(const std::string& path);

}  // namespace installer
