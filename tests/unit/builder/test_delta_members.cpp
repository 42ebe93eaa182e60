// builder/delta_members + the packer's delta members: a candidate with a related base ships a
// patch that rebuilds the new file exactly (checked here again, independently of the
// builder's own self-verification); each fallback reason; the patch cache (reuse, and a
// damaged cached patch encoded again); and format_version 1 with byte-identical output when
// no delta is made.
#include "artifact_support.hpp"
#include "cache_support.hpp"

#include <builder/delta_members.hpp>
#include <builder/delta_report.hpp>
#include <builder/pack.hpp>

#include <bundles/writer.hpp>
#include <common/hash.hpp>
#include <delta/rebuild.hpp>
#include <delta/recompress.hpp>
#include <manifest/bundle_index.hpp>

#include <tests/unit/delta/image_generator.hpp>
#include <tests/unit/delta/recompress_support.hpp>
#include <tests/unit/support/scratch_dir.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using builder::Cache;
using builder::CachedFile;
using builder::DeltaOutcome;

namespace {

constexpr std::uint64_t k_mib = 1u << 20;
constexpr std::int64_t k_created = 1764072000;

const std::string k_base_uuid = "20000000-0000-4000-8000-000000000001";
const std::string k_new_uuid = "20000000-0000-4000-8000-000000000002";

std::string pigz6(const std::string& content) {
  delta::Recipe r;
  r.kind = delta::RecipeKind::pigz;
  r.level = 6;
  r.block_kib = 128;
  r.header = std::string("\x1f\x8b\x08\x00\x5e\x1a\x2b\x67\x00\x03", 10);
  std::string out;
  delta::compress_with(r, [&, at = std::size_t(0)](char* buf, std::size_t n) mutable {
    const std::size_t take = std::min(n, content.size() - at);
    std::copy_n(content.data() + at, take, buf);
    at += take;
    return take;
  }, [&](const char* d, std::size_t n) { out.append(d, n); return true; });
  return out;
}

// GNU gzip's output of `content` (no recipe reproduces it); "" when gzip is not installed.
std::string gnu_gzip(const sdcb_test::ScratchDir& dir, const std::string& content) {
  recompress_test::write_file(dir.file("gz.in"), content);
  const auto rc = recompress_test::run({"gzip", "-6", "-n", "-c"}, dir.file("gz.in"), dir.file("gz.out"));
  if (!rc || *rc != 0) return "";
  return recompress_test::read_file(dir.file("gz.out"));
}

struct Release {
  std::string base_raw, new_raw;
};

Release related_release() {
  const auto v1 = delta_test::first_version(11, 3 << 20);
  const auto v2 = delta_test::next_version(v1, 12, 8);
  return {delta_test::stream_of(v1), delta_test::stream_of(v2)};
}

// One image (`new_file`) whose DC runs `base_file` of the same name, both in the cache.
struct Fixture {
  sdcb_test::ScratchDir dir;
  Cache cache{dir.file("cache")};
  builder::Resolution resolution;
  std::map<std::string, CachedFile> files;
  std::string new_file;

  Fixture(const std::string& base_file, const std::string& new_bytes, const std::string& base_compression = "gzip")
      : new_file(new_bytes) {
    manifest::ImageFile base_entry = cache_test::file_of(base_file);
    base_entry.compression = base_compression;
    auto base = artifact_test::artifact(k_base_uuid, "imgapi", "release-20250101-20250101T000000Z-g1", base_entry);
    auto target = artifact_test::artifact(k_new_uuid, "imgapi", "release-20250201-20250201T000000Z-g2",
                                          cache_test::file_of(new_bytes));
    target.delta_base = base.image;
    resolution = artifact_test::resolution({target});
    files[base_entry.sha1] = cache_test::store(cache, base_file, k_mib);
    files[cache_test::file_of(new_bytes).sha1] = cache_test::store(cache, new_bytes, k_mib);
  }

