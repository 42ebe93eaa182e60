// builder::fetch against an in-process IMGAPI (tests/unit/imgapi/fake_server.hpp) that
// counts its requests: downloads run in parallel up to --concurrency, a rerun downloads only
// what the cache lacks, and a server that lies about a file leaves nothing in the cache.
#include "cache_support.hpp"

#include <builder/fetch.hpp>

#include <bundles/writer.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <tests/unit/imgapi/fake_server.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using builder::Cache;
using builder::FetchItem;
using cache_test::payload;
using cache_test::file_of;
using cache_test::files_below;
using cache_test::k_chunk;
using common::ExitCode;

namespace {

// Serves GET /images/<uuid>/file for a set of images, counting requests per uuid and the
// most requests in flight at once (each reply waits `delay` first, so overlaps show).
class FileServer {
 public:
  explicit FileServer(std::map<std::string, std::string> bodies,
                      std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : m_bodies(std::move(bodies)),
        m_server([this, delay](httplib::Server& s) {
          s.Get(R"(/images/([0-9a-f-]+)/file)", [this, delay](const httplib::Request& req,
                                                              httplib::Response& res) {
            const std::string uuid = req.matches[1];
            enter(uuid);
            std::this_thread::sleep_for(delay);
            --m_in_flight;
            const auto it = m_bodies.find(uuid);
            if (it == m_bodies.end()) {
              imgapi_test::reply_error(res, 404, "ResourceNotFound", "no image " + uuid);
              return;
            }
            imgapi_test::serve_file(res, it->second);
          });
        }) {}

  std::string url() const { return m_server.url(); }
  int requests(const std::string& uuid) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto it = m_requests.find(uuid);
    return it == m_requests.end() ? 0 : it->second;
  }
  int total_requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    int n = 0;
    for (const auto& [uuid, count] : m_requests) n += count;
    return n;
  }
  int most_in_flight() const { return m_most; }

 private:
  void enter(const std::string& uuid) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_requests[uuid] += 1;
    m_most = std::max(m_most.load(), ++m_in_flight);
  }

  std::map<std::string, std::string> m_bodies;
  mutable std::mutex m_mutex;
  std::map<std::string, int> m_requests;
  std::atomic<int> m_in_flight{0};
  std::atomic<int> m_most{0};
  imgapi_test::FakeServer m_server;  // last: stopped first, while the rest still lives
};

struct Catalog {
  std::map<std::string, std::string> bodies;  // uuid -> file
  std::vector<FetchItem> items;
};

Catalog catalog(int count, std::size_t size = 5000) {
  Catalog c;
  for (int i = 1; i <= count; ++i) {
    const std::string uuid = imgapi_test::uuid_n(i);
    c.bodies[uuid] = payload(size + static_cast<std::size_t>(i), static_cast<unsigned>(i));
    c.items.push_back({uuid, "image" + std::to_string(i) + "@1.0", file_of(c.bodies[uuid])});
  }
  return c;
}

builder::FetchOptions options(const std::string& url, unsigned concurrency = 4) {
  builder::FetchOptions o;
  o.source_url = url;
  o.client = imgapi_test::fast_options();
  o.concurrency = concurrency;
  o.chunk_size = k_chunk;
  return o;
}

ExitCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

}  // namespace

TEST_CASE("fetch: parallel downloads land in the cache with their chunk hashes",
          "[builder][fetch]") {
  const Catalog c = catalog(8);
  FileServer server(c.bodies, std::chrono::milliseconds(150));
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  std::mutex progress_mutex;
  std::uint64_t last_done = 0, last_total = 0;
  builder::FetchOptions o = options(server.url(), 4);
  o.progress = [&](std::uint64_t done, std::uint64_t total) {
    std::lock_guard<std::mutex> lock(progress_mutex);
    last_done = std::max(last_done, done);
    last_total = total;
  };

  const builder::FetchResult r = builder::fetch(cache, c.items, o);
  CHECK(r.downloaded == 8);
  CHECK(r.cached == 0);
  std::uint64_t bytes = 0;
  for (const auto& item : c.items) {
    bytes += item.file.size;
    const auto& got = r.by_sha1.at(item.file.sha1);
    CHECK(common::read_small_file(got.path, 1u << 20) == c.bodies.at(item.uuid));
    CHECK(got.sha256 == bundles::chunk_hashes_of(c.bodies.at(item.uuid), k_chunk));
    CHECK(server.requests(item.uuid) == 1);
  }
  CHECK(r.downloaded_bytes == bytes);
  CHECK(last_done == bytes);
  CHECK(last_total == bytes);
  // Four workers, each waiting 150 ms per file: their requests overlap, never more than 4.
  CHECK(server.most_in_flight() >= 2);
  CHECK(server.most_in_flight() <= 4);
  CHECK(files_below(cache.root()).size() == 16);  // 8 files, 8 sidecars, no temp files
}

TEST_CASE("fetch: --concurrency 1 downloads one file at a time", "[builder][fetch]") {
  const Catalog c = catalog(4);
  FileServer server(c.bodies, std::chrono::milliseconds(30));
  sdcb_test::ScratchDir dir;
  const builder::FetchResult r =
      builder::fetch(Cache(dir.file("cache")), c.items, options(server.url(), 1));
  CHECK(r.downloaded == 4);
  CHECK(server.most_in_flight() == 1);
}

