#pragma once
// Asking a program for its version without trusting it: `PATH --version` run directly
// (fork/exec, no shell), stdin and stderr on /dev/null, stdout bounded, killed when it hangs.
// Used by `sdcadm-bundle build --installer` (what version does this binary say it is?) and
// by the installer's self-update (does the carried binary run here, and is it the version
// the signed index names?).

#include <chrono>
#include <string>
#include <string_view>

namespace common {

// What `--version` may print before it is cut off.
inline constexpr std::size_t k_version_output_limit = 4096;

// Runs `path --version` and returns its stdout (at most k_version_output_limit bytes).
// Throws Error(bad_data) when the program cannot be executed, exits non-zero, is killed or
// runs past `timeout` (then it is killed): "`--version` did not run successfully (exit 126)";
// Error(io) when a pipe or a process cannot be made.
std::string version_output(const std::string& path,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The last blank-separated word of the first line of `output` ("sdcadm-install 0.2.0\n" ->
// "0.2.0"); "" when that line is blank.
std::string version_word(std::string_view output);

}  // namespace common
