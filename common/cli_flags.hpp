#pragma once
// Command-line pieces both front ends (sdcadm-bundle, sdcadm-install) share: the global
// -q/--quiet and -v/--verbose, the --progress/--no-progress pair, the -j output writer and
// the help formatter. Header-only so that common/ itself does not depend on CLI11; only the
// front ends, which link it, include this. The flags of both programs: docs/cli.md.

#include <common/json.hpp>
#include <common/progress.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <string>

namespace common {

// How much a run says on stderr besides errors and warnings, set once by the global -q/-v.
// Process-wide because every command reads it and none may forget to: quiet turns progress
// off and drops informational lines; verbose adds the debug lines of the log.
enum class OutputLevel { quiet, normal, verbose };
inline OutputLevel& output_level() {
  static OutputLevel level = OutputLevel::normal;
  return level;
}
inline bool quiet() { return output_level() == OutputLevel::quiet; }

// -q/--quiet and -v/--verbose on the program (they may also follow the command when the app
// falls through). `on_verbose` runs when -v is given (e.g. to show the log's debug lines).
inline void add_output_flags(CLI::App& app, const std::function<void()>& on_verbose = {}) {
  CLI::Option* q = app.add_flag_callback(
      "-q,--quiet", [] { output_level() = OutputLevel::quiet; },
      "Only errors, warnings and the output asked for (stdout, -j): no progress bars and no "
      "informational lines on stderr; not with -v");
  CLI::Option* v = app.add_flag_callback(
      "-v,--verbose",
      [on_verbose] {
        output_level() = OutputLevel::verbose;
        if (on_verbose) on_verbose();
      },
      "Also the debug lines of the log on stderr (what was resolved, downloaded or decided); "
      "not with -q");
  q->excludes(v);
}

// Help without the parser's noise: an option shows its value's name ("N", "FILE"), its default
// and REQUIRED, never "Excludes:" lists, which the descriptions word instead; a positional shows
// only its name. CLI11 appends a check's wording to the type name ("UINT:INT in [0 - 256]"), so
// an option with a check names its value with option_text("N"), which is shown as it is.
class PlainHelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_positional() || opt->get_type_size() == 0) return {};  // a positional or a flag
    const std::string value = opt->get_option_text().empty() ? opt->get_type_name() : opt->get_option_text();
    std::string out = value.empty() ? "" : " " + value;
    if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
    if (opt->get_required()) out += " REQUIRED";
    return out;
  }
};

// Call before the commands are registered: they inherit the formatter.
inline void use_plain_help(CLI::App& app) { app.formatter(std::make_shared<PlainHelpFormatter>()); }

struct ProgressFlags {
  bool on = false;
  bool off = false;
  // never with --json, --no-progress or -q, always with --progress, else auto (a TTY).
  ProgressMode mode(bool json) const {
    if (json || off || quiet()) return ProgressMode::never;
    if (on) return ProgressMode::always;
    return ProgressMode::auto_detect;
  }
};

inline void add_progress_flags(CLI::App& cmd, ProgressFlags& flags) {
  CLI::Option* on = cmd.add_flag("--progress", flags.on,
                                 "Draw progress bars even when stderr is not a terminal; not with --no-progress");
  CLI::Option* off = cmd.add_flag("--no-progress", flags.off,
                                  "No progress output (default when stderr is not a terminal: "
                                  "a plain line at 25/50/75 % and a summary); not with --progress");
  on->excludes(off);
}

// Writes JSON to stdout (2-space, newline-terminated): the machine output of -j.
inline void print_json(const Json& j) { std::cout << dump_json(j) << "\n" << std::flush; }

}  // namespace common
