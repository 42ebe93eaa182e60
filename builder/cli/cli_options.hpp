#pragma once
// Small pieces the sdcadm-bundle subcommands share: sizes on the command line, the build
// time (SOURCE_DATE_EPOCH), the progress flags and output helpers.

#include <bundles/part_source.hpp>
#include <common/cli_flags.hpp>
#include <common/exit_code_text.hpp>
#include <common/json.hpp>
#include <common/progress.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace builder {

using bundles::bundle_path_argument;

// A whole number of bytes with an optional binary suffix K, M, G or T (also KiB, MiB, ...;
// case-insensitive): "4000M", "1G", "65536". Throws Error(usage) naming `option` for
// anything else ("3.5G"), 0, or an overflow.
std::uint64_t parse_size(const std::string& text, const std::string& option);

// SOURCE_DATE_EPOCH when set (a decimal count of seconds; anything else is Error(usage)),
// else the current time.
std::int64_t build_time();

// --progress / --no-progress, shared by the commands that show progress.
// --progress/--no-progress and -j output: common/cli_flags.hpp.
using common::ProgressFlags;
using common::add_progress_flags;
using common::print_json;

}  // namespace builder
