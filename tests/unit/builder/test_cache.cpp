// builder::Cache: entries found by SHA-1 with their chunk hashes, sidecars that do not fit
// are rebuilt, damaged entries are dropped, leftovers of dead builds are cleaned up, and two
// Cache objects over one root see the same entries.
#include "cache_support.hpp"

#include <bundles/writer.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using builder::Cache;
using builder::CacheCheck;
using builder::CacheState;
using cache_test::payload;
using cache_test::exists;
using cache_test::file_of;
using cache_test::files_below;
using cache_test::k_chunk;
using cache_test::store;

namespace {

std::string sidecar_text(const Cache& cache, const manifest::ImageFile& file,
                         std::uint64_t chunk_size = k_chunk) {
  return common::read_small_file(cache.sidecar_path(file.sha1, chunk_size), 1u << 20);
}

// A pid that belonged to a process which has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return pid;
}

// One file stored in a fresh cache.
struct OneEntry {
  explicit OneEntry(std::size_t size, unsigned seed)
      : cache(dir.file("cache")), bytes(payload(size, seed)), file(file_of(bytes)),
        stored(store(cache, bytes)) {}
  sdcb_test::ScratchDir dir;
  Cache cache;
  std::string bytes;
  manifest::ImageFile file;
  builder::CachedFile stored;
};

}  // namespace

TEST_CASE("cache: a stored entry is found by SHA-1 with its chunk hashes", "[builder][cache]") {
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  const std::string bytes = payload(3000, 1);
  const manifest::ImageFile file = file_of(bytes);
  CHECK(cache.probe(file, k_chunk) == CacheState::miss);
  CHECK_FALSE(cache.find(file, k_chunk, CacheCheck::cheap));

  const builder::CachedFile stored = store(cache, bytes);
  const auto expected = bundles::chunk_hashes_of(bytes, k_chunk);
  REQUIRE(expected.size() == 3);
  CHECK(stored.path == dir.file("cache") + "/files/" + file.sha1.substr(0, 2) + "/" + file.sha1);
  CHECK(stored.sha256 == expected);
  CHECK(common::read_small_file(stored.path, 1u << 20) == bytes);
  CHECK(cache.probe(file, k_chunk) == CacheState::hit);
  // Another chunk size has no sidecar yet: the file would be hashed once.
  CHECK(cache.probe(file, 2048) == CacheState::needs_hash);

  for (const CacheCheck check : {CacheCheck::cheap, CacheCheck::rehash}) {
    const auto found = cache.find(file, k_chunk, check);
    REQUIRE(found);
    CHECK(found->path == stored.path);
    CHECK(found->size == bytes.size());
    CHECK(found->sha256 == expected);
  }
  // Another file of the same size is not this one.
  CHECK(cache.probe(file_of(payload(3000, 2)), k_chunk) == CacheState::miss);
  CHECK(files_below(cache.root()) ==
        std::vector<std::string>{"files/" + file.sha1.substr(0, 2) + "/" + file.sha1,
                                 "files/" + file.sha1.substr(0, 2) + "/" + file.sha1 +
                                     ".chunks-1024"});
}

TEST_CASE("cache: a sidecar that does not fit the file is rebuilt by hashing the file",
          "[builder][cache]") {
  const OneEntry e(2500, 3);
  const Cache& cache = e.cache;
  const manifest::ImageFile& file = e.file;
  const std::string good = sidecar_text(cache, file);
  const auto expected = bundles::chunk_hashes_of(e.bytes, k_chunk);

  SECTION("the sidecar of another file") {
    const std::string other = payload(2500, 4);
    store(cache, other);
    common::write_file_atomic(cache.sidecar_path(file.sha1, k_chunk),
                              sidecar_text(cache, file_of(other)));
  }
  SECTION("one hash line too few") {
    common::write_file_atomic(cache.sidecar_path(file.sha1, k_chunk),
                              good.substr(0, good.size() - 65));
  }
  SECTION("a hash that is not hex") {
    std::string bad = good;
    bad[bad.size() - 2] = 'X';
    common::write_file_atomic(cache.sidecar_path(file.sha1, k_chunk), bad);
  }
  SECTION("a header for another chunk size") {
    const std::string header_2048 = "sdcadm-bundle-chunks 1 " + file.sha1 + " 2500 2048\n";
    std::string bad = good;
    bad.replace(0, bad.find('\n') + 1, header_2048);
    common::write_file_atomic(cache.sidecar_path(file.sha1, k_chunk), bad);
  }
  CHECK(cache.probe(file, k_chunk) == CacheState::needs_hash);
  const auto found = cache.find(file, k_chunk, CacheCheck::cheap);
  REQUIRE(found);
  CHECK(found->sha256 == expected);
  CHECK(sidecar_text(cache, file) == good);
  CHECK(cache.probe(file, k_chunk) == CacheState::hit);
}

TEST_CASE("cache: a file of the wrong size is removed with its sidecar", "[builder][cache]") {
  const OneEntry e(3000, 5);
  std::filesystem::resize_file(e.stored.path, 2999);

  CHECK(e.cache.probe(e.file, k_chunk) == CacheState::miss);
  CHECK(exists(e.stored.path));  // probe only looks
  CHECK_FALSE(e.cache.find(e.file, k_chunk, CacheCheck::cheap));
  CHECK_FALSE(exists(e.stored.path));
  CHECK_FALSE(exists(e.cache.sidecar_path(e.file.sha1, k_chunk)));
  CHECK(files_below(e.cache.root()).empty());
}

