#include <installer/stream_import.hpp>

#include <installer/import_image.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <set>

namespace installer {

using common::Error;
using common::ExitCode;

StreamImport::StreamImport(std::string imgapi_url, ImportOptions options)
    : m_url(std::move(imgapi_url)), m_options(std::move(options)) {}

StreamImport::~StreamImport() {
  if (!m_finished) abandon();
}

void StreamImport::pass_starts(const StagePlan& plan, const std::vector<const StagedImage*>& streamed) {
  for (const auto& image : plan.images) {
    if (image.role != "platform") m_bundle_images.insert(image.uuid);
  }
  for (const StagedImage* image : streamed) {
    if (image->role != "platform") m_streamed.insert(image->uuid);
  }
  if (m_streamed.empty()) return;
  // Before the first upload: what a killed run left unactivated goes, children first.
  m_leftovers = remove_unactivated_leftovers(m_url, m_options.client, m_bundle_images);
  start_workers(std::min<std::size_t>(std::max(1u, m_options.concurrency), m_streamed.size()));
}

void StreamImport::image_verified(const StagedImage& image, const std::string& manifest_text,
                                  const std::string& file_temp_path) {
  if (!m_streamed.count(image.uuid)) return;
  auto manifest = manifest::ImageManifest::parse(manifest_text, "bundle member " + image.manifest_member);
  const auto file = manifest.file();
  if (!file) return;  // stage's own check refuses it first; never reached
  StagedImage from_temp = image;
  from_temp.file_path = file_temp_path;
  Job job{ImportItem{from_temp, manifest, *file, SignedFile{}, std::nullopt, std::nullopt}, std::nullopt,
          State::queued};
  std::optional<std::string> deferred_because;
  if (const auto origin = manifest.origin()) {
    if (!m_bundle_images.count(*origin)) job.item.external_origin = *origin;  // must be active in IMGAPI
    else if (m_streamed.count(*origin)) job.origin_in_pass = *origin;
    else deferred_because = "its origin " + *origin + " was staged before";
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  if (job.origin_in_pass) {
    const auto origin = m_jobs.find(*job.origin_in_pass);
    if (origin != m_jobs.end() && origin->second.state == State::deferred) deferred_because = "its origin is";
  }
  const auto placed = m_jobs.emplace(image.uuid, std::move(job)).first;
  if (deferred_because) defer(placed->first, *deferred_because);
  m_cv.notify_all();
}

void StreamImport::bundle_verified() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pass_over = true;
    // An origin that never came (the bundle lists its manifest after its file): its
    // children are imported after the pass, with it.
    for (auto& [uuid, job] : m_jobs) {
      if (job.state == State::queued && job.origin_in_pass && !m_jobs.count(*job.origin_in_pass)) {
        defer(uuid, "its origin was not verified in the pass");
      }
    }
    m_cv.notify_all();
  }
  stop_workers();
}

StreamImportReport StreamImport::finish() {
  m_finished = true;
  stop_workers();
  StreamImportReport report;
  report.leftovers_removed = m_leftovers.size();
  if (m_error) {
    try {
      std::rethrow_exception(m_error);
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted) {  // a stop signal: the run ends here
        remove_created();
        throw;
      }
      // The images uploaded before the failure are kept and activated below; the rest is
      // the import after the pass's, which retries (and names what fails for good).
      report.upload_error = e.what();
      common::log::warn(std::string("an upload during staging failed (") + e.what() +
                        "); the import after staging takes the images not uploaded yet");
    }
  }
  std::set<std::string> active;
  for (; m_activated < m_created.size(); ++m_activated) {
    const ImportItem& item = m_jobs.at(m_created[m_activated]).item;
    try {
      activate_imported(m_url, m_options.client, item);
    } catch (const Error& e) {
      report.upload_error = "activating " + what_of(item) + ": " + e.what();
      common::log::warn(report.upload_error + "; the import after staging takes it and the images after it");
      remove_created();  // the unactivated rest, children first
      break;
    }
    active.insert(item.image.uuid);
    report.bytes_uploaded += item.file.size;
  }
  for (auto image : m_done) {
    if (image.outcome != ImportOutcome::already_active && !active.count(image.uuid)) continue;
    if (image.outcome == ImportOutcome::imported && m_leftovers.count(image.uuid)) image.outcome = ImportOutcome::reimported;
    common::log::info(std::string(to_string(image.outcome)) + " image " + image.uuid + " (" + image.name + "@" +
                      image.version + ")");
    active.insert(image.uuid);
    report.images.push_back(image);
  }
  for (const auto& uuid : m_streamed) {
    if (!active.count(uuid)) report.left_for_after.push_back(uuid);
  }
  return report;
}

