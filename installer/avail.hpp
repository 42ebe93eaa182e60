#pragma once
// `sdcadm-install avail` as a workflow (issue 5 item 7): what the bundle offers against what
// runs, per service, like `sdcadm avail` but from the bundle, read as the plan reads the DC
// (plan.hpp); with `changes`, the changelog entries the bundle carries for each offered image.
// Changes nothing, takes no lock.

#include <installer/host_options.hpp>
#include <installer/run_observer.hpp>
#include <installer/verified_bundle.hpp>

#include <manifest/changelog.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace installer {

struct AvailOptions {
  HostOptions host;
  std::string bundle;                 // bundles::bundle_path_argument applied
  std::vector<std::string> services;  // only these; empty = all
  bool changes = false;               // read the bundle's changelog
  TrustOverrides trust;
  bool quiet = false;                 // only warnings on stderr (the front end prints JSON)
};

// An image instances of the service run now, and how many.
struct AvailCurrent {
  std::string image, version;
  std::size_t count = 0;
};

struct AvailService {
  std::string service;
  std::string image, version, published_at;  // the bundle's
  std::vector<AvailCurrent> current;
  std::string offer;  // "newer", "same", "older" or "" (no current image to compare with)
  std::vector<manifest::ChangelogEntry> changes;  // with options.changes
};

struct AvailResult {
  std::string bundle_id;
  std::vector<AvailService> services;
  std::vector<std::string> not_deployed;  // bundle services the DC does not run
};

// Errors: Error(config) without an IMGAPI, the trust check's, the plan's.
AvailResult run_avail(const AvailOptions& options, RunObserver& observer);

}  // namespace installer