TEST_CASE("fetch: a rerun downloads only what the cache lacks", "[builder][fetch]") {
  Catalog c = catalog(6);
  // Two images with the same file: downloaded once, under the first one's uuid.
  c.items.push_back({imgapi_test::uuid_n(7), "twin@1.0", c.items[0].file});
  FileServer server(c.bodies);
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));

  // A build that finished two files, then died mid-download (its temp file stays behind).
  const std::vector<FetchItem> first(c.items.begin() + 1, c.items.begin() + 3);
  CHECK(builder::fetch(cache, first, options(server.url())).downloaded == 2);
  const std::string partial =
      cache.file_path(c.items[4].file.sha1) + ".tmp.999999999.0";
  std::filesystem::create_directories(std::filesystem::path(partial).parent_path());
  common::write_file_atomic(partial, "partial");

  const builder::FetchResult r = builder::fetch(cache, c.items, options(server.url()));
  CHECK(r.cached == 2);
  CHECK(r.downloaded == 4);
  CHECK(r.by_sha1.size() == 6);
  for (int i = 1; i <= 6; ++i) CHECK(server.requests(imgapi_test::uuid_n(i)) == 1);
  CHECK(server.requests(imgapi_test::uuid_n(7)) == 0);
  CHECK_FALSE(std::filesystem::exists(partial));
  // Only what this run downloaded counts as hashed as written (the writer skips hashing it again).
  std::size_t fresh = 0;
  for (const auto& [sha1, file] : r.by_sha1) fresh += file.fresh;
  CHECK(fresh == 4);

  // Everything cached: no request at all.
  const int before = server.total_requests();
  const builder::FetchResult again = builder::fetch(cache, c.items, options(server.url()));
  CHECK(again.cached == 6);
  CHECK(again.downloaded == 0);
  CHECK(server.total_requests() == before);
  for (const auto& [sha1, file] : again.by_sha1) CHECK_FALSE(file.fresh);
}

TEST_CASE("fetch: a server that lies about a file leaves nothing in the cache",
          "[builder][fetch]") {
  const Catalog c = catalog(1);
  const FetchItem& item = c.items[0];
  const std::string& body = c.bodies.at(item.uuid);
  std::string lie;
  SECTION("other bytes of the same size (wrong SHA-1)") {
    lie = body;
    lie[100] = static_cast<char>(lie[100] ^ 1);
  }
  SECTION("more bytes (wrong size)") { lie = body + "x"; }
  SECTION("fewer bytes (wrong size)") { lie = body.substr(0, body.size() - 1); }
  FileServer server(std::map<std::string, std::string>{{item.uuid, lie}});
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  CHECK(code_of([&] { builder::fetch(cache, c.items, options(server.url())); }) ==
        ExitCode::integrity);
  CHECK(server.requests(item.uuid) == imgapi_test::fast_options().file_attempts);
  CHECK(files_below(cache.root()).empty());
  CHECK(cache.probe(item.file, k_chunk) == builder::CacheState::miss);
}

TEST_CASE("fetch: a failure stops the run; finished files stay for the next one",
          "[builder][fetch]") {
  const Catalog c = catalog(3);
  std::map<std::string, std::string> bodies = c.bodies;
  bodies.erase(c.items[0].uuid);  // 404 for the first image
  FileServer server(bodies);
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  std::string message;
  try {
    builder::fetch(cache, c.items, options(server.url(), 1));
    FAIL("fetch of a missing image succeeded");
  } catch (const common::Error& e) {
    CHECK(e.code() == ExitCode::not_found);
    message = e.what();
  }
  CHECK(message.find("downloading image " + c.items[0].uuid + " (image1@1.0)") !=
        std::string::npos);
  CHECK(cache.probe(c.items[0].file, k_chunk) == builder::CacheState::miss);
  // One worker, largest first: image3 and image2 were fetched before image1 failed.
  CHECK(cache.probe(c.items[1].file, k_chunk) == builder::CacheState::hit);
  CHECK(cache.probe(c.items[2].file, k_chunk) == builder::CacheState::hit);
}

TEST_CASE("fetch: plan_fetch reports what the cache has and changes nothing",
          "[builder][fetch]") {
  const Catalog c = catalog(3);
  sdcb_test::ScratchDir dir;
  const Cache cache(dir.file("cache"));
  cache_test::store(cache, c.bodies.at(c.items[1].uuid));
  cache_test::store(cache, c.bodies.at(c.items[2].uuid), 2 * k_chunk);
  std::vector<FetchItem> items = c.items;
  items.push_back(c.items[0]);  // listed twice: planned once
  const auto before = files_below(cache.root());
  const auto plan = builder::plan_fetch(cache, items, k_chunk);
  REQUIRE(plan.size() == 3);
  CHECK(plan[0].state == builder::CacheState::miss);
  CHECK(plan[1].state == builder::CacheState::hit);
  CHECK(plan[2].state == builder::CacheState::needs_hash);
  CHECK(files_below(cache.root()) == before);
}
