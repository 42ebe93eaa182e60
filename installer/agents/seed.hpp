#pragma once
// seed-agents (issue 6 item 2): after stage + import of a bundle, the files that let a
// node get its agents from the agent images instead of the agentsshar:
//   /usbkey/extra/agents/agents-<stamp>.sh    the bootstrap (bootstrap_script.hpp), 0755
//   /usbkey/extra/agents/agents-<stamp>.json  the agent set it was made from
// stock agentsetup.sh runs /usbkey/extra/agents/latest on a new compute node, so pointing
// `latest` at the bootstrap is what switches new nodes over (LatestLink::move).

#include <installer/agents/agent_set.hpp>
#include <installer/paths.hpp>
#include <installer/verified_bundle.hpp>

#include <manifest/bundle_index.hpp>

#include <optional>
#include <string>

namespace installer::agents {

// The agent set of a staged bundle: its role "agent" artifacts named as one of the 11
// agents (others, like cabase or dockerlogger that sdcadm's service list still names, are
// left out and logged), each manifest read from where stage put it
// (/usbkey/images/<uuid>.imgmanifest), required to be the signed member's bytes
// (staged_check.hpp: Error(integrity) otherwise) and validated (agent_set.hpp).
// nullopt: the bundle has no agent images. Throws Error(not_found) when a manifest is not
// staged (run `sdcadm-install stage BUNDLE`), Error(bad_data) for a bad manifest,
// Error(config) for a bad imgapi_domain.
std::optional<AgentSet> agent_set_of(const VerifiedBundle& bundle, const Paths& paths,
                                     const std::string& imgapi_domain);

// Checks each staged agent file (/usbkey/images/<uuid>.imgfile): size, SHA-1 and that the
// tarball lists <name>/image_uuid holding the uuid, as cn-agent's agent_install does
// (streamed through libarchive). Throws Error(integrity) naming the agent and the file.
void check_staged_agents(const AgentSet& set, const Paths& paths);

// After stage + import of the bundle: validates the staged agent images (tarball content),
// writes /usbkey/extra/agents/agents-<stamp>.sh (mode 0755) and the agent set
// /usbkey/extra/agents/agents-<stamp>.json atomically; idempotent (same bytes => untouched).
// Moves /usbkey/extra/agents/latest only with LatestLink::move. Returns what it wrote.
enum class LatestLink { keep, move };
struct SeedResult {
  AgentSet set;
  std::string bootstrap_headnode_path;  // "/usbkey/extra/agents/agents-<stamp>.sh"
  std::string bootstrap_path;           // the same under the root
  std::string set_path;                 // agents-<stamp>.json under the root
  bool written = false;                 // false when both files were already there
  bool latest_moved = false;            // latest now points at the bootstrap (and did not before)
};
// Throws Error(integrity) from check_staged_agents, Error(unsafe_path) when a directory from
// the root down to /usbkey/extra/agents is a link, Error(io)/Error(no_space) on writes.
SeedResult write_seed(const AgentSet& set, const Paths& paths, LatestLink latest);

}  // namespace installer::agents
