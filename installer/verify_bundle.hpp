#pragma once
// `verify`: is this bundle good, and does it fit? (issue 5 item 2)
//   * hash level: every member against the index (sizes, chunk SHA-256s, tar and zstd
//     structure, closed world), on every core through the seek table, or in one streaming
//     pass for a pipe; PayloadCheck::index_only reads only the index (apply does that,
//     since its staging pass checks every byte anyway);
//   * free space: what staging still has to write under /usbkey plus what IMGAPI will
//     store for images it does not have yet, checked before anything is written;
//   * trust (signatures, expiry, rollback) is checked by the front end first
//     (trust_store.hpp: check_bundle), which fills signatures_checked and signers.

#include <installer/free_space.hpp>
#include <installer/paths.hpp>
#include <installer/stage_plan.hpp>

#include <imgapi/types.hpp>
#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace installer {

enum class PayloadCheck { full, index_only };

struct VerifyOptions {
  PayloadCheck payload = PayloadCheck::full;
  unsigned threads = 0;  // full check on a file: workers (0 = one per core)
  // The DC IMGAPI, to count only images it lacks; unset or unreachable = count them all.
  std::optional<std::string> imgapi_url;
  imgapi::ClientOptions client;
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Standard input only: called once the stream's index and signature slot are read, before
  // the payload (the trust check of a bundle that can be read only once). Throws to stop.
  // The bytes are unverified until it returns; verify never stages from them.
  std::function<void(const std::string& unverified_index_bytes, const manifest::BundleIndex& unverified_index,
                     const std::string& unverified_slot)>
      check_index;
};

// What staging and import will need, and where.
struct SpacePlan {
  std::uint64_t stage_bytes = 0;       // targets not in place yet (by size)
  std::size_t stage_files = 0;
  std::uint64_t import_bytes = 0;      // images IMGAPI does not have active
  std::size_t import_images = 0;
  bool imgapi_consulted = false;       // false: IMGAPI unknown or down, all images counted
  std::vector<FileSystemSpace> file_systems;  // after require_space
};

struct VerifyResult {
  std::string bundle_id;
  std::string index_bytes;             // exact, for expect_index and signature checks
  manifest::BundleIndex index;
  std::size_t members = 0;
  std::uint64_t payload_bytes = 0;
  bool payload_checked = false;
  bool signatures_checked = false;     // set by the front end after the trust check
  std::vector<std::string> signers;    // key ids, when checked
  SpacePlan space;
  StagePlan stage;
  std::vector<std::string> deltas;     // one line per delta image (delta_bases.hpp), when checked
};

// Space needs of `plan`: targets whose file is missing or has another size (a cheap
// check: stage's own check hashes them), plus the images IMGAPI lacks. The IMGAPI data
// is assumed to live on the file system of /usbkey (both are datasets of the zones pool
// on a headnode; IMGAPI's own disk cannot be asked over HTTP), so its need is added to
// that file system's. Throws Error(no_space) with the numbers.
SpacePlan check_space(const StagePlan& plan, const Paths& paths,
                      const std::optional<std::string>& imgapi_url,
                      const imgapi::ClientOptions& client = {});

// Verifies `bundle` ("-" = stdin, file, parts), the bases of its deltas when the DC IMGAPI
// is known (check_delta_bases), and the space. Throws the reader's errors (bundle_* codes,
// not_found), plan_stage's, Error(delta_base_missing), Error(no_space).
VerifyResult verify_bundle(const std::string& bundle, const Paths& paths, const VerifyOptions& options);

}  // namespace installer
