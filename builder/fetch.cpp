#include <builder/fetch.hpp>

#include <common/error.hpp>
#include <common/fork_join.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

namespace builder {

using common::Error;
using common::ExitCode;

namespace {

// The distinct files, first item per SHA-1.
std::vector<FetchItem> distinct(const std::vector<FetchItem>& items) {
  std::vector<FetchItem> out;
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (seen.insert(item.file.sha1).second) out.push_back(item);
  }
  return out;
}

// State shared by the download workers.
class Downloads {
 public:
  Downloads(const Cache& cache, std::vector<FetchItem> queue, const FetchOptions& options)
      : m_cache(cache), m_queue(std::move(queue)), m_options(options),
        m_workers(std::max(1u, options.concurrency)) {
    for (const auto& item : m_queue) m_total += item.file.size;
  }

  void run(FetchResult& result) {
    // One client (one connection) per worker, made when the worker takes its first file.
    std::vector<std::unique_ptr<imgapi::Client>> clients(m_workers.workers());
    m_workers.run(m_queue.size(), [&](std::size_t i, unsigned worker) {
      if (!clients[worker]) {
        imgapi::ClientOptions client_options = m_options.client;
        client_options.channel = "*";  // origins live outside the channel; any image by uuid
        clients[worker] = std::make_unique<imgapi::Client>(m_options.source_url, client_options);
      }
      download(*clients[worker], m_queue[i]);
    });
    for (auto& [sha1, file] : m_done) {
      result.downloaded += 1;
      result.downloaded_bytes += file.size;
      result.by_sha1.emplace(sha1, std::move(file));
    }
  }

 private:
  void download(imgapi::Client& client, const FetchItem& item) {
    CacheWriter writer(m_cache, item.file, m_options.chunk_size);
    std::uint64_t mine = 0;  // bytes of this attempt, counted in m_bytes
    imgapi::FileSink sink;
    sink.restart = [&] {
      writer.restart();
      m_bytes.fetch_sub(mine);
      mine = 0;
    };
    sink.write = [&](const char* data, std::size_t size) {
      check_stop();
      writer.write(data, size);
      mine += size;
      const std::uint64_t done = m_bytes.fetch_add(size) + size;
      if (m_options.progress) m_options.progress(done, m_total);
    };
    try {
      // SHA-1 against the manifest, not Content-MD5 as well: the same bytes, a stronger hash,
      // and MD5 was a fifth of a build's CPU (bench/README.md).
      imgapi::DownloadOptions download;
      download.check_content_md5 = false;
      client.get_image_file(item.uuid, item.file, sink, download);
      CachedFile file = writer.commit();
      file.fresh = true;
      common::log::debug("downloaded " + item.label + " into " + file.path,
                         {{"uuid", item.uuid}, {"size", item.file.size}});
      std::lock_guard<std::mutex> lock(m_mutex);
      m_done.emplace(item.file.sha1, std::move(file));
    } catch (const Error& e) {
      throw e.with_context("downloading image " + item.uuid + " (" + item.label + ")");
    }
  }

  bool cancelled() const { return m_options.cancelled && m_options.cancelled(); }

  // Another worker's failure (or a cancel, whose own Error(interrupted) is then the first)
  // stops this download too; the fork-join keeps the first error, so "stopped" never wins.
  void check_stop() {
    if (cancelled() || m_workers.failed()) throw Error(ExitCode::interrupted, "download stopped");
  }

  const Cache& m_cache;
  std::vector<FetchItem> m_queue;
  const FetchOptions& m_options;
  common::ForkJoin m_workers;
  std::uint64_t m_total = 0;
  std::atomic<std::uint64_t> m_bytes{0};
  std::mutex m_mutex;
  std::map<std::string, CachedFile> m_done;
};

}  // namespace

std::vector<FetchPlanEntry> plan_fetch(const Cache& cache, const std::vector<FetchItem>& items,
                                       std::uint64_t chunk_size) {
  std::vector<FetchPlanEntry> out;
  for (auto& item : distinct(items)) {
    const CacheState state = cache.probe(item.file, chunk_size);
    out.push_back({std::move(item), state});
  }
  return out;
}

FetchResult fetch(const Cache& cache, const std::vector<FetchItem>& items,
                  const FetchOptions& options) {
  const std::size_t stale = cache.remove_stale_temps();
  if (stale > 0) {
    common::log::info("removed " + std::to_string(stale) +
                      " partial download(s) an interrupted build left in the cache");
  }
  FetchResult result;
  std::vector<FetchItem> missing;
  for (const auto& item : distinct(items)) {
    if (auto file = cache.find(item.file, options.chunk_size, options.check)) {
      result.cached += 1;
      result.cached_bytes += file->size;
      result.by_sha1.emplace(item.file.sha1, std::move(*file));
    } else {
      missing.push_back(item);
    }
  }
  // Largest first: the longest transfer starts at once instead of ending the run alone.
  std::stable_sort(missing.begin(), missing.end(), [](const FetchItem& a, const FetchItem& b) {
    return a.file.size > b.file.size;
  });
  if (!missing.empty()) Downloads(cache, std::move(missing), options).run(result);
  return result;
}

}  // namespace builder
