#pragma once
// Pieces of make_plan (plan.hpp) shared by its files: plan.cpp (services, the spec limit,
// imports), plan_artifacts.cpp (sdcadm, gz-tools, platform, the agentsshar file) and
// plan_agents.cpp (which of the agentsshar, the agent images' bootstrap or
// `experimental update` updates the agents). Internal to the plan: not for other callers.

#include <installer/plan.hpp>

#include <string>
#include <vector>

namespace installer::plan_detail {

// A bundle artifact as a plan target (its file's size from the index).
Target target_of(const manifest::BundleIndex& index, const manifest::BundleArtifact& a);

// The newest artifact (by published_at) of `role`, or nullptr.
const manifest::BundleArtifact* find_role(const manifest::BundleIndex& index, const std::string& role);

// sdcadm self-update: only when the bundle's is newer (semver, then build stamp).
ArtifactPlan plan_sdcadm(const manifest::BundleIndex& index, const manifest::BundleArtifact& a,
                         const PlanInputs& in, Force force);

// A file artifact (gz-tools, platform, agentsshar): run unless the DC has it (or newer).
ArtifactPlan plan_file_artifact(const manifest::BundleIndex& index, const manifest::BundleArtifact& a,
                                const PlanInputs& in, Force force);

// The agents' part of the plan: the agent set's bootstrap or the agentsshar, and notes for
// agents nothing can move. `agent_changes`: a shar agent's instance changes.
void plan_agents(Plan& plan, const PlanInputs& in, const PlanOptions& options, bool agent_changes,
                 bool has_agent_targets);

// "a, b, c".
std::string joined(const std::vector<std::string>& names);

}  // namespace installer::plan_detail
