#pragma once
// What `sdcadm-bundle build` tells the user: the plan of a dry run (-n) and the summary of
// a build (builder/build.hpp), as text for people (stdout) or JSON for machines (-j, stdout).

#include <builder/build.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace builder {

common::Json plan_json(const BuildPlanReport& plan);
std::string plan_text(const BuildPlanReport& plan);

common::Json summary_json(const BuildSummary& summary);
std::string summary_text(const BuildSummary& summary);

// "20 service-image, 12 origin, 1 platform" in the order roles first appear.
std::string count_by_role(const std::vector<manifest::BundleArtifact>& artifacts);

}  // namespace builder
