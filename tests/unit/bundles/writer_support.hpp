#pragma once
// Fixtures for the bundle writer tests: deterministic content, a valid index for a set of
// members, and an independent decoder (libzstd one frame at a time + libarchive's tar
// reader) so the tests check the writer's bytes with code that is not the writer's.

#include <tests/unit/support/error_capture.hpp>
#include <bundles/seek_table.hpp>
#include <bundles/writer.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <manifest/bundle_index.hpp>

#include "../common/test_support.hpp"

#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <zstd.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace writer_test {

using test_support::exists;
using test_support::slurp;
using test_support::TempDir;

constexpr std::uint64_t k_mib = 1u << 20;

// `size` bytes from a splitmix64 stream: incompressible, and the same for the same seed.
inline std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < size; i += 8) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (std::size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = static_cast<char>(z >> (8 * b));
  }
  return out;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  REQUIRE(std::fclose(f) == 0);
}

inline std::set<std::string> list_dir(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.insert(name);
  }
  ::closedir(d);
  return names;
}

// code_of / message_of: tests/unit/support/error_capture.hpp
using sdcb_test::code_of;
using sdcb_test::message_of;

struct Content {
  std::string name;
  std::string bytes;
};

// A valid index for `contents` (in this order) and the inputs that supply them, each
// content written to a file in `dir` (so the writer reads files as with a real cache).
struct Fixture {
  manifest::BundleIndex index;
  std::string index_bytes;
  std::vector<bundles::MemberInput> inputs;
};

inline Fixture make_fixture(const TempDir& dir, const std::vector<Content>& contents,
                            std::uint64_t chunk_size = k_mib) {
  Fixture f;
  f.index.created = "2026-11-25T12:00:00Z";
  f.index.expires = "2027-02-23T12:00:00Z";
  f.index.builder = {"sdcadm-bundle", "0.1.0"};
  f.index.source = {"https://updates.example.com", "release"};
  f.index.channel = "release";
  f.index.sequence = 1764072000;
  f.index.min_installer_version = "0.1.0";
  f.index.chunk_size = chunk_size;
  int n = 0;
  for (const auto& c : contents) {
    const std::string path = dir.file("input-" + std::to_string(n++));
    write_file(path, c.bytes);
    f.index.members.push_back({c.name, c.bytes.size(), bundles::chunk_hashes(path, chunk_size)});
    f.inputs.push_back({c.name, path, "", 0644});
  }
  f.index.bundle_id = manifest::bundle_id_for(f.index.members);
  f.index_bytes = f.index.serialize();
  return f;
}

// Every data frame decompressed on its own with ZSTD_decompress (which needs the content
// size in the frame header), checked against the seek table's sizes.
inline std::vector<std::string> decode_frames(const std::string& file) {
  const std::string bytes = slurp(file);
  const auto table = bundles::read_seek_table(file);
  std::vector<std::string> frames;
  for (const auto& e : table.entries) {
    const char* src = bytes.data() + e.offset;
    REQUIRE(ZSTD_findFrameCompressedSize(src, e.compressed_size) == e.compressed_size);
    REQUIRE(ZSTD_getFrameContentSize(src, e.compressed_size) == e.decompressed_size);
    std::string out(e.decompressed_size, '\0');
    REQUIRE(ZSTD_decompress(out.data(), out.size(), src, e.compressed_size) == out.size());
    frames.push_back(std::move(out));
  }
  return frames;
}

inline std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

struct TarEntry {
  std::string name;
  std::string content;
  unsigned mode = 0;
  unsigned type = 0;
  long long uid = -1, gid = -1;
  std::string uname, gname;
  long long mtime = -1;
};

// The entries of a tar stream, read by libarchive (ustar only; any warning fails).
inline std::vector<TarEntry> read_tar(const std::string& tar) {
  archive* a = archive_read_new();
  REQUIRE(archive_read_support_format_tar(a) == ARCHIVE_OK);
  REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
  std::vector<TarEntry> out;
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
    TarEntry t;
    t.name = archive_entry_pathname(entry);
    t.mode = archive_entry_perm(entry);
    t.type = archive_entry_filetype(entry);
    t.uid = archive_entry_uid(entry);
    t.gid = archive_entry_gid(entry);
    t.uname = archive_entry_uname(entry) ? archive_entry_uname(entry) : "";
    t.gname = archive_entry_gname(entry) ? archive_entry_gname(entry) : "";
    t.mtime = archive_entry_mtime(entry);
    t.content.resize(static_cast<std::size_t>(archive_entry_size(entry)));
    if (!t.content.empty()) {
      REQUIRE(archive_read_data(a, t.content.data(), t.content.size()) ==
              static_cast<la_ssize_t>(t.content.size()));
    }
    out.push_back(std::move(t));
  }
  CHECK(rc == ARCHIVE_EOF);
  CHECK(archive_format(a) == ARCHIVE_FORMAT_TAR_USTAR);
  archive_read_free(a);
  return out;
}

}  // namespace writer_test
