// Measures delta/patch.hpp on generated releases: encode and apply speed (MiB/s of new
// data) and peak RSS (getrusage ru_maxrss), one mode per process so each RSS is its own.
//
//   patch_bench gen MIB OLD NEW          two releases of a ~MIB MiB tar-like stream
//                                        (tests/unit/delta/image_generator.hpp), 8% churn
//   patch_bench encode OLD NEW PATCH [LEVEL SEGMENT_MIB MARGIN_MIB]
//   patch_bench apply OLD PATCH OUT
//
// Built on demand (cmake --build build --target patch_bench); not part of ctest.

#include "image_generator.hpp"

#include <common/error.hpp>
#include <delta/patch.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_rss_kib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux and illumos
}

delta::ByteSource file_source(std::FILE* f) {
  return [f](char* buffer, std::size_t capacity) {
    const std::size_t n = std::fread(buffer, 1, capacity, f);
    if (n == 0 && std::ferror(f)) throw std::runtime_error("read failed");
    return n;
  };
}

delta::ByteSink file_sink(std::FILE* f) {
  return [f](const char* data, std::size_t size) {
    if (std::fwrite(data, 1, size, f) != size) throw std::runtime_error("write failed");
  };
}

std::FILE* open_or_die(const char* path, const char* mode) {
  std::FILE* f = std::fopen(path, mode);
  if (!f) {
    std::perror(path);
    std::exit(2);
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string mode = argc > 1 ? argv[1] : "";
  constexpr double mib = 1024.0 * 1024.0;
  if (mode == "gen" && argc == 5) {
    const auto v1 = delta_test::first_version(1, std::stoull(argv[2]) * 1024 * 1024);
    std::ofstream(argv[3], std::ios::binary) << delta_test::stream_of(v1);
    std::ofstream(argv[4], std::ios::binary)
        << delta_test::stream_of(delta_test::next_version(v1, 2, 8));
    return 0;
  }
  if (mode == "encode" && (argc == 5 || argc == 8)) {
    delta::PatchOptions options;
    if (argc == 8) {
      options.level = std::atoi(argv[5]);
      options.segment_size = std::stoull(argv[6]) * 1024 * 1024;
      options.margin = std::stoull(argv[7]) * 1024 * 1024;
    }
    std::FILE* in = open_or_die(argv[3], "rb");
    std::FILE* out = open_or_die(argv[4], "wb");
    const auto start = std::chrono::steady_clock::now();
    const delta::PatchStats s = delta::encode_patch(argv[2], file_source(in), file_sink(out), options);
    std::fclose(out);
    const double t = seconds_since(start);
    std::printf("encode level %d segment %.0f MiB margin %.0f MiB: new %.1f MiB -> patch %llu bytes "
                "(%.2f%%), %llu segments, %.2f s, %.1f MiB/s, peak RSS %.1f MiB\n",
                options.level, options.segment_size / mib, options.margin / mib,
                s.new_size / mib, static_cast<unsigned long long>(s.patch_size),
                100.0 * s.patch_size / s.new_size, static_cast<unsigned long long>(s.segments), t,
                s.new_size / mib / t, peak_rss_kib() / 1024.0);
    return 0;
  }
  if (mode == "apply" && argc == 5) {
    std::FILE* in = open_or_die(argv[3], "rb");
    std::FILE* out = open_or_die(argv[4], "wb");
    const auto start = std::chrono::steady_clock::now();
    const std::uint64_t size = delta::apply_patch(argv[2], file_source(in), file_sink(out));
    std::fclose(out);
    const double t = seconds_since(start);
    std::printf("apply: %.1f MiB rebuilt in %.2f s (base hashed first), %.1f MiB/s, peak RSS %.1f MiB\n",
                size / mib, t, size / mib / t, peak_rss_kib() / 1024.0);
    return 0;
  }
  std::fprintf(stderr, "usage: patch_bench gen MIB OLD NEW | encode OLD NEW PATCH [LEVEL SEG MARGIN] "
                       "| apply OLD PATCH OUT\n");
  return 2;
} catch (const common::Error& e) {
  std::fprintf(stderr, "patch_bench: error: %s\n", e.what());
  return static_cast<int>(e.code());
}
