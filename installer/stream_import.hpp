#pragma once
// Import overlapped with staging (issue 16 part 2). The stage pass verifies the bundle
// member by member; an image whose manifest and file have both verified against the signed
// index can go to the DC IMGAPI at once, while the pass reads on, instead of after it. What
// keeps "a tampered bundle imports nothing" true:
//   * an image is uploaded (AdminImportImage + AddImageFile, with the signed SHA-1 that
//     IMGAPI checks) only once its own chunks have verified, and left unactivated;
//   * it is activated only after the whole bundle (seek table and end included) has
//     verified and the staged files are in place (finish()), origins first;
//   * on a failure of the pass (abandon(): tampered, truncated, no space, a stop signal),
//     uploads in flight are cut, and every image this run created is deleted, children
//     first (IMGAPI refuses to delete an origin of other images), so none stays unactivated.
//     A kill -9 leaves unactivated images; the next run deletes them first
//     (remove_unactivated_leftovers, import_image.hpp), children first;
//   * an upload that fails (tried once here) is not the pass's failure: the staged files are
//     good. No new upload starts; once the bundle has verified, the images uploaded so far
//     are activated and the others are left to the import after the pass (import.hpp over
//     the staged files, with its retries): `stage --import` runs it at once, apply's import
//     step is it. So a stage step fails only for staging's reasons.
// IMGAPI's AdminImportImage only checks that an origin exists, whatever its state
// (reference/imgapi.md §3.7 step 4; sdc-imgapi 4.13.1 lib/images.js), so a child can be
// uploaded on an origin that is itself still unactivated.
//
// Which images go in the pass: those whose manifest and file the pass writes, whose origin
// is outside the bundle (it must be active in IMGAPI already) or goes in the pass too. An
// image whose origin is in place already (a re-run), or whose manifest the pass does not
// write, is left to the import after the pass (import.hpp over the staged files); so is every
// image when nothing streams. The platform never goes to IMGAPI.
//
// The uploads run on `concurrency` worker threads beside the staging thread; an image waits
// for its origin's upload. A file is uploaded from its temp file, just written and hashed
// by this process, so it is not hashed again (import.hpp does that for files staged
// earlier); IMGAPI still checks the signed SHA-1.

#include <installer/import.hpp>
#include <installer/stage.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace installer {

struct StreamImportReport {
  std::vector<ImportedImage> images;      // activated (or found active) by this run, origins first
  std::vector<std::string> left_for_after;  // uuids the import after the pass must take
  std::string upload_error;               // why some were left there ("" when none failed)
  std::uint64_t bytes_uploaded = 0;
  std::size_t leftovers_removed = 0;      // unactivated images of an interrupted run, deleted
};

class StreamImport : public StageListener {
 public:
  // options.concurrency uploads at a time (at least 1); options.progress is not used.
  StreamImport(std::string imgapi_url, ImportOptions options);
  // Abandons (cuts uploads, deletes what this run created) unless finish() ran.
  ~StreamImport() override;
  StreamImport(const StreamImport&) = delete;
  StreamImport& operator=(const StreamImport&) = delete;

  void pass_starts(const StagePlan& plan, const std::vector<const StagedImage*>& streamed) override;
  void image_verified(const StagedImage& image, const std::string& manifest_text,
                      const std::string& file_temp_path) override;
  // Waits for every upload (they read the temp files); never throws: an upload's failure is
  // finish()'s to report, after the staged files are in place.
  void bundle_verified() override;

  // After stage_bundle returned: activates every image the pass uploaded, origins first, and
  // lists the others for the import after the pass (with the first upload's failure, if
  // any). Throws only Error(interrupted), a stop signal during an upload, after deleting
  // every image this run made.
  StreamImportReport finish();
  // The pass failed: cuts the uploads in flight and deletes every image this run created.
  void abandon() noexcept;

 private:
  enum class State { queued, running, uploaded, deferred, failed };
  struct Job {
    ImportItem item;
    std::optional<std::string> origin_in_pass;  // waits for this image's upload
    State state = State::queued;
  };

  void start_workers(std::size_t count);
  void work();
  Job* next_job(std::unique_lock<std::mutex>& lock);
  void defer(const std::string& uuid, const std::string& why);
  void stop_workers();
  void remove_created() noexcept;

  const std::string m_url;
  const ImportOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::set<std::string> m_bundle_images;   // every image of the plan but the platform
  std::set<std::string> m_streamed;        // of those, the ones this pass writes
  std::map<std::string, Job> m_jobs;       // by uuid
  std::vector<std::string> m_created;      // uploaded by this run, in upload order (origins first)
  std::vector<ImportedImage> m_done;       // in upload order
  std::vector<std::thread> m_workers;
  std::exception_ptr m_error;              // the first upload failure
  std::set<std::string> m_leftovers;       // unactivated images of a killed run, deleted
  std::size_t m_activated = 0;             // m_created[0, m_activated) are active
  std::atomic<bool> m_cancel{false};       // read by the uploads' progress callbacks
  bool m_pass_over = false, m_finished = false;
};

// stage_bundle with a StreamImport listening: when it returns, the bundle is staged and the
// images that went in the pass are active in the DC IMGAPI (the others are in
// `during.left_for_after`, for import_images). Errors: stage_bundle's (nothing imported),
// finish()'s Error(interrupted). The uploads are tried once each: a failure leaves the
// image to the import after the pass.
struct StageImportReport {
  StageReport stage;
  StreamImportReport during;
};
StageImportReport stage_and_import(const VerifiedBundle& bundle, const Paths& paths, StageOptions stage,
                                   const std::string& imgapi_url, const ImportOptions& import);

}  // namespace installer
