// The patch codec on realistic data: exact round trips, size, and the edge cases of the
// segment layout (an empty stream, an empty base, a new stream longer than the base).

#include "image_generator.hpp"
#include "patch_test_support.hpp"

#include <common/error.hpp>
#include <common/hash.hpp>
#include <delta/patch.hpp>

#include <catch2/catch.hpp>

#include <cstdio>

using delta_test::ScratchDir;
using delta_test::sink_into;
using delta_test::source_of;

namespace {

constexpr std::uint64_t k_mib = 1024 * 1024;

// Small segments so a few MiB of data span several of them; level 9 keeps the run short.
delta::PatchOptions test_options() {
  delta::PatchOptions o;
  o.level = 9;
  o.segment_size = 2 * k_mib;
  o.margin = 1 * k_mib;
  return o;
}

std::string sha256(const std::string& data) {
  return common::hex_digest(common::HashAlgorithm::sha256, data);
}

std::string round_trip(const std::string& old_path, const std::string& new_data,
                       const delta::PatchOptions& options, delta::PatchStats* stats = nullptr) {
  std::string patch;
  const delta::PatchStats s =
      delta::encode_patch(old_path, source_of(new_data), sink_into(patch), options);
  CHECK(s.new_size == new_data.size());
  CHECK(s.patch_size == patch.size());
  CHECK(s.new_sha256 == sha256(new_data));
  if (stats) *stats = s;
  std::string rebuilt;
  const std::uint64_t size = delta::apply_patch(old_path, source_of(patch, 4093), sink_into(rebuilt));
  CHECK(size == rebuilt.size());
  return rebuilt;
}

}  // namespace

TEST_CASE("a patch rebuilds the next release's stream exactly, at a fraction of its size") {
  const auto v1 = delta_test::first_version(1, 12 * k_mib);
  const auto v2 = delta_test::next_version(v1, 2, 8);
  const std::string old_data = delta_test::stream_of(v1);
  const std::string new_data = delta_test::stream_of(v2);
  REQUIRE(old_data != new_data);
  ScratchDir dir;
  const std::string old_path = dir.file("old", old_data);

  delta::PatchStats stats;
  const std::string rebuilt = round_trip(old_path, new_data, test_options(), &stats);
  CHECK(sha256(rebuilt) == sha256(new_data));
  CHECK(rebuilt == new_data);
  CHECK(stats.segments == (new_data.size() + 2 * k_mib - 1) / (2 * k_mib));
  const double ratio = static_cast<double>(stats.patch_size) / new_data.size();
  std::printf("patch: %zu -> %zu bytes, patch %llu bytes (%.2f%% of new), %llu segments\n",
              old_data.size(), new_data.size(), static_cast<unsigned long long>(stats.patch_size),
              100 * ratio, static_cast<unsigned long long>(stats.segments));
  // ~8% of files touched, 2% inserted, 2% deleted: the patch must be far smaller than
  // the stream (a plain zstd of the new stream alone is about half of it: text and random).
  CHECK(ratio < 0.20);
}

TEST_CASE("an insertion larger than the margin does not lose the reference (anchors)") {
  // 5 MiB of new content at the front moves everything after it by more than the 1 MiB
  // margin: only the anchors' shift keeps later segments pointed at their old content.
  const auto v1 = delta_test::first_version(8, 6 * k_mib);
  const std::string old_data = delta_test::stream_of(v1);
  delta_test::Rng rng(9);
  const std::string new_data = delta_test::binary_content(rng, 5 * k_mib) + old_data;
  ScratchDir dir;
  delta::PatchStats stats;
  CHECK(round_trip(dir.file("old", old_data), new_data, test_options(), &stats) == new_data);
  std::printf("patch after a 5 MiB insertion: %llu bytes for %zu new bytes\n",
              static_cast<unsigned long long>(stats.patch_size), new_data.size());
  // The random 5 MiB cannot compress; the rest must cost next to nothing.
  CHECK(stats.patch_size < 5 * k_mib + old_data.size() / 50);
}

TEST_CASE("the patch is much smaller than compressing the new stream on its own") {
  // Guards against a patch that silently ignores its reference (e.g. a window too small).
  const auto v1 = delta_test::first_version(3, 4 * k_mib);
  const std::string old_data = delta_test::stream_of(v1);
  const std::string new_data = delta_test::stream_of(delta_test::next_version(v1, 4, 8));
  ScratchDir dir;
  const std::string empty_base = dir.file("empty", "");
  const std::string real_base = dir.file("old", old_data);
  delta::PatchStats against_nothing, against_old;
  CHECK(round_trip(empty_base, new_data, test_options(), &against_nothing) == new_data);
  CHECK(round_trip(real_base, new_data, test_options(), &against_old) == new_data);
  CHECK(against_old.patch_size * 4 < against_nothing.patch_size);
}

TEST_CASE("edge cases of the segment layout round-trip") {
  ScratchDir dir;
  const auto v1 = delta_test::first_version(5, 3 * k_mib);
  const std::string old_data = delta_test::stream_of(v1);
  const std::string old_path = dir.file("old", old_data);

  SECTION("an empty new stream") { CHECK(round_trip(old_path, "", test_options()).empty()); }
  SECTION("a new stream shorter than one segment") {
    const std::string small = old_data.substr(1000, 70000) + "tail";
    CHECK(round_trip(old_path, small, test_options()) == small);
  }
  SECTION("a new stream exactly two segments long") {
    const std::string two = (old_data + old_data).substr(0, 4 * k_mib);
    CHECK(round_trip(old_path, two, test_options()) == two);
  }
  SECTION("a new stream three times the base (segments past the base's end)") {
    const std::string grown = old_data + delta_test::stream_of(delta_test::next_version(v1, 6, 50)) + old_data;
    CHECK(round_trip(old_path, grown, test_options()) == grown);
  }
  SECTION("the same stream as the base costs almost nothing") {
    delta::PatchStats stats;
    CHECK(round_trip(old_path, old_data, test_options(), &stats) == old_data);
    CHECK(stats.patch_size < old_data.size() / 100);
  }
}

TEST_CASE("encode options out of range are refused") {
  ScratchDir dir;
  const std::string old_path = dir.file("old", "base");
  std::string patch;
  delta::PatchOptions o = test_options();
  o.segment_size = 65 * k_mib;
  CHECK_THROWS_AS(delta::encode_patch(old_path, source_of("x"), sink_into(patch), o),
                  common::Error);
  o = test_options();
  o.margin = std::uint64_t{1} << 62;
  CHECK_THROWS_AS(delta::encode_patch(old_path, source_of("x"), sink_into(patch), o),
                  common::Error);
  o = test_options();
  o.level = 0;
  CHECK_THROWS_AS(delta::encode_patch(old_path, source_of("x"), sink_into(patch), o),
                  common::Error);
  CHECK_THROWS_AS(delta::encode_patch(dir.file("x", "") + ".missing", source_of("x"),
                                      sink_into(patch), test_options()),
                  common::Error);
}
