#pragma once
// Logging: bunyan-compatible JSON lines to a file (for machines and support) and short
// human lines to stderr (for the operator). Library code logs; it never prints to
// stdout. One process-wide logger, configured once by the front end.
//
// Bunyan record: {"name","hostname","pid","level","msg","time","v":0, ...fields}
// with levels trace=10 debug=20 info=30 warn=40 error=50 fatal=60.

#include <nlohmann/json.hpp>

#include <string>

namespace common::log {

enum class Level { trace = 10, debug = 20, info = 30, warn = 40, error = 50, fatal = 60 };

struct Config {
  std::string name = "sdcadm-bundle";  // bunyan "name"
  std::string file;                    // JSON lines appended here; empty = no file
  Level file_level = Level::debug;
  Level stderr_level = Level::warn;    // human lines at or above this level
};

void configure(const Config& config);

// Writes one record; fields are merged into the JSON record (never into stderr text).
void write(Level level, const std::string& msg, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::debug, msg, f); }
inline void info(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::info, msg, f); }
inline void warn(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::warn, msg, f); }
inline void error(const std::string& msg, const nlohmann::json& f = nlohmann::json::object()) { write(Level::error, msg, f); }

}  // namespace common::log
