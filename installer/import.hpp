#pragma once
// Import: loads staged images into the DC IMGAPI the way sdcadm's DownloadImages would
// have, from local files instead of the updates server (issue 5 item 5, sdcadm.md §4):
//   * origins first (plan_import's order); an image starts only once its origin is in;
//   * an image already active (same files[0].sha1) is skipped; one in another state
//     (unactivated: a leftover of an interrupted import) is deleted and imported again;
//   * AdminImportImage (skip_owner_check=true, the manifest as sent by the updates server:
//     same uuid and published_at) -> AddImageFile (compression, sha1; streamed from the
//     staged file) -> ActivateImage; a failure after the import deletes the half-made
//     image, so no image is left unactivated;
//   * `concurrency` images at a time, a new imgapi::Client (connection) per attempt, so a
//     connection a failed upload left in an unknown state is never reused; after the first
//     failure no new image starts (like TOOLS-1767), the ones running finish, and the
//     first error is thrown;
//   * network failures and 5xx replies are retried per image, `attempts` times in all,
//     with a doubling pause (the HTTP client also retries single requests).
// The caller holds the locks. Nothing here prints: progress goes to options.progress and
// status lines to common::log.

#include <installer/import_plan.hpp>

#include <imgapi/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace installer {

// What the CLI imports at a time unless told: sdcadm's DownloadImages uses 4. Measured on 2
// cores (bench/install_stage_import.sh, 2.15 GiB): import 6.9 s with 2, 4.7 s with 4.
inline constexpr unsigned k_default_import_concurrency = 4;

struct ImportOptions {
  unsigned concurrency = 1;                       // images imported at the same time
  int attempts = 3;                               // per image, for network / 5xx failures
  std::chrono::milliseconds backoff{2000};        // pause before the 2nd attempt, doubled
  imgapi::ClientOptions client;                   // timeouts, per-request HTTP retries
  // Bytes of image files in IMGAPI so far (uploaded, or found active) and the total.
  // Calls are serialized but come from worker threads.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

enum class ImportOutcome { imported, reimported, already_active };
const char* to_string(ImportOutcome outcome);

struct ImportedImage {
  std::string uuid, name, version;
  ImportOutcome outcome = ImportOutcome::imported;
  std::uint64_t size = 0;
  int attempts = 0;  // attempts used (0 for already_active)
};

struct ImportReport {
  std::vector<ImportedImage> images;  // in `items` order
  std::uint64_t bytes_uploaded = 0;
};

// Checks that the DC IMGAPI answers (GET /ping); throws Error(network) saying it is down
// and what to check ("sdcadm check-health", --imgapi URL) when it does not.
void ping_imgapi(const std::string& imgapi_url, const imgapi::ClientOptions& client = {});

// Imports `items` into the IMGAPI at `imgapi_url`. Throws the first failure with context
// ("importing image U (name@version): ..."): Error(network) when IMGAPI cannot be reached
// (after the retries), Error(remote_error) for error replies, Error(integrity) when IMGAPI
// stored other bytes than the staged file, Error(conflict) when IMGAPI has an active image
// with this uuid and another file, Error(not_found) for an origin neither in the bundle
// nor active in IMGAPI.
ImportReport import_images(const std::string& imgapi_url, const std::vector<ImportItem>& items,
                           const ImportOptions& options);

}  // namespace installer
