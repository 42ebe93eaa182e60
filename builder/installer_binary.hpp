#pragma once
// `sdcadm-bundle build --installer PATH`: the sdcadm-install binary a bundle carries
// (bundle-format.md §2 member installer/sdcadm-install, §3 role installer). Its version is
// asked from the binary itself (`PATH --version`), so the index cannot claim a version the
// binary does not have.

#include <builder/pack.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace builder {

// The version in `--version` output: the last blank-separated word of its first line
// ("sdcadm-install 0.2.0" -> "0.2.0"), which must be semver. Throws Error(bad_data) naming
// `path` and what was printed otherwise.
std::string installer_version_from(std::string_view output, const std::string& path);

// Runs `path --version` (fork/exec, no shell; output bounded to 4 KiB, at most 10 s) and
// hashes the file: the CarriedInstaller for PackOptions. Throws Error(not_found) for a
// missing file, Error(usage) for one that is not an executable regular file, Error(bad_data)
// when it does not run, fails or prints no semver.
CarriedInstaller describe_installer(const std::string& path, std::uint64_t chunk_size);

}  // namespace builder
