#pragma once
// The top level both programs share (issue 14 "Errors"): parse the command line with the
// front end's CLI11 app, run the command, turn what it throws into the exit code and the
// "<program>: error: ..." line, and keep a record of every failure in the program's log
// (docs/logs.md) with its exit code and the command that failed. Header-only, like
// common/command_tree.hpp: only the front ends link CLI11.

#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/log.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace common {

struct MainHooks {
  // Rewrites the command line (argv without argv[0]) before CLI11 parses it: the default
  // command, `help COMMAND`, the mistyped-command check (which throws Error(usage)).
  std::function<std::vector<std::string>(std::vector<std::string>)> prepare;
  // Opens the program's log for a failure that came before the command opened it (a
  // missing --root, say), so that failure is recorded too. Not called for usage errors
  // (exit 2): nothing ran, and the message on stderr is the whole story.
  std::function<void()> open_log;
};

namespace run_main_detail {

// "trust init": the commands CLI11 parsed, outermost first.
inline std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  for (;;) {
    const std::vector<CLI::App*> subs = at->get_subcommands();
    if (subs.empty()) return path;
    at = subs.front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
}

inline std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// A record of the failure in the log (file only: the operator reads the stderr line).
inline void record(const CLI::App& app, const std::vector<std::string>& argv, ExitCode code,
                   const std::string& message, const MainHooks& hooks) {
  if (log::file_path().empty() && code != ExitCode::usage && hooks.open_log) {
    try {
      hooks.open_log();
    } catch (const std::exception&) {
      // The failure being reported matters more than its record.
    }
  }
  nlohmann::json fields = nlohmann::json::object();
  fields["exit_code"] = to_int(code);
  fields["command"] = command_path(app);
  fields["argv"] = argv;
  log::to_file(code == ExitCode::internal ? log::Level::fatal : log::Level::error, message, fields);
}

// Exit 1 is a bug: say where the record to send is.
inline std::string report_hint() {
  const std::string file = log::file_path();
  return file.empty() ? "; please report it with this message and the command line"
                      : "; please report it with the log " + file;
}

}  // namespace run_main_detail

// Parses argv with `app` (after hooks.prepare) and runs the chosen command. Returns the
// exit code: 0, 2 for a usage error (CLI11 prints help and usage errors itself), the code
// of a common::Error ("<program>: error: <message>"), 1 for anything else ("<program>:
// internal error: <message>; please report it with the log FILE"). Never throws.
inline int run_main(CLI::App& app, const std::string& program, int argc, char** argv,
                    const MainHooks& hooks) {
  const std::vector<std::string> given(argv + (argc > 0 ? 1 : 0), argv + argc);
  try {
    std::vector<std::string> args = hooks.prepare ? hooks.prepare(given) : given;
    std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version itself; usage errors get exit code 2.
    const int rc = app.exit(e);
    if (rc == 0) return 0;
    run_main_detail::record(app, given, ExitCode::usage, e.what(), hooks);
    return to_int(ExitCode::usage);
  } catch (const Error& e) {
    run_main_detail::record(app, given, e.code(), e.what(), hooks);
    if (e.code() == ExitCode::internal) {
      std::cerr << program << ": error: " << e.what() << run_main_detail::report_hint() << "\n";
    } else {
      std::cerr << program << ": error: " << e.what() << "\n";
    }
    return to_int(e.code());
  } catch (const std::exception& e) {
    run_main_detail::record(app, given, ExitCode::internal, e.what(), hooks);
    std::cerr << program << ": internal error: " << e.what() << run_main_detail::report_hint() << "\n";
    return to_int(ExitCode::internal);
  }
  return 0;
}

}  // namespace common
