#pragma once
// Command line of sample-catalog (parsed with CLI11 in options.cpp).

#include <tools/sample_catalog/image_files.hpp>

#include <cstdint>
#include <string>

namespace sample_catalog {

struct Options {
  std::string out_dir;
  std::uint64_t scale = 8ull << 20;  // total bytes of image files
  std::uint64_t seed = 1;
  bool force = false;
  bool quiet = false;
  PayloadMode payload = PayloadMode::realistic;
};

// "64M" -> 67108864: a decimal number with an optional binary suffix K, M, G or T
// (also KiB/MiB/GiB/TiB, case-insensitive). Throws common::Error(usage) otherwise.
std::uint64_t parse_size(const std::string& text);

// "42" -> 42: digits only, at most 2^64-1. Throws common::Error(usage) otherwise.
std::uint64_t parse_seed(const std::string& text);

// Parses argv. Returns false when the program should exit right away with `exit_code`
// (--help: 0; a bad command line: 2, after printing the problem to stderr).
bool parse_options(int argc, char** argv, Options& options, int& exit_code);

}  // namespace sample_catalog
