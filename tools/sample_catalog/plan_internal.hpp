#pragma once
// Shared by catalog_plan.cpp (zones, origins, sizes) and artifact_plan.cpp (agents,
// agentsshar, gz-tools, platform, sdcadm): the publishing slots of the sample timeline
// and how one build in a slot becomes a PlannedImage. Not used outside this tool.

#include <tools/sample_catalog/catalog_plan.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sample_catalog::detail {

// One publishing event of the timeline: a branch, a day after 2025-01-01 and the
// channels its builds end up in (publish channel plus later promotions).
struct Slot {
  int id;
  std::string branch;
  int day;
  std::vector<std::string> channels;
};

// Slots 1..10; see the table at the top of catalog_plan.cpp.
const Slot& slot(int id);

// A build of one artifact in one slot. `jitter` spreads builds of different artifacts
// over the day so that no two images of one name share a published_at.
struct Build {
  std::string branch;
  std::int64_t time = 0;
  std::string stamp;         // compact_stamp(time)
  std::string sha;           // fake_git_sha
  std::string published_at;  // some minutes after the build
  std::vector<std::string> channels;

  // "<branch>-<stamp>-g<sha>": eng's STAMP, the zone version and tags.buildstamp.
  std::string eng_stamp() const { return branch + "-" + stamp + "-g" + sha; }
};

Build make_build(const Slot& s, const std::string& name, int jitter);

// A build at an explicit time (origins and bases live before the slot timeline).
Build make_build_at(const std::string& branch, std::int64_t time, const std::string& name,
                    int jitter, std::vector<std::string> channels);

// A PlannedImage with identity and dates filled from `build`; size comes later.
PlannedImage new_image(std::uint64_t seed, ArtifactKind kind, const std::string& name,
                       const std::string& version, const Build& build);

// Appends agents, agentsshar, gz-tools, platform and sdcadm images (artifact_plan.cpp).
void plan_artifacts(std::uint64_t seed, std::vector<PlannedImage>& out);

}  // namespace sample_catalog::detail
