#pragma once
// `sdcadm-install stage` as a workflow: step 4 of apply on its own, for operators who go step
// by step. Holds the sdcadm-install lock and the sdcadm lock while it writes; checks the
// bundle's trust (on a pipe: on the stream's index, before anything is written, and the same
// reader goes on with the payload), then stages it (stage.hpp).

#include <installer/host_options.hpp>
#include <installer/run_observer.hpp>
#include <installer/stage.hpp>
#include <installer/verified_bundle.hpp>

#include <string>

namespace installer {

struct StageRunOptions {
  HostOptions host;
  std::string bundle;  // "-" = standard input; bundles::bundle_path_argument applied
  std::string label;   // what the stage phase is called: "stage NAME.sdc"
  TrustOverrides trust;
  bool quiet = false;  // only warnings on stderr (the front end prints JSON)
};

// Errors: Error(usage) for "-" when standard input is a terminal, Error(locked), the trust check's, stage_bundle's. The bytes go to observer.phase.
StageReport run_stage(const StageRunOptions& options, RunObserver& observer);

}  // namespace installer
