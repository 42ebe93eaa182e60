// builder::plan_pack + write_pack over files in a real cache: equal inputs give equal
// bytes, and a cached file damaged after it was planned fails the build with bundle_hash,
// leaves no bundle, and is dropped from the cache so that the next build downloads it.
#include "cache_support.hpp"
#include "artifact_support.hpp"

#include <builder/pack.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <filesystem>
#include <map>

using builder::Cache;
using builder::CachedFile;
using cache_test::payload;
using cache_test::exists;
using cache_test::file_of;
using common::ExitCode;

namespace {

constexpr std::uint64_t k_mib = 1u << 20;
constexpr std::int64_t k_created = 1764072000;  // 2025-11-25T12:00:00Z

// Four images, two of which share one file; the first file spans two chunks.
struct Inputs {
  std::vector<std::string> bodies{payload(k_mib + 4096, 21), payload(3000, 22),
                                  payload(2000, 23)};
  builder::Resolution resolution;

  Inputs() {
    const auto f = [this](std::size_t i) { return file_of(bodies[i]); };
    resolution = artifact_test::resolution(
        {artifact_test::artifact("10000000-0000-4000-8000-000000000001", "imgapi",
                             "master-20250101T000000Z-g1a2b3c4", f(0)),
         artifact_test::artifact("10000000-0000-4000-8000-000000000002", "vmapi",
                             "master-20250102T000000Z-g2b3c4d5", f(1)),
         artifact_test::artifact("10000000-0000-4000-8000-000000000003", "cnapi",
                             "master-20250103T000000Z-g3c4d5e6", f(2)),
         artifact_test::artifact("10000000-0000-4000-8000-000000000004", "papi",
                             "master-20250104T000000Z-g4d5e6f7", f(2))});
  }

  // Every body stored in `cache`, as fetch() would return them.
  std::map<std::string, CachedFile> cached_in(const Cache& cache) const {
    std::map<std::string, CachedFile> out;
    for (const auto& body : bodies) out[file_of(body).sha1] = cache_test::store(cache, body, k_mib);
    return out;
  }
};

builder::PackOptions pack_options(std::int64_t created = k_created) {
  builder::PackOptions o;
  o.created = created;
  o.chunk_size = k_mib;
  return o;
}

std::string write(const builder::PackPlan& plan, const std::string& path, unsigned threads) {
  builder::WritePackOptions o;
  o.threads = threads;
  builder::write_pack(plan, path, k_created, o);
  return common::read_small_file(path, 64 * k_mib);
}

}  // namespace

TEST_CASE("pack: equal inputs give equal bytes, wherever the cache is and however many threads",
          "[builder][pack]") {
  sdcb_test::ScratchDir dir;
  const Inputs in;
  const auto files_a = in.cached_in(Cache(dir.file("cache-a")));
  const auto files_b = in.cached_in(Cache(dir.file("cache-b")));
  const builder::PackPlan a = builder::plan_pack(in.resolution, files_a, pack_options());
  const builder::PackPlan b = builder::plan_pack(in.resolution, files_b, pack_options());
  CHECK(a.index_bytes == b.index_bytes);
  // changelog.json, four manifests, three files (the shared one once).
  CHECK(a.index.members.size() == 8);
  REQUIRE(a.index.artifacts.size() == 4);
  CHECK(a.index.artifacts[3].file_member == a.index.artifacts[2].file_member);

  const std::string one = write(a, dir.file("a.sdc"), 1);
  const std::string two = write(b, dir.file("b.sdc"), 2);
  CHECK(one.size() > k_mib);
  CHECK(one == two);
  // Another build time is another bundle: the comparison above can fail.
  const builder::PackPlan later =
      builder::plan_pack(in.resolution, files_a, pack_options(k_created + 1));
  CHECK(write(later, dir.file("later.sdc"), 1) != one);
}

TEST_CASE("pack: a cached file damaged after planning fails with bundle_hash and is dropped",
          "[builder][pack]") {
  sdcb_test::ScratchDir dir;
  const Inputs in;
  const Cache cache(dir.file("cache"));
  const auto files = in.cached_in(cache);
  const builder::PackPlan plan = builder::plan_pack(in.resolution, files, pack_options());
  const manifest::ImageFile victim = file_of(in.bodies[1]);
  const std::string path = files.at(victim.sha1).path;
  SECTION("one byte flipped") { cache_test::flip_byte(path, 1000); }
  SECTION("cut short") { std::filesystem::resize_file(path, victim.size - 1); }
  SECTION("grown") { std::filesystem::resize_file(path, victim.size + 1); }

  std::filesystem::create_directories(dir.file("out"));
  std::string message;
  try {
    write(plan, dir.file("out/bundle.sdc"), 2);
    FAIL("a bundle was written from a damaged cache");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::bundle_hash);
    CHECK(e.details().path == path);  // the damaged file, kept through the added advice
    message = e.what();
  }
  INFO(message);
  CHECK(message.find("cached file " + path) != std::string::npos);
  CHECK(message.find("removed it from the cache; run the build again") != std::string::npos);
  CHECK(sdcb_test::dir_entries(dir.file("out")).empty());  // no bundle, no temp file
  // The damaged entry is gone (so the next build downloads it); the others stay.
  CHECK_FALSE(exists(path));
  CHECK_FALSE(exists(cache.sidecar_path(victim.sha1, k_mib)));
  CHECK(cache.probe(victim, k_mib) == builder::CacheState::miss);
  CHECK(cache.probe(file_of(in.bodies[0]), k_mib) == builder::CacheState::hit);
  CHECK(cache.probe(file_of(in.bodies[2]), k_mib) == builder::CacheState::hit);
}

TEST_CASE("pack: a changed input outside the cache is reported, never deleted",
          "[builder][pack]") {
  sdcb_test::ScratchDir dir;
  const Inputs in;
  std::map<std::string, CachedFile> files;
  for (std::size_t i = 0; i < in.bodies.size(); ++i) {
    const std::string path = dir.file("input-" + std::to_string(i));
    common::write_file_atomic(path, in.bodies[i]);
    files[file_of(in.bodies[i]).sha1] =
        CachedFile{path, in.bodies[i].size(), bundles::chunk_hashes_of(in.bodies[i], k_mib)};
  }
  const builder::PackPlan plan = builder::plan_pack(in.resolution, files, pack_options());
  cache_test::flip_byte(dir.file("input-0"), 5);
  try {
    write(plan, dir.file("bundle.sdc"), 1);
    FAIL("a bundle was written from a changed input");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::bundle_hash);
    CHECK(std::string(e.what()).find("rerun with --verify-cache") != std::string::npos);
  }
  CHECK(exists(dir.file("input-0")));
  CHECK_FALSE(exists(dir.file("bundle.sdc")));
}
