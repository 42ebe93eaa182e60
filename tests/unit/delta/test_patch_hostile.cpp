// Hostile and damaged patches: the wrong base, truncation, flipped bytes, headers asking
// for more memory than the decoder allows. Each must end in common::Error, never in a
// crash or in a "successful" rebuild.

#include "image_generator.hpp"
#include "patch_test_support.hpp"

#include <common/error.hpp>
#include <delta/patch.hpp>
#include <delta/patch_format.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using common::ExitCode;
using delta_test::ScratchDir;
using delta_test::sink_into;
using delta_test::source_of;
namespace pf = delta::patch_format;

namespace {

constexpr std::uint64_t k_mib = 1024 * 1024;

struct Fixture {
  ScratchDir dir;
  std::string old_data;
  std::string new_data;
  std::string old_path;
  std::string patch;

  Fixture() {
    const auto v1 = delta_test::first_version(11, 3 * k_mib);
    old_data = delta_test::stream_of(v1);
    new_data = delta_test::stream_of(delta_test::next_version(v1, 12, 10));
    old_path = dir.file("old", old_data);
    delta::PatchOptions o;
    o.level = 3;
    o.segment_size = 1 * k_mib;
    o.margin = 512 * 1024;
    delta::encode_patch(old_path, source_of(new_data), sink_into(patch), o);
  }
};

// Applies `patch`; returns the error's code, or ok when it (wrongly or rightly) succeeded.
ExitCode try_apply(const std::string& base, const std::string& patch, std::string* out = nullptr) {
  std::string rebuilt;
  try {
    delta::apply_patch(base, source_of(patch, 7919), sink_into(rebuilt));
  } catch (const common::Error& e) {
    if (out) *out = rebuilt;
    return e.code();
  }
  if (out) *out = rebuilt;
  return ExitCode::ok;
}

std::string message_of(const std::string& base, const std::string& patch) {
  try {
    std::string sink;
    delta::apply_patch(base, source_of(patch), sink_into(sink));
  } catch (const common::Error& e) {
    return e.what();
  }
  return "";
}


}  // namespace

TEST_CASE("the untouched fixture patch applies (the hostile cases below start from it)") {
  Fixture f;
  std::string rebuilt;
  CHECK(try_apply(f.old_path, f.patch, &rebuilt) == ExitCode::ok);
  CHECK(rebuilt == f.new_data);
}

TEST_CASE("the wrong base is refused before any output, naming both digests") {
  Fixture f;
  std::string other = f.old_data;
  other[other.size() / 2] ^= 1;  // same size, one bit differs
  const std::string other_path = f.dir.file("other", other);
  std::string out = "untouched";
  CHECK(try_apply(other_path, f.patch, &out) == ExitCode::integrity);
  CHECK(out.empty());
  const std::string message = message_of(other_path, f.patch);
  CHECK(message.find("differs (sha256 ") != std::string::npos);
  CHECK(message.find("use a full bundle") != std::string::npos);

  const std::string shorter_path = f.dir.file("shorter", f.old_data.substr(1));
  CHECK(try_apply(shorter_path, f.patch, &out) == ExitCode::integrity);
  CHECK(out.empty());
  CHECK(try_apply(f.dir.file("x", "") + ".missing", f.patch) == ExitCode::io);
}

TEST_CASE("a truncated patch is an error wherever it is cut") {
  Fixture f;
  std::vector<std::size_t> cuts = {0, 1, pf::k_header_size - 1, pf::k_header_size,
                                   pf::k_header_size + 3, pf::k_header_size + 20,
                                   f.patch.size() - 1, f.patch.size() - 40,
                                   f.patch.size() - pf::k_trailer_body_size};
  for (std::size_t i = 1; i < 40; ++i) cuts.push_back(f.patch.size() * i / 40);
  for (const std::size_t cut : cuts) {
    INFO("cut at " << cut << " of " << f.patch.size());
    const ExitCode code = try_apply(f.old_path, f.patch.substr(0, cut));
    CHECK(code != ExitCode::ok);
    CHECK((code == ExitCode::bundle_truncated || code == ExitCode::bad_data ||
           code == ExitCode::bundle_corrupt));
  }
  CHECK(try_apply(f.old_path, f.patch + "x") == ExitCode::bundle_corrupt);  // bytes after trailer
}