  std::vector<DeltaOutcome> run() const {
    auto outcomes = builder::plan_deltas(resolution);
    builder::DeltaOptions options;
    options.chunk_size = k_mib;
    builder::make_deltas(cache, resolution, outcomes, files, options);
    return outcomes;
  }

  builder::PackOptions pack_options() const {
    builder::PackOptions o;
    o.created = k_created;
    o.chunk_size = k_mib;
    return o;
  }
};

std::string sha1_of(const std::string& bytes) { return common::hex_digest(common::HashAlgorithm::sha1, bytes); }

// The file a headnode would rebuild from the base and the patch, by the delta library alone.
std::string rebuilt(const Fixture& f, const std::string& base_file, const DeltaOutcome& o) {
  const std::string raw = f.dir.file("base.raw");
  std::remove(raw.c_str());
  recompress_test::write_file(f.dir.file("base.gz"), base_file);
  delta::unpack_image(f.dir.file("base.gz"), delta::Compression::gzip, raw, UINT64_MAX);
  const std::string patch = recompress_test::read_file(o.patch.path);
  std::string out;
  delta::rebuild_image(raw, [&, at = std::size_t(0)](char* buf, std::size_t n) mutable {
    const std::size_t take = std::min(n, patch.size() - at);
    std::copy_n(patch.data() + at, take, buf);
    at += take;
    return take;
  }, o.delta->recipe, [&](const char* d, std::size_t n) { out.append(d, n); });
  return out;
}

}  // namespace

TEST_CASE("delta: a related release ships a self-verified patch that rebuilds the new file") {
  const Release r = related_release();
  const std::string base_file = pigz6(r.base_raw);
  Fixture f(base_file, pigz6(r.new_raw));
  const auto outcomes = f.run();
  REQUIRE(outcomes.size() == 1);
  const DeltaOutcome& o = outcomes[0];
  INFO(o.reason);
  REQUIRE(o.is_delta());
  CHECK(o.base_uuid == k_base_uuid);
  CHECK(o.patch.size * 10 < f.new_file.size());
  CHECK(o.delta->base_sha1 == sha1_of(base_file));
  CHECK(o.delta->file_size == f.new_file.size());
  CHECK(o.delta->file_sha256 == bundles::chunk_hashes_of(f.new_file, k_mib));
  CHECK(o.patch.sha256 == bundles::chunk_hashes_of(recompress_test::read_file(o.patch.path), k_mib));
  const std::string again = rebuilt(f, base_file, o);
  CHECK(sha1_of(again) == sha1_of(f.new_file));
  CHECK(bundles::chunk_hashes_of(again, k_mib) == o.delta->file_sha256);
  // The scratch file of the unpacked base is gone.
  CHECK(sdcb_test::dir_entries(f.dir.file("cache/scratch")).empty());

  SECTION("the packer makes it member images/<uuid>.imgpatch of a format 2 index") {
    const auto plan = builder::plan_pack(f.resolution, f.files, f.pack_options(), builder::pack_deltas(outcomes));
    CHECK(plan.index.format_version == 2);
    const manifest::BundleArtifact& a = plan.index.artifacts.at(0);
    REQUIRE(a.delta);
    CHECK(a.file_member.empty());
    CHECK(a.delta->patch_member == "images/" + k_new_uuid + ".imgpatch");
    const manifest::BundleMember* m = plan.index.find_member(a.delta->patch_member);
    REQUIRE(m != nullptr);
    CHECK(m->size == o.patch.size);
    CHECK(plan.index.find_member("images/" + k_new_uuid + ".imgfile") == nullptr);
    const auto rows = builder::delta_rows(plan.index);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].outcome == "delta");
    CHECK(rows[0].base_version == "release-20250101-20250101T000000Z-g1");
    CHECK(builder::delta_report_json(rows)["totals"]["saved_bytes"] == f.new_file.size() - o.patch.size);
  }
}

