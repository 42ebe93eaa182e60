#pragma once
// `sdcadm-install import` as a workflow: step 5 of apply on its own. Holds the sdcadm-install
// lock and the sdcadm lock; checks the bundle's trust (only its index is read), that IMGAPI
// answers and has room for the images, then loads the images `stage` left under /usbkey into
// the DC IMGAPI (import.hpp), origins first, skipping active ones.

#include <installer/host_options.hpp>
#include <installer/import.hpp>
#include <installer/run_observer.hpp>
#include <installer/verified_bundle.hpp>

#include <string>

namespace installer {

struct ImportRunOptions {
  HostOptions host;
  std::string bundle;  // bundles::bundle_path_argument applied
  unsigned concurrency = k_default_import_concurrency;  // images imported at the same time
  int attempts = 3;    // tries per image on network errors and 5xx replies
  TrustOverrides trust;
  bool quiet = false;  // only warnings on stderr (the front end prints JSON)
};

struct ImportRunResult {
  std::string imgapi_url;  // where the images went
  ImportReport report;
};

// Errors: Error(config) without an IMGAPI, Error(locked), the trust check's, ping_imgapi's,
// check_space's, import_images'. The bytes go to observer.phase ("import N image(s)").
ImportRunResult run_import(const ImportRunOptions& options, RunObserver& observer);

}  // namespace installer