TEST_CASE("a flipped byte anywhere in the patch is an error, never a silent rebuild") {
  Fixture f;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < pf::k_header_size + 28; ++i) positions.push_back(i);  // header + record
  for (std::size_t i = 0; i < 76; ++i) positions.push_back(f.patch.size() - 1 - i);  // trailer
  for (std::size_t i = 0; i < 150; ++i) positions.push_back(f.patch.size() * i / 150);
  for (const std::size_t at : positions) {
    std::string bad = f.patch;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    INFO("byte " << at << " of " << f.patch.size());
    CHECK(try_apply(f.old_path, bad) != ExitCode::ok);
  }
}

TEST_CASE("a header asking for more than the decoder's bounds is refused before reading the base") {
  Fixture f;
  const pf::Header good = pf::decode_header(reinterpret_cast<const unsigned char*>(f.patch.data()));
  // encode_header refuses out-of-range values itself, so hostile headers are patched in
  // place: window log at byte 16, segment size at 24, margin at 32 (patch_format.hpp).
  auto poke = [&](std::size_t at, std::uint64_t value, int width) {
    std::string bad = f.patch;
    for (int i = 0; i < width; ++i) bad[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
    return bad;
  };
  const std::string missing_base = f.dir.file("y", "") + ".missing";  // not even opened
  CHECK(try_apply(missing_base, poke(16, 31, 4)) == ExitCode::bundle_too_large);
  CHECK(try_apply(missing_base, poke(16, 64, 4)) == ExitCode::bundle_too_large);
  CHECK(try_apply(missing_base, poke(24, 1ull << 40, 8)) == ExitCode::bundle_too_large);
  CHECK(try_apply(missing_base, poke(24, 0, 8)) == ExitCode::bundle_too_large);
  CHECK(try_apply(missing_base, poke(32, 1ull << 62, 8)) == ExitCode::bundle_too_large);
  CHECK(try_apply(missing_base, poke(8, 2, 4)) == ExitCode::bundle_unsupported);
  CHECK(try_apply(missing_base, "PK\x03\x04" + std::string(200, 'z')) == ExitCode::bad_data);
  CHECK(try_apply(missing_base, "PK\x03\x04") == ExitCode::bundle_truncated);
  CHECK(message_of(missing_base, poke(16, 31, 4)).find("window log 31") != std::string::npos);
  CHECK(good.segment_size == 1 * k_mib);
}

TEST_CASE("a segment record pointing outside the base or its bound is refused") {
  Fixture f;
  const std::size_t record = pf::k_header_size + pf::k_tag_size;  // first segment's body
  auto poke64 = [&](std::size_t at, std::uint64_t value) {
    std::string bad = f.patch;
    for (int i = 0; i < 8; ++i) bad[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
    return bad;
  };
  std::string out;
  CHECK(try_apply(f.old_path, poke64(record, ~0ull), &out) == ExitCode::bundle_corrupt);  // offset
  CHECK(out.empty());
  CHECK(try_apply(f.old_path, poke64(record + 8, 64 * k_mib)) == ExitCode::bundle_corrupt);  // size
  CHECK(try_apply(f.old_path, poke64(record + 16, 0)) == ExitCode::bundle_corrupt);  // new bytes
  CHECK(try_apply(f.old_path, poke64(record + 16, 2 * k_mib)) == ExitCode::bundle_corrupt);
  // One byte fewer than the frame holds: the frame's own content size disagrees.
  CHECK(try_apply(f.old_path, poke64(record + 16, 1 * k_mib - 1)) == ExitCode::bundle_corrupt);
}

TEST_CASE("the output is bounded by the size the caller expects") {
  Fixture f;
  std::string rebuilt;
  CHECK(delta::apply_patch(f.old_path, source_of(f.patch), sink_into(rebuilt),
                           f.new_data.size()) == f.new_data.size());
  rebuilt.clear();
  try {
    delta::apply_patch(f.old_path, source_of(f.patch), sink_into(rebuilt), f.new_data.size() - 1);
    FAIL("a patch rebuilding more than the bound was accepted");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::bundle_too_large);
  }
  CHECK(rebuilt.size() < f.new_data.size());
}
