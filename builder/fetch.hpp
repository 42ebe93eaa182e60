#pragma once
// builder::fetch: brings every image file a bundle needs into the cache (builder/cache.hpp).
//
// Files already cached are used as they are (checked as CacheCheck says). The rest are
// downloaded by `concurrency` worker threads, each with its own imgapi::Client (a client is
// one libcurl handle and not thread-safe). The client verifies every transfer (size, SHA-1,
// Content-MD5) and restarts a failed one from byte 0 with backoff (IMGAPI has no Range);
// the SHA-256 chunk hashes the index needs are computed by the sink in the same pass, so
// no file is read twice. Files are downloaded largest first (shortest tail), each file
// once even when several images share it (same SHA-1).
//
// When a download fails for good, the other workers stop at their next block and the
// first failure is thrown; files that completed stay in the cache, so a rerun downloads
// only what is missing. Library code: reports through callbacks, never prints.

#include <builder/cache.hpp>

#include <common/http_client.hpp>
#include <imgapi/types.hpp>
#include <manifest/image_manifest.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace builder {

// One file to fetch: image `uuid`'s files[0].
struct FetchItem {
  std::string uuid;
  std::string label;  // "imgapi@master-2025..." for messages
  manifest::ImageFile file;
};

// Where each distinct file (by SHA-1) stands before fetching (see plan_fetch).
struct FetchPlanEntry {
  FetchItem item;
  CacheState state = CacheState::miss;
};

struct FetchOptions {
  std::string source_url;         // the updates server
  imgapi::ClientOptions client;   // timeouts, attempts, backoff (the channel is set to "*")
  unsigned concurrency = 4;       // parallel downloads, >= 1
  std::uint64_t chunk_size = 64u << 20;
  CacheCheck check = CacheCheck::cheap;
  // Bytes downloaded so far by all workers and the total to download; from any worker
  // thread (common::Progress::update is thread-safe). A restarted transfer makes `done`
  // go back; common::Progress ignores that.
  common::ProgressFn progress;
  // Polled between blocks; true stops every worker with Error(interrupted).
  std::function<bool()> cancelled;
};

struct FetchResult {
  std::map<std::string, CachedFile> by_sha1;  // every file of the items
  std::size_t downloaded = 0;                 // files fetched from the server
  std::size_t cached = 0;                     // files taken from the cache
  std::uint64_t downloaded_bytes = 0;
  std::uint64_t cached_bytes = 0;
};

// The distinct files of `items` (first item per SHA-1, in order) and what the cache has
// for them. Reads only; writes and removes nothing (for `build -n`).
std::vector<FetchPlanEntry> plan_fetch(const Cache& cache, const std::vector<FetchItem>& items,
                                       std::uint64_t chunk_size);

// Makes every file of `items` available in the cache (see above). Throws the first
// failure: common::Error from the client (integrity, network, not_found, ...) with the
// image named, Error(interrupted) when cancelled, Error(io / no_space) from the cache.
FetchResult fetch(const Cache& cache, const std::vector<FetchItem>& items,
                  const FetchOptions& options);

}  // namespace builder
