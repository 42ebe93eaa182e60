#include <installer/import.hpp>

#include <installer/staged_check.hpp>

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
#include <thread>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

std::string what_of(const ImportItem& item) {
  return "image " + item.image.uuid + " (" + item.image.name + "@" + item.image.version + ")";
}

bool retryable(ExitCode code) { return code == ExitCode::network || code == ExitCode::remote_error; }

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

// What the DC IMGAPI has under this uuid decides what to do.
std::optional<ImportOutcome> existing_state(imgapi::Client& client, const ImportItem& item) {
  const auto existing = client.find_image(item.image.uuid);
  if (!existing) return std::nullopt;
  const std::string state = existing->state();
  if (state == "active" || state == "disabled") {
    const auto file = existing->file();
    if (file && file->sha1 == item.file.sha1 && file->size == item.file.size) {
      return ImportOutcome::already_active;
    }
    throw Error(ExitCode::conflict,
                what_of(item) + " is already in the DC IMGAPI (state " + state + ") with " +
                    (file ? "another file (SHA-1 " + file->sha1 + ")" : std::string("no file")) +
                    ", while the bundle's file has SHA-1 " + item.file.sha1 +
                    "; find out where it came from (sdc-imgadm get " + item.image.uuid + ")");
  }
  common::log::info("removing " + what_of(item) + ", left " + state + " by an interrupted import");
  client.delete_image(item.image.uuid);
  return ImportOutcome::reimported;
}

void require_external_origin(imgapi::Client& client, const ImportItem& item) {
  if (!item.external_origin) return;
  const auto origin = client.find_image(*item.external_origin);
  if (!origin || origin->state() != "active") {
    throw Error(ExitCode::not_found,
                "its origin " + *item.external_origin + " is neither in the bundle nor active in "
                "the DC IMGAPI; the bundle was trimmed for another state of this DC: build one "
                "from a fresh `sdcadm-install inventory`");
  }
}

// Deletes the half-made image on a fresh connection: after a failed upload the old one
// may still carry unsent body bytes the server would read as the next request.
void remove_half_made(const std::string& url, const imgapi::ClientOptions& options,
                      const ImportItem& item) {
  try {
    imgapi::Client fresh(url, options);
    fresh.delete_image(item.image.uuid);
  } catch (const std::exception& e) {
    common::log::warn("could not remove the half-imported " + what_of(item) + " (" + e.what() +
                      "); the next run removes it");
  }
}

// One attempt on a new connection: returns the outcome, or throws with the half-made
// image removed.
ImportOutcome import_once(const std::string& url, const imgapi::ClientOptions& options,
                          const ImportItem& item, const std::function<void(std::uint64_t)>& progress) {
  imgapi::Client client(url, options);
  const auto before = existing_state(client, item);
  if (before == ImportOutcome::already_active) return *before;
  // The staged file against the signed index, right before its bytes go out (staged_check.hpp);
  // IMGAPI then checks the upload against the signed SHA-1 we send, which covers a change
  // after this read.
  check_staged_file(item.signed_file, item.image, item.file.sha1);
  require_external_origin(client, item);
  const auto result = client.import_image(item.manifest, imgapi::OwnerCheck::skip);
  if (result.outcome == imgapi::ImportResult::Outcome::already_exists) {
    throw Error(ExitCode::conflict, "appeared in the DC IMGAPI while it was being imported (" +
                                        result.server_message + "); is another import running?");
  }
  try {
    imgapi::UploadOptions upload;
    upload.compression = item.file.compression;
    upload.sha1 = item.file.sha1;
    upload.progress = [&](std::uint64_t done, std::uint64_t) {
      // A safe point (interrupt.hpp): the upload is cut and the image removed below.
      if (common::stop_count() > 0) common::throw_if_stopped("while importing; the half-imported image was removed");
      progress(done);
    };
    client.add_image_file_from_path(item.image.uuid, item.image.file_path, upload);
    const auto active = client.activate_image(item.image.uuid);
    if (active.published_at() != item.manifest.published_at()) {
      common::log::warn(what_of(item) + ": IMGAPI changed published_at from " +
                        item.manifest.published_at() + " to " + active.published_at());
    }
  } catch (...) {
    remove_half_made(url, options, item);
    throw;
  }
  return before.value_or(ImportOutcome::imported);
}

ImportedImage import_with_retries(const std::string& url, const ImportItem& item,
                                  const ImportOptions& options,
                                  const std::function<void(std::uint64_t)>& progress) {
  ImportedImage out{item.image.uuid, item.image.name, item.image.version,
                    ImportOutcome::imported, item.file.size, 0};
  auto pause = options.backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      out.outcome = import_once(url, options.client, item, progress);
      out.attempts = out.outcome == ImportOutcome::already_active ? 0 : attempt;
      return out;
    } catch (const Error& e) {
      if (!retryable(e.code()) || attempt >= options.attempts) throw e.with_context("importing " + what_of(item));
      common::log::warn("importing " + what_of(item) + " failed (" + e.what() + "); attempt " +
                        std::to_string(attempt + 1) + " of " + std::to_string(options.attempts) +
                        " in " + std::to_string(pause.count()) + " ms");
      progress(0);
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
  }
}

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
      report.images[i] = import_with_retries(imgapi_url, items[i], options,
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
  for (const auto& image : report.images) {
    if (image.outcome != ImportOutcome::already_active) report.bytes_uploaded += image.size;
  }
  return report;
}

}  // namespace installer
