// Writes the seed corpus of the delta_patch fuzz target (tests/fuzz/corpus/delta_patch/):
// real patches against fuzz::delta_fuzz_base(), so the fuzzer starts from valid segments,
// zstd frames and trailers. Built on demand (target make_delta_patch_seed, not in ctest):
//   build/bin/make_delta_patch_seed tests/fuzz/corpus/delta_patch
// Segments are the smallest the format allows (1 MiB) and the base is 96 KiB, so each seed
// holds one segment; the three seeds differ in what changed.

#include "fuzz_delta_base.hpp"

#include <delta/patch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

void write_seed(const std::string& dir, const std::string& name, const std::string& base_path,
                const std::string& next) {
  std::string patch;
  std::size_t at = 0;
  delta::PatchOptions options;
  options.segment_size = 1u << 20;
  options.margin = 1u << 20;
  delta::encode_patch(
      base_path,
      [&](char* buffer, std::size_t capacity) {
        const std::size_t n = std::min(capacity, next.size() - at);
        next.copy(buffer, n, at);
        at += n;
        return n;
      },
      [&](const char* data, std::size_t n) { patch.append(data, n); }, options);
  std::ofstream(dir + "/" + name, std::ios::binary) << patch;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_delta_patch_seed CORPUS_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string base = fuzz::delta_fuzz_base();
  const std::string base_path = dir + "/.base.tmp";
  std::ofstream(base_path, std::ios::binary) << base;
  std::string edited = base;
  edited.replace(1000, 40, "an edit in the middle of the base stream");
  edited.insert(50000, "an insertion that shifts every later byte\n");
  write_seed(dir, "edited", base_path, edited);
  write_seed(dir, "same", base_path, base);
  write_seed(dir, "new_tail", base_path, base.substr(0, 60000) + std::string(20000, 'z'));
  std::remove(base_path.c_str());
  return 0;
}