void StreamImport::abandon() noexcept {
  m_cancel = true;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pass_over = true;
    m_cv.notify_all();
  }
  stop_workers();
  remove_created();
  m_finished = true;
}

void StreamImport::start_workers(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) m_workers.emplace_back([this] { work(); });
}

void StreamImport::stop_workers() {
  for (auto& worker : m_workers) {
    if (worker.joinable()) worker.join();
  }
  m_workers.clear();
}

// A queued job whose origin is uploaded (or that has none in the pass); nullptr once there
// is nothing left to do: a failure, a cut, or the pass over with nothing queued.
StreamImport::Job* StreamImport::next_job(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    if (m_cancel || m_error) return nullptr;
    bool queued = false;
    for (auto& [uuid, job] : m_jobs) {
      if (job.state != State::queued) continue;
      queued = true;
      if (!job.origin_in_pass) {
        job.state = State::running;
        return &job;
      }
      const auto origin = m_jobs.find(*job.origin_in_pass);
      if (origin != m_jobs.end() && origin->second.state == State::uploaded) {
        job.state = State::running;
        return &job;
      }
    }
    if (m_pass_over && !queued) return nullptr;
    m_cv.wait(lock);
  }
}

void StreamImport::work() {
  ImageImportSteps steps;
  steps.check_staged_file = false;  // written and hashed by this process a moment ago
  steps.activate = false;           // once the whole bundle has verified (finish)
  const auto cut = [this](std::uint64_t) {
    if (m_cancel) throw Error(ExitCode::interrupted, "the upload was cut: staging failed");
  };
  for (;;) {
    Job* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      job = next_job(lock);
    }
    if (job == nullptr) return;
    try {
      const ImportedImage done = import_with_retries(m_url, job->item, m_options, steps, cut);
      std::lock_guard<std::mutex> lock(m_mutex);
      job->state = State::uploaded;
      if (done.outcome != ImportOutcome::already_active) m_created.push_back(done.uuid);
      m_done.push_back(done);
      common::log::debug("uploaded " + what_of(job->item) + "; activated once the whole bundle has verified");
      m_cv.notify_all();
    } catch (...) {
      std::lock_guard<std::mutex> lock(m_mutex);
      job->state = State::failed;
      if (!m_error && !m_cancel) {
        try {
          throw;
        } catch (const Error&) {
          m_error = std::current_exception();
        } catch (const std::exception& e) {
          m_error = std::make_exception_ptr(Error(ExitCode::internal, std::string("import worker: ") + e.what()));
        }
      }
      m_cv.notify_all();
    }
  }
}

// With the lock held: `uuid` and the queued images waiting for it go after the pass.
void StreamImport::defer(const std::string& uuid, const std::string& why) {
  Job& job = m_jobs.at(uuid);
  if (job.state != State::queued) return;
  job.state = State::deferred;
  common::log::debug(what_of(job.item) + " is imported after staging: " + why);
  for (auto& [other, waiting] : m_jobs) {
    if (waiting.origin_in_pass == uuid) defer(other, "its origin " + uuid + " is");
  }
}

// Deletes the images this run created and did not activate, children first (the reverse of
// the upload order, where an image always follows its origin).
void StreamImport::remove_created() noexcept {
  while (m_created.size() > m_activated) {
    const std::string uuid = m_created.back();
    m_created.pop_back();
    const ImportItem& item = m_jobs.at(uuid).item;
    if (remove_image(m_url, m_options.client, item)) {
      common::log::info("removed " + what_of(item) + ": the bundle was not imported");
    }
  }
}

StageImportReport stage_and_import(const VerifiedBundle& bundle, const Paths& paths, StageOptions stage,
                                   const std::string& imgapi_url, const ImportOptions& import) {
  ImportOptions once = import;
  once.attempts = 1;  // the import after the pass retries what fails here
  StreamImport importer(imgapi_url, once);
  stage.listener = &importer;
  StageImportReport report;
  try {
    report.stage = stage_bundle(bundle, paths, stage);
  } catch (...) {
    importer.abandon();  // the uploads are cut and what they made deleted before the error goes on
    throw;
  }
  report.during = importer.finish();
  return report;
}

}  // namespace installer