TEST_CASE("cache: --verify-cache (rehash) catches a flipped byte the cheap check trusts",
          "[builder][cache]") {
  const OneEntry e(3000, 6);
  cache_test::flip_byte(e.stored.path, 1500);

  // Same size, agreeing sidecar: trusted without reading (the packer's chunk check is the
  // safety net for this case, see test_pack.cpp).
  CHECK(e.cache.find(e.file, k_chunk, CacheCheck::cheap));
  CHECK_FALSE(e.cache.find(e.file, k_chunk, CacheCheck::rehash));
  CHECK_FALSE(exists(e.stored.path));
  CHECK(files_below(e.cache.root()).empty());
}

TEST_CASE("cache: temp files of dead builds are removed, those of live ones kept",
          "[builder][cache]") {
  const OneEntry e(100, 7);
  const Cache& cache = e.cache;
  const builder::CachedFile& stored = e.stored;
  const std::string dead = stored.path + ".tmp." + std::to_string(dead_pid()) + ".0";
  const std::string dead_sidecar = stored.path + ".chunks-1024.tmp." + std::to_string(dead_pid()) + ".3";
  const std::string mine = stored.path + ".tmp." + std::to_string(::getpid()) + ".0";
  const std::string parent = stored.path + ".tmp." + std::to_string(::getppid()) + ".0";
  for (const auto& path : {dead, dead_sidecar, mine, parent}) common::write_file_atomic(path, "partial");

  CHECK(cache.remove_stale_temps() == 2);
  CHECK_FALSE(exists(dead));
  CHECK_FALSE(exists(dead_sidecar));
  CHECK(exists(mine));
  CHECK(exists(parent));
  CHECK(exists(stored.path));
  CHECK(cache.remove_stale_temps() == 0);
}

TEST_CASE("cache: a download that is not committed leaves nothing", "[builder][cache]") {
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  const std::string bytes = payload(3000, 8);
  {
    builder::CacheWriter writer(cache, file_of(bytes), k_chunk);
    writer.write(bytes.data(), 1000);
    CHECK(files_below(cache.root()).size() == 1);  // the temp file
    writer.restart();
    writer.write(bytes.data(), 10);
  }
  CHECK(files_below(cache.root()).empty());
  // A commit with the wrong byte count is a bug in the caller, and stores nothing.
  builder::CacheWriter short_writer(cache, file_of(bytes), k_chunk);
  short_writer.write(bytes.data(), 2999);
  try {
    short_writer.commit();
    FAIL("commit of 2999 of 3000 bytes succeeded");
  } catch (const common::Error& e) {
    CHECK(e.code() == common::ExitCode::internal);
  }
  CHECK(cache.probe(file_of(bytes), k_chunk) == CacheState::miss);
}

TEST_CASE("cache: two caches over one root share entries; parallel stores of one file agree",
          "[builder][cache]") {
  sdcb_test::ScratchDir dir;
  const Cache a(dir.file("shared"));
  const Cache b(dir.file("shared") + "//");
  CHECK(b.root() == a.root());
  const std::string bytes = payload(5000, 9);
  const manifest::ImageFile file = file_of(bytes);
  CHECK(a.file_path(file.sha1) == b.file_path(file.sha1));

  // Two builds download the same file at once: each renames a complete copy into place.
  std::vector<std::thread> builds;
  std::vector<builder::CachedFile> stored(4);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    builds.emplace_back([&, i] { stored[i] = store(i % 2 ? a : b, bytes); });
  }
  for (auto& t : builds) t.join();
  for (const auto& s : stored) CHECK(s.path == a.file_path(file.sha1));
  CHECK(files_below(a.root()).size() == 2);  // the file and one sidecar, no temp files
  const auto seen_by_a = a.find(file, k_chunk, CacheCheck::rehash);
  const auto seen_by_b = b.find(file, k_chunk, CacheCheck::cheap);
  REQUIRE(seen_by_a);
  REQUIRE(seen_by_b);
  CHECK(seen_by_a->sha256 == seen_by_b->sha256);

  b.remove(file.sha1);
  CHECK(a.probe(file, k_chunk) == CacheState::miss);
  CHECK(files_below(a.root()).empty());
}

TEST_CASE("cache: remove_cached_file deletes only cache entries", "[builder][cache]") {
  const OneEntry e(2000, 10);
  const sdcb_test::ScratchDir& dir = e.dir;
  const Cache& cache = e.cache;
  const std::string& bytes = e.bytes;
  const builder::CachedFile& stored = e.stored;
  store(cache, bytes, 512);  // a second sidecar
  const std::string live_temp = stored.path + ".chunks-64.tmp." + std::to_string(::getpid()) + ".9";
  common::write_file_atomic(live_temp, "being written");
  const std::string other = store(cache, payload(2000, 11)).path;

  const std::string outside = dir.file(file_of(bytes).sha1);
  common::write_file_atomic(outside, bytes);
  CHECK_FALSE(builder::remove_cached_file(outside));
  CHECK_FALSE(builder::remove_cached_file(dir.file("files/ab/not-a-sha1")));
  CHECK(exists(outside));

  CHECK(builder::remove_cached_file(stored.path));
  CHECK_FALSE(exists(stored.path));
  CHECK_FALSE(exists(cache.sidecar_path(file_of(bytes).sha1, k_chunk)));
  CHECK_FALSE(exists(cache.sidecar_path(file_of(bytes).sha1, 512)));
  CHECK(exists(live_temp));  // a running build's temp file is left to it
  CHECK(exists(other));
  CHECK(builder::remove_cached_file(stored.path));  // already gone: fine
}
