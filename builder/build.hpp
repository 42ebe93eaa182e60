#pragma once
// builder::build: the whole `sdcadm-bundle build` workflow as a library call. Resolve what
// to ship on the updates server (builder/resolve), plan the downloads and check the free
// space, fetch the files into the cache (builder/fetch), sign the index (--key/--root) and
// write the bundle (builder/pack). A dry run stops after the plan.
//
// The signatures cover the index, which is known before the first byte is written, so they
// go straight into the slot, and a failed signing input (a bad key file) is caught before
// anything is downloaded or written.
//
// Library code prints nothing: what a front end shows (status lines, a warning, progress,
// the plan, the summary) goes through a BuildObserver, and a front end's stop request
// (Ctrl-C) comes back through it.

#include <builder/delta_members.hpp>
#include <builder/fetch.hpp>
#include <builder/pack.hpp>
#include <builder/resolve.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace builder {

// What `build -n` shows: the plan.
struct BuildPlanReport {
  const Resolution* resolution = nullptr;
  std::vector<FetchPlanEntry> files;  // distinct files and their cache state
  std::string output;                 // the bundle that would be written
  std::string cache_root;
  std::uint64_t estimated_size = 0;
  std::uint64_t split_size = 0;       // 0 = no split
  std::string space_problem;          // "" or why the build would fail for lack of space
  std::vector<std::string> beside{};  // files written beside the bundle (--installer)
  // A trimmed build without --no-delta: per artifact, a delta candidate or full and why
  // (patch sizes are known only once encoded). Empty otherwise.
  bool deltas_considered = false;
  std::vector<DeltaOutcome> deltas{};
};

// What a build did.
struct BuildSummary {
  const Resolution* resolution = nullptr;
  const PackPlan* pack = nullptr;
  const PackResult* result = nullptr;
  const FetchResult* fetched = nullptr;
  double elapsed_seconds = 0;   // the whole command
  double resolve_seconds = 0;   // asking the updates server what to ship
  double fetch_seconds = 0;     // downloads (and cache checks)
  double write_seconds = 0;     // writing (and splitting) the bundle
  std::vector<std::string> signers{};  // key ids that signed the bundle (--key)
  std::vector<std::string> beside{};   // the installer and its signatures beside the bundle
  bool deltas_considered = false;       // a trimmed build without --no-delta
  std::vector<DeltaOutcome> deltas{};   // per artifact: delta or full and why
  double delta_seconds = 0;             // making and verifying the deltas
};

struct BuildOptions {
  std::string source;                 // the updates server (an IMGAPI with channels)
  std::string channel;                // "" = the inventory DC's channel, else the server's default
  std::vector<std::string> services;  // SERVICE, SERVICE@UUID, SERVICE@VERSION
  bool all = false;                   // every core service and agent, agentsshar, ...
  bool include_agentsshar = true;     // with all
  bool include_agent_images = true;   // with all
  std::string inventory;              // "" or a DC inventory: JSON, or an install receipt
  std::string dc_key;                 // the DC's public key, for an inventory that is a receipt
  std::string since;                  // changelogs start after this VERSION or DATE
  std::string output;                 // "" = sdc-<channel>-<created>.sdc here
  bool replace_output = false;        // an existing output (or parts list) may be replaced
  std::string cache_dir;              // "" = Cache::default_root()
  CacheCheck cache_check = CacheCheck::cheap;
  unsigned concurrency = 4;           // parallel downloads
  bool dry_run = false;               // plan only
  // With an inventory, images the DC runs an older version of ship as patches against it
  // (builder/delta_members.hpp) unless no_delta (--no-delta).
  bool no_delta = false;
  unsigned delta_workers = k_max_delta_workers;
  std::string installer;              // "" or an sdcadm-install binary the bundle carries
  std::vector<std::string> keys;      // private keys that sign the bundle as it is written
  bool unsigned_on_purpose = false;   // --unsigned: no keys, and no warning about it
  bool change_channel = false;        // build for another channel than the inventory's DC
  std::vector<std::string> roots;     // newer trust roots the bundle carries
  std::string user_agent;             // for the updates server
  // created, sequence, expiry, chunk size, min installer version; build() fills in the
  // inventory and the installer.
  PackOptions pack;
  // level and split size; build() fills in the signature slot and the progress.
  WritePackOptions write;
  bool created_from_source_date_epoch = false;  // named in the expiry warning
};

class BuildObserver {
 public:
  virtual ~BuildObserver() = default;
  // What is happening now ("resolving on URL (channel C)").
  virtual void status(const std::string& /*line*/) {}
  // Something the operator should know that does not stop the build.
  virtual void warning(const std::string& /*message*/) {}
  // The plan holds and the work that writes starts: from here on stop_requested() is
  // polled (a front end installs its signal handlers here).
  virtual void work_started() {}
  // A long step ("download 3 files", "write OUT.sdc") of `total` bytes; step_progress
  // may come from several threads; step_finished when the step completed.
  virtual void step_started(const std::string& /*label*/, std::uint64_t /*total*/) {}
  virtual void step_progress(std::uint64_t /*done*/) {}
  virtual void step_finished() {}
  // A dry run's plan.
  virtual void planned(const BuildPlanReport& /*plan*/) {}
  // The bundle is written.
  virtual void built(const BuildSummary& /*summary*/) {}
  // True once the operator asked to stop: the build ends with Error(interrupted) and
  // keeps nothing half-written.
  virtual bool stop_requested() const { return false; }
};

// Runs the build (or, with dry_run, the plan). Throws common::Error: usage for what to
// bundle or the inventory's --dc-key, conflict when the output exists and may not be
// replaced, no_space, interrupted, and the errors of resolve, fetch, signing and pack.
void build(const BuildOptions& options, BuildObserver& observer);

}  // namespace builder
