#pragma once
// `sdcadm-install stage` as a workflow: step 4 of apply on its own, for operators who go step
// by step. Holds the sdcadm-install lock and the sdcadm lock while it writes; checks the
// bundle's trust (on a pipe: on the stream's index, before anything is written, and the same
// reader goes on with the payload), then stages it (stage.hpp). With `import` (a bundle
// file, not a pipe), it also loads the images into the DC IMGAPI, each uploaded as soon as it
// has verified and activated once the whole bundle has (stream_import.hpp), then imports what
// the pass left (import.hpp): the stage and import steps of apply in one pass.

#include <installer/host_options.hpp>
#include <installer/import.hpp>
#include <installer/run_observer.hpp>
#include <installer/stage.hpp>
#include <installer/stream_import.hpp>
#include <installer/verified_bundle.hpp>

#include <optional>
#include <string>

namespace installer {

struct StageRunOptions {
  HostOptions host;
  std::string bundle;  // "-" = standard input; bundles::bundle_path_argument applied
  std::string label;   // what the stage phase is called: "stage NAME.sdc"
  TrustOverrides trust;
  bool quiet = false;  // only warnings on stderr (the front end prints JSON)
  bool import = false;  // also import the images into the DC IMGAPI (a file only)
  unsigned concurrency = k_default_import_concurrency;  // uploads at a time, with import
  int attempts = 3;     // tries per image on network errors and 5xx replies, with import
};

// What `import` added to staging.
struct StagedImport {
  std::string imgapi_url;
  StreamImportReport during;  // uploaded while the pass read, activated after it
  ImportReport after;         // the import over the staged files after the pass
};

struct StageRunResult {
  StageReport stage;
  std::optional<StagedImport> import;  // set with StageRunOptions::import
};

// Errors: Error(usage) for "-" when standard input is a terminal or with import,
// Error(locked), the trust check's, stage_bundle's; with import also Error(config) without an
// IMGAPI, ping_imgapi's, check_space's, stage_and_import's and import_images'. The bytes go to
// observer.phase.
StageRunResult run_stage(const StageRunOptions& options, RunObserver& observer);

}  // namespace installer
