#include <builder/fetch.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

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
      : m_cache(cache), m_queue(std::move(queue)), m_options(options) {
    for (const auto& item : m_queue) m_total += item.file.size;
  }

  void run(FetchResult& result) {
    const unsigned workers = static_cast<unsigned>(
        std::min<std::size_t>(std::max(1u, m_options.concurrency), m_queue.size()));
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < workers; ++i) threads.emplace_back([this] { work(); });
    for (auto& t : threads) t.join();
    if (m_error) std::rethrow_exception(m_error);
    for (auto& [sha1, file] : m_done) {
      result.downloaded += 1;
      result.downloaded_bytes += file.size;
      result.by_sha1.emplace(sha1, std::move(file));
    }
  }

 private:
  void work() {
    try {
      imgapi::ClientOptions client_options = m_options.client;
      client_options.channel = "*";  // origins live outside the channel; any image by uuid
      imgapi::Client client(m_options.source_url, client_options);
      for (;;) {
        const std::size_t i = m_next.fetch_add(1);
        if (i >= m_queue.size() || m_stop.load()) return;
        download(client, m_queue[i]);
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

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
      client.get_image_file(item.uuid, item.file, sink);
      CachedFile file = writer.commit();
      common::log::debug("downloaded " + item.label + " into " + file.path,
                         {{"uuid", item.uuid}, {"size", item.file.size}});
      std::lock_guard<std::mutex> lock(m_mutex);
      m_done.emplace(item.file.sha1, std::move(file));
    } catch (const Error& e) {
      throw e.with_context("downloading image " + item.uuid + " (" + item.label + ")");
    }
  }

  bool cancelled() const { return m_options.cancelled && m_options.cancelled(); }

  void check_stop() {
    if (cancelled()) m_stop = true;
    if (m_stop.load()) throw Error(ExitCode::interrupted, "download stopped");
  }

  // Keeps the first failure. Workers stop only after it is recorded (or on a cancel, whose
  // own Error(interrupted) is then the first), so their "stopped" errors never win.
  void fail(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_error) m_error = error;
    m_stop = true;
  }

  const Cache& m_cache;
  std::vector<FetchItem> m_queue;
  const FetchOptions& m_options;
  std::uint64_t m_total = 0;
  std::atomic<std::size_t> m_next{0};
  std::atomic<std::uint64_t> m_bytes{0};
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::exception_ptr m_error;
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
