// Tests for delta/rebuild.cpp: unpacking an image file, and rebuilding the exact compressed
// file from the uncompressed base plus a patch, through the two-thread pipe.
#include <delta/rebuild.hpp>

#include <delta/recompress.hpp>

#include <common/error.hpp>

#include "image_generator.hpp"
#include "patch_test_support.hpp"
#include "recompress_support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

using common::Error;
using common::ExitCode;
using delta_test::ScratchDir;
using delta_test::sink_into;
using delta_test::source_of;

namespace {

// pigz's header as buildimage's imgadm writes it from a pipe: no name, MTIME set, OS 3.
const std::string k_pigz_header("\x1f\x8b\x08\x00\x5e\x1a\x2b\x67\x00\x03", 10);

delta::Recipe pigz6() {
  delta::Recipe r;
  r.kind = delta::RecipeKind::pigz;
  r.level = 6;
  r.block_kib = 128;
  r.header = k_pigz_header;
  return r;
}

std::string compress(const delta::Recipe& recipe, const std::string& content) {
  std::string out;
  delta::compress_with(recipe, source_of(content), [&](const char* d, std::size_t n) {
    out.append(d, n);
    return true;
  });
  return out;
}

struct Release {
  std::string old_content, new_content, old_file, new_file;
};

Release release(std::size_t bytes) {
  const auto v1 = delta_test::first_version(7, bytes);
  const auto v2 = delta_test::next_version(v1, 8, 8);
  Release r;
  r.old_content = delta_test::stream_of(v1);
  r.new_content = delta_test::stream_of(v2);
  r.old_file = compress(pigz6(), r.old_content);
  r.new_file = compress(pigz6(), r.new_content);
  return r;
}

std::string patch_of(const std::string& base_raw_path, const std::string& new_content) {
  std::string patch;
  delta::encode_patch(base_raw_path, source_of(new_content), sink_into(patch));
  return patch;
}

std::string slurp(const std::string& path) { return recompress_test::read_file(path); }

ExitCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("rebuild_image gives back the exact compressed file from base + patch") {
  ScratchDir dir;
  const Release r = release(6u << 20);
  const std::string base = dir.file("base.imgfile", r.old_file);
  const std::string raw = dir.file("base.raw", "");
  std::remove(raw.c_str());
  const delta::UnpackResult u = delta::unpack_image(base, delta::Compression::gzip, raw, 1u << 30);
  CHECK(u.compressed_size == r.old_file.size());
  CHECK(u.uncompressed_size == r.old_content.size());
  REQUIRE(slurp(raw) == r.old_content);

  const std::string patch = patch_of(raw, r.new_content);
  CHECK(patch.size() < r.new_file.size() / 5);
  std::string rebuilt;
  const delta::RebuildResult rb =
      delta::rebuild_image(raw, source_of(patch, 4099), pigz6(), sink_into(rebuilt));
  CHECK(rb.uncompressed_size == r.new_content.size());
  CHECK(rb.file_size == r.new_file.size());
  CHECK(rebuilt == r.new_file);

  SECTION("a different recipe gives different bytes (the check can fail)") {
    delta::Recipe other = pigz6();
    other.level = 9;
    std::string again;
    delta::rebuild_image(raw, source_of(patch), other, sink_into(again));
    CHECK(again != r.new_file);
  }
  SECTION("a corrupt patch is the error reported, not the compressor's short input") {
    std::string bad = patch;
    bad[bad.size() / 2] ^= 0x40;
    std::string out;
    const ExitCode code = code_of([&] { delta::rebuild_image(raw, source_of(bad), pigz6(), sink_into(out)); });
    CHECK(code != ExitCode::ok);
    CHECK(code != ExitCode::internal);
  }
  SECTION("the wrong base is refused before any content is produced") {
    const std::string other = dir.file("other.raw", r.new_content);
    std::string out;
    CHECK(code_of([&] { delta::rebuild_image(other, source_of(patch), pigz6(), sink_into(out)); }) ==
          ExitCode::integrity);
    // At most the gzip header the compressor writes first; no deflate data, no trailer.
    CHECK(out.size() <= k_pigz_header.size());
  }
  SECTION("a failing sink stops both threads and its error wins") {
    std::size_t seen = 0;
    const auto failing = [&](const char*, std::size_t n) {
      seen += n;
      if (seen > (1u << 20)) throw Error(ExitCode::no_space, "disk full");
    };
    CHECK(code_of([&] { delta::rebuild_image(raw, source_of(patch), pigz6(), failing); }) ==
          ExitCode::no_space);
  }
  SECTION("max_uncompressed bounds the rebuilt stream") {
    std::string out;
    CHECK(code_of([&] {
            delta::rebuild_image(raw, source_of(patch), pigz6(), sink_into(out),
                                 r.new_content.size() - 1);
          }) == ExitCode::bundle_too_large);
  }
}

TEST_CASE("unpack_image copies none, decodes bzip2, and refuses what it cannot write") {
  ScratchDir dir;
  const std::string content = delta_test::stream_of(delta_test::first_version(3, 1u << 20));
  const std::string plain = dir.file("plain", content);
  const std::string out = dir.file("x", "");
  std::remove(out.c_str());
  CHECK(delta::unpack_image(plain, delta::Compression::none, out, 1u << 30).uncompressed_size ==
        content.size());
  CHECK(slurp(out) == content);
  // The output must be new: nothing is overwritten.
  CHECK(code_of([&] { delta::unpack_image(plain, delta::Compression::none, out, 1u << 30); }) ==
        ExitCode::io);
  std::remove(out.c_str());
  CHECK(code_of([&] { delta::unpack_image(plain, delta::Compression::none, out, 1000); }) ==
        ExitCode::bundle_too_large);
  std::remove(out.c_str());

  delta::Recipe bz;
  bz.kind = delta::RecipeKind::bzip2;
  bz.block_100k = 9;
  const std::string bzfile = dir.file("f.bz2", compress(bz, content));
  CHECK(delta::unpack_image(bzfile, delta::Compression::bzip2, out, 1u << 30).uncompressed_size ==
        content.size());
  CHECK(slurp(out) == content);
  std::remove(out.c_str());
  // Not gzip: refused by the decoder.
  CHECK(code_of([&] { delta::unpack_image(plain, delta::Compression::gzip, out, 1u << 30); }) ==
        ExitCode::bad_data);
  std::remove(out.c_str());
  CHECK(code_of([&] { delta::unpack_image(dir.file("gone", "") + ".missing", delta::Compression::none, out, 1); }) ==
        ExitCode::not_found);
}
