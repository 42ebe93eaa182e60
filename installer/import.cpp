#include <installer/import.hpp>

#include <installer/import_image.hpp>

#include <common/error.hpp>
#include <common/fork_join.hpp>
#include <common/stop_signal.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// Hands out images whose origin is in, in list order; stops handing out after a failure.
class Scheduler {
 public:
  explicit Scheduler(const std::vector<ImportItem>& items)
      : m_items(items), m_state(items.size(), State::pending) {}

  std::optional<std::size_t> next() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      if (m_failed) return std::nullopt;
      bool pending = false;
      for (std::size_t i = 0; i < m_items.size(); ++i) {
        if (m_state[i] != State::pending) continue;
        pending = true;
        const auto& origin = m_items[i].origin;
        if (!origin || m_state[*origin] == State::done) {
          m_state[i] = State::running;
          return i;
        }
      }
      if (!pending) return std::nullopt;
      m_cv.wait(lock);  // an origin is still being imported by another worker
    }
  }

  void done(std::size_t i) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_state[i] = State::done;
    m_cv.notify_all();
  }

  // A worker failed (its error goes to the fork-join, which keeps the first one).
  void failed() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_failed = true;
    m_cv.notify_all();
  }

 private:
  enum class State { pending, running, done };
  const std::vector<ImportItem>& m_items;
  std::vector<State> m_state;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_failed = false;
};

// Bytes in IMGAPI so far, summed over the workers.
class ProgressTotal {
 public:
  ProgressTotal(const ImportOptions& options, std::uint64_t total) : m_options(options), m_total(total) {}
  void add_done(std::uint64_t bytes) { report(m_finished += bytes); }
  // One worker's current upload moved to `done` bytes.
  void upload(std::atomic<std::uint64_t>& slot, std::uint64_t done) {
    slot = done;
    report(m_finished.load());
  }
  void register_slot(std::atomic<std::uint64_t>* slot) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_slots.push_back(slot);
  }

 private:
  void report(std::uint64_t finished) {
    if (!m_options.progress) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    std::uint64_t sum = finished;
    for (const auto* s : m_slots) sum += s->load();
    m_options.progress(std::min(sum, m_total), m_total);
  }
  const ImportOptions& m_options;
  std::uint64_t m_total;
  std::atomic<std::uint64_t> m_finished{0};
  std::mutex m_mutex;
  std::vector<const std::atomic<std::uint64_t>*> m_slots;
};

}  // namespace

const char* to_string(ImportOutcome outcome) {
  switch (outcome) {
    case ImportOutcome::imported: return "imported";
    case ImportOutcome::reimported: return "reimported";
    case ImportOutcome::already_active: return "already-active";
  }
  return "?";
}

void ping_imgapi(const std::string& imgapi_url, const imgapi::ClientOptions& client_options) {
  try {
    imgapi::Client client(imgapi_url, client_options);
    client.ping();
  } catch (const Error& e) {
    if (e.code() != ExitCode::network && e.code() != ExitCode::remote_error) throw;
    throw Error(e.code(), "the DC IMGAPI at " + imgapi_url + " does not answer (" + e.what() +
                              "); nothing was imported. Check that the imgapi0 zone runs "
                              "(sdcadm check-health) or give --imgapi URL");
  }
}

ImportReport import_images(const std::string& imgapi_url, const std::vector<ImportItem>& items,
                           const ImportOptions& options) {
  ImportReport report;
  report.images.resize(items.size());
  if (items.empty()) return report;
  ping_imgapi(imgapi_url, options.client);
  // A run killed while it imported (stream_import.hpp imports a chain before activating it)
  // leaves unactivated images; they go first, children before origins.
  std::set<std::string> uuids;
  for (const auto& item : items) uuids.insert(item.image.uuid);
  const std::set<std::string> leftovers = remove_unactivated_leftovers(imgapi_url, options.client, uuids);
  Scheduler scheduler(items);
  ProgressTotal progress(options, import_bytes(items));
  const unsigned workers = std::max(1u, std::min<unsigned>(options.concurrency, items.size()));
  std::vector<std::unique_ptr<std::atomic<std::uint64_t>>> slots;
  for (unsigned w = 0; w < workers; ++w) {
    slots.push_back(std::make_unique<std::atomic<std::uint64_t>>(0));
    progress.register_slot(slots.back().get());
  }
  const auto import_one = [&](std::size_t i, unsigned w) {
    try {
      common::throw_if_stopped("while importing");  // no new image starts after a stop signal
      auto& slot = *slots[w];
      report.images[i] = import_with_retries(imgapi_url, items[i], options, ImageImportSteps{},
                                             [&](std::uint64_t done) { progress.upload(slot, done); });
      slot = 0;
      progress.add_done(items[i].file.size);
      common::log::info(std::string(to_string(report.images[i].outcome)) + " " + what_of(items[i]));
      scheduler.done(i);
    } catch (const Error&) {
      scheduler.failed();  // wakes the workers waiting for an origin
      throw;
    } catch (const std::exception& e) {
      scheduler.failed();
      throw Error(ExitCode::internal, std::string("import worker: ") + e.what());
    }
  };
  common::ForkJoin(workers).run([&] { return scheduler.next(); }, import_one);
  for (auto& image : report.images) {
    if (image.outcome != ImportOutcome::already_active) report.bytes_uploaded += image.size;
    if (image.outcome == ImportOutcome::imported && leftovers.count(image.uuid)) image.outcome = ImportOutcome::reimported;
  }
  return report;
}

}  // namespace installer
