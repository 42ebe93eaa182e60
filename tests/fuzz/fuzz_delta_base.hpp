#pragma once
// The fixed base the delta_patch fuzz target patches, shared with the program that wrote
// its seed corpus (tests/fuzz/make_delta_patch_seed.cpp), so the seeds match the base: 96 KiB
// of text-like bytes from a fixed linear congruential sequence.

#include <cstdint>
#include <string>

namespace fuzz {

inline std::string delta_fuzz_base() {
  static const char* const words[] = {"var ", "function ", "require(", "module.exports", "{\n",
                                      "}\n", "\"name\": ", "0.1.2", "node_modules/", "  "};
  std::string out;
  std::uint32_t x = 12345;
  while (out.size() < 96 * 1024) {
    x = x * 1103515245u + 12345u;
    out += words[(x >> 16) % 10];
  }
  out.resize(96 * 1024);
  return out;
}

}  // namespace fuzz
