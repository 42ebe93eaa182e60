#pragma once
// What every fuzz target checks: a parser of outside input either accepts its input or
// refuses it with common::Error carrying a code other than `internal`. Any other exception
// (a std::out_of_range, a JSON type_error escaping), an internal error, a crash or a
// sanitizer report is a bug; abort() makes libFuzzer keep the input and fail the run.

#include <common/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace fuzz {

[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz: %s\n", what.c_str());
  std::abort();
}

// Runs `parse`; returns true when it accepted the input.
template <typename F>
bool accepts(const char* parser, F&& parse) {
  try {
    parse();
    return true;
  } catch (const common::Error& e) {
    if (e.code() == common::ExitCode::internal) bug(std::string(parser) + ": internal error: " + e.what());
  } catch (const std::exception& e) {
    bug(std::string(parser) + ": unexpected exception: " + e.what());
  }
  return false;
}

}  // namespace fuzz
