#pragma once
// What `sdcadm-bundle build` tells the user: the plan of a dry run (-n) and the summary of
// a build, as text for people (stdout) or JSON for machines (-j, stdout).

#include <builder/fetch.hpp>
#include <builder/pack.hpp>
#include <builder/resolve.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace builder {

struct BuildPlanReport {
  const Resolution* resolution = nullptr;
  std::vector<FetchPlanEntry> files;  // distinct files and their cache state
  std::string output;                 // the bundle that would be written
  std::string cache_root;
  std::uint64_t estimated_size = 0;
  std::uint64_t split_size = 0;       // 0 = no split
  std::string space_problem;          // "" or why the build would fail for lack of space
};

struct BuildSummary {
  const Resolution* resolution = nullptr;
  const PackPlan* pack = nullptr;
  const PackResult* result = nullptr;
  const FetchResult* fetched = nullptr;
  double elapsed_seconds = 0;   // the whole command
  double resolve_seconds = 0;   // asking the updates server what to ship
  double fetch_seconds = 0;     // downloads (and cache checks)
  double write_seconds = 0;     // writing (and splitting) the bundle
};

common::Json plan_json(const BuildPlanReport& plan);
std::string plan_text(const BuildPlanReport& plan);

common::Json summary_json(const BuildSummary& summary);
std::string summary_text(const BuildSummary& summary);

// "20 service-image, 12 origin, 1 platform" in the order roles first appear.
std::string count_by_role(const std::vector<manifest::BundleArtifact>& artifacts);

}  // namespace builder
