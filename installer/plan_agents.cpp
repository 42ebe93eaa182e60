// Agents in the plan (plan.hpp): the shar's 11 agents go through update-agents, with the
// bootstrap made from the bundle's agent images when the bundle has all of them, else with
// the agentsshar; dockerlogger and firewall-logger-agent through `sdcadm experimental update`;
// anything else cannot be updated by sdcadm and is left alone with a note.

#include <installer/plan_detail.hpp>

#include <manifest/triton_agents.hpp>

#include <algorithm>

namespace installer {
namespace {

using plan_detail::find_role;
using plan_detail::joined;
using plan_detail::plan_file_artifact;

// The bootstrap made from the bundle's agent images: run (seeded, then update-agents with
// it) when an agent instance changes; --force runs it anyway, as it does the shar.
ArtifactPlan plan_agent_set(const AgentSetFacts& facts, bool agent_changes, Force force) {
  ArtifactPlan p;
  p.role = "agent-set";
  p.target.name = "agents";
  p.target.version = facts.stamp;
  p.stage_as = "/usbkey/extra/agents/agents-" + facts.stamp + ".sh";
  p.current = std::to_string(facts.agents) + " agent images";
  p.run = agent_changes || force == Force::yes;
  if (!p.run) p.note = "every agent already runs the bundle's image";
  return p;
}

// Keeps only the "already" groups of the agent services `pick` selects: nothing can move them.
template <typename Pick>
std::vector<std::string> freeze_agents(std::vector<ServicePlan>& services, Pick pick) {
  std::vector<std::string> frozen;
  for (auto& sp : services) {
    if (sp.type != "agent" || !pick(sp) || !sp.changes()) continue;
    frozen.push_back(sp.service);
    sp.groups.erase(std::remove_if(sp.groups.begin(), sp.groups.end(),
                                   [](const InstanceGroup& g) { return g.kind != GroupKind::already; }),
                    sp.groups.end());
    sp.params_only = false;
  }
  return frozen;
}

// The bootstrap never downgrades an agent (it keeps one whose installed image is at least
// as new as the set's, docs/agents.md), so --force's downgrade groups of the shar's agents
// stay where they are: shown as left alone, with a note.
void keep_newer_agents(Plan& plan) {
  std::vector<std::string> kept;
  for (auto& sp : plan.services) {
    if (sp.type != "agent" || agent_route(sp.service) != AgentRoute::installer) continue;
    for (auto it = sp.groups.begin(); it != sp.groups.end();) {
      if (it->kind != GroupKind::forced_downgrade) {
        ++it;
        continue;
      }
      sp.dropped.push_back(DroppedGroup{it->from_image, it->from_version, it->instances.size(), ""});
      it = sp.groups.erase(it);
      if (std::find(kept.begin(), kept.end(), sp.service) == kept.end()) kept.push_back(sp.service);
    }
  }
  if (!kept.empty()) {
    plan.notes.push_back(joined(kept) + ": --force does not downgrade agents through the agents bootstrap (it "
                         "never replaces a newer agent); an agentsshar run with sdcadm experimental update-agents "
                         "can");
  }
}

}  // namespace

AgentRoute agent_route(const std::string& service) {
  if (manifest::is_shar_agent(service)) return AgentRoute::installer;
  if (service == "dockerlogger" || service == "firewall-logger-agent") return AgentRoute::experimental_update;
  return AgentRoute::none;
}

std::vector<const ServicePlan*> experimental_update_services(const Plan& plan) {
  std::vector<const ServicePlan*> out;
  for (const auto& sp : plan.services) {
    if (sp.changes() && agent_route(sp.service) == AgentRoute::experimental_update) out.push_back(&sp);
  }
  return out;
}

void plan_detail::plan_agents(Plan& plan, const PlanInputs& in, const PlanOptions& options, bool agent_changes,
                              bool has_agent_targets) {
  const bool agents_named = !options.limit || options.limit->names("agentsshar") || agent_changes;
  const bool partial_set = in.agent_set && !in.agent_set->missing.empty();
  const bool has_shar = find_role(*in.index, "agentsshar") != nullptr;
  if (partial_set && agents_named) {
    // One note saying what happens instead; never "through the agentsshar" for a bundle
    // without one (issue 14 item 4: the plan must not contradict itself).
    plan.notes.push_back("the bundle's agent images lack " + joined(in.agent_set->missing) + " (a trimmed build?), so they cannot "
                         "make the agents bootstrap new nodes need: " +
                         (has_shar ? std::string("agents go through the agentsshar")
                                   : std::string("the bundle carries no agentsshar either, so agents are left as they are "
                                                 "(their images are imported); build with the whole agent set "
                                                 "(docs/agents.md)")));
  }
  if (in.agent_set && in.agent_set->missing.empty() && agents_named) {
    plan.agent_set = plan_agent_set(*in.agent_set, agent_changes, options.force);
    keep_newer_agents(plan);
    if (const auto* shar = find_role(*in.index, "agentsshar")) {
      plan.notes.push_back("the bundle's agentsshar " + shar->version + " is staged but not run: the agents are "
                           "installed from their own images (docs/agents.md says how to go back to the shar)");
    }
  } else if (const auto* a = find_role(*in.index, "agentsshar")) {
    if (agents_named) {
      ArtifactPlan p = plan_file_artifact(*in.index, *a, in, options.force);
      // Without agent images in the bundle the shar's content is unknown: run it.
      p.run = agent_changes || !has_agent_targets || options.force == Force::yes;
      if (!p.run) p.note = "every agent already runs the bundle's image";
      plan.agentsshar = p;
    }
  } else if (agent_changes) {
    if (!partial_set || !agents_named) {
      plan.notes.push_back("agent updates need an agentsshar or the agent images, which this bundle does not "
                           "carry; agents are left as they are");
    }
    freeze_agents(plan.services, [](const ServicePlan& sp) { return agent_route(sp.service) == AgentRoute::installer; });
  }
  const auto legacy = freeze_agents(plan.services, [](const ServicePlan& sp) { return agent_route(sp.service) == AgentRoute::none; });
  if (!legacy.empty()) {
    plan.notes.push_back(joined(legacy) + ": sdcadm cannot update these agents (neither update-agents nor "
                         "experimental update knows them); their images are imported, the instances are left as they are");
  }
}

}  // namespace installer
