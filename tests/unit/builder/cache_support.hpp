#pragma once
// Fixtures for the cache, fetch and pack tests: file contents, their manifest entries, and
// entries put into a builder::Cache the way a download does (CacheWriter).

#include <builder/cache.hpp>

#include <common/hash.hpp>
#include <manifest/image_manifest.hpp>
#include <tests/unit/imgapi/fake_server.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace cache_test {

// Small chunks, so that a few KiB make several of them.
constexpr std::uint64_t k_chunk = 1024;

// `size` bytes that differ for every seed (not compressible, not repeating).
using imgapi_test::payload;

inline manifest::ImageFile file_of(const std::string& bytes) {
  return {common::hex_digest(common::HashAlgorithm::sha1, bytes), bytes.size(), "gzip"};
}

// Stores `bytes` as a finished download would.
inline builder::CachedFile store(const builder::Cache& cache, const std::string& bytes,
                                 std::uint64_t chunk_size = k_chunk) {
  builder::CacheWriter writer(cache, file_of(bytes), chunk_size);
  writer.write(bytes.data(), bytes.size());
  return writer.commit();
}

// Overwrites one byte in place (same size, other content).
inline void flip_byte(const std::string& path, long offset) {
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  REQUIRE(f != nullptr);
  REQUIRE(std::fseek(f, offset, SEEK_SET) == 0);
  const int old = std::fgetc(f);
  REQUIRE(old != EOF);
  REQUIRE(std::fseek(f, offset, SEEK_SET) == 0);
  std::fputc(old ^ 0xff, f);
  REQUIRE(std::fclose(f) == 0);
}

inline bool exists(const std::string& path) { return std::filesystem::exists(path); }

// Every file below `dir`, as paths relative to it, sorted.
inline std::vector<std::string> files_below(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file()) {
      out.push_back(std::filesystem::relative(it->path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cache_test
