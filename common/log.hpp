#pragma once
// Logging: bunyan-compatible JSON lines to a file (for machines and support) and short
// human lines to stderr (for the operator). Library code logs; it never prints to
// stdout. One process-wide logger, configured once by the front end.
//
// Bunyan record: {"name","hostname","pid","level","msg","time","v":0, ...fields}
// with levels trace=10 debug=20 info=30 warn=40 error=50 fatal=60; "time" is ISO-8601 UTC
// with milliseconds (2026-11-25T12:00:00.123Z). Fields are merged into the record, but
// never replace the core keys above. Each record is one write() to a file opened with
// O_APPEND, so lines from several processes do not interleave.
//
// Human lines on stderr (for records at or above stderr_level), one per record:
//   info            "<msg>"                  (plain status text for the operator)
//   warn and above  "<name>: warning: <msg>", "<name>: error: <msg>", "<name>: fatal: <msg>"
//   trace, debug    "<name>: debug: <msg>",  "<name>: trace: <msg>"
// If the log file cannot be opened, logging goes on to stderr only, after one warning.
// All functions are thread-safe; until configure() runs, records go to stderr only.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace common::log {

enum class Level { trace = 10, debug = 20, info = 30, warn = 40, error = 50, fatal = 60 };

struct Config {
  std::string name = "sdcadm-bundle";  // bunyan "name"
  std::string file;                    // JSON lines appended here; empty = no file
  Level file_level = Level::debug;
  Level stderr_level = Level::warn;    // human lines at or above this level
  // Create the file's missing directories (mode 0755) before opening it; a directory that
  // cannot be created is the same one warning as a file that cannot be opened.
  bool make_dirs = false;
};

// (Re)configures the process-wide logger; closes a previously opened file.
void configure(const Config& config);

// The word used for a level in human lines: "trace", "debug", "info", "warning", ...
const char* level_word(Level level);

// Called (under the logger's lock) right before a human line goes to stderr. The
// progress display installs one to clear its half-drawn line; empty removes it.
void set_stderr_hook(std::function<void()> hook);

// Writes one record; fields are merged into the JSON record (never into stderr text).
void write(Level level, const std::string& msg, const nlohmann::json& fields = nlohmann::json::object());

// The log file records go to: the configured file once it is open, "" otherwise (none
// configured, or it could not be opened). Messages that ask the user to send the log name it.
std::string file_path();

// Writes one record to the log file only, never to stderr: for what the caller has already
// told the operator in its own words (the front end's final "<program>: error: ..." line).
void to_file(Level level, const std::string& msg, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::debug, msg, f); }
inline void info(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::info, msg, f); }
inline void warn(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::warn, msg, f); }
inline void error(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::error, msg, f); }

}  // namespace common::log