TEST_CASE("delta: a cached patch is reused, a damaged one encoded again") {
  const Release r = related_release();
  Fixture f(pigz6(r.base_raw), pigz6(r.new_raw));
  const auto first = f.run();
  REQUIRE(first[0].is_delta());
  CHECK_FALSE(first[0].patch_from_cache);
  const std::string patch_bytes = recompress_test::read_file(first[0].patch.path);

  const auto second = f.run();
  REQUIRE(second[0].is_delta());
  CHECK(second[0].patch_from_cache);
  CHECK(second[0].encode_seconds == 0);
  CHECK(second[0].patch.path == first[0].patch.path);
  CHECK(second[0].patch.sha256 == first[0].patch.sha256);

  cache_test::flip_byte(first[0].patch.path, 300);
  const auto third = f.run();
  REQUIRE(third[0].is_delta());
  CHECK_FALSE(third[0].patch_from_cache);  // self-verification failed: encoded again
  CHECK(recompress_test::read_file(third[0].patch.path) == patch_bytes);
}

TEST_CASE("delta: fallback reasons") {
  SECTION("no base in the DC") {
    const Release r = related_release();
    Fixture f(pigz6(r.base_raw), pigz6(r.new_raw));
    f.resolution.artifacts[0].delta_base.reset();
    f.resolution.artifacts[0].no_delta_base = "the DC runs no image of it";
    const auto outcomes = f.run();
    CHECK_FALSE(outcomes[0].candidate);
    CHECK(outcomes[0].reason_kind == "no_base");
    CHECK(outcomes[0].reason == "the DC runs no image of it");
  }
  SECTION("the base is xz-compressed") {
    const Release r = related_release();
    Fixture f(pigz6(r.base_raw), pigz6(r.new_raw), "xz");
    const auto outcomes = f.run();
    CHECK_FALSE(outcomes[0].is_delta());
    CHECK(outcomes[0].reason_kind == "base_compression");
  }
  SECTION("the new file was made by GNU gzip: no recipe") {
    const Release r = related_release();
    sdcb_test::ScratchDir tmp;
    const std::string gz = gnu_gzip(tmp, r.new_raw);
    if (gz.empty()) {
      WARN("gzip is not installed: skipped");
      return;
    }
    Fixture f(pigz6(r.base_raw), gz);
    const auto outcomes = f.run();
    CHECK_FALSE(outcomes[0].is_delta());
    CHECK(outcomes[0].reason_kind == "no_recipe");
    CHECK(outcomes[0].reason.find("no recipe reproduces it") != std::string::npos);
  }
  SECTION("unrelated content: the patch is not worth it") {
    const Release r = related_release();
    Fixture f(pigz6(r.base_raw), pigz6(cache_test::payload(1 << 20, 99)));
    const auto outcomes = f.run();
    CHECK_FALSE(outcomes[0].is_delta());
    CHECK(outcomes[0].reason_kind == "patch_too_big");
    // Nothing is cached for a patch that does not ship.
    CHECK(cache_test::files_below(f.dir.file("cache/patches")).empty());
  }
}

TEST_CASE("delta: without a delta the index is format 1 and byte-identical to a build without deltas") {
  const Release r = related_release();
  Fixture f(pigz6(r.base_raw), pigz6(cache_test::payload(1 << 20, 98)));
  const auto none = builder::plan_pack(f.resolution, f.files, f.pack_options());
  const auto empty = builder::plan_pack(f.resolution, f.files, f.pack_options(), {});
  CHECK(none.index.format_version == 1);
  CHECK(none.index_bytes == empty.index_bytes);
  CHECK(none.index_bytes.find("delta") == std::string::npos);
  CHECK(none.index_bytes.find("\"format_version\": 1") != std::string::npos);
  // Deltas were tried and none paid: still format 1; the notes say why (informational keys).
  const auto tried = builder::plan_pack(f.resolution, f.files, f.pack_options(), builder::pack_deltas(f.run()));
  CHECK(tried.index.format_version == 1);
  CHECK(tried.index.artifacts.at(0).file_member == "images/" + k_new_uuid + ".imgfile");
  CHECK(tried.index_bytes.find("patch_too_big") != std::string::npos);
}
