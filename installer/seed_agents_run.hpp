#pragma once
// `sdcadm-install seed-agents` as a workflow (issue 6): makes new nodes get their agents from
// the bundle's agent images instead of the agentsshar (docs/agents.md).
//   * seed_agents: on the headnode, stage the bundle, import its agent images into the DC
//     IMGAPI, write /usbkey/extra/agents/agents-<stamp>.sh (the bootstrap) and .json (the
//     agent set), and point `latest` at the bootstrap. Holds the sdcadm-install lock and the
//     sdcadm lock while it writes, like stage and import.
//   * seed_agents_media: the images and the bootstrap into a headnode USB-key tree instead
//     (no DC needed, no lock: the media may be prepared on another machine).

#include <installer/agents/media.hpp>
#include <installer/agents/seed.hpp>
#include <installer/host_options.hpp>
#include <installer/run_observer.hpp>
#include <installer/verified_bundle.hpp>

#include <string>

namespace installer {

struct SeedAgentsOptions {
  HostOptions host;
  std::string bundle;      // as given (NAME.sdc.001 too); messages name it so
  std::string media;       // the USB-key tree of seed_agents_media
  bool no_latest = false;  // write the bootstrap but leave `latest` alone
  TrustOverrides trust;
  bool quiet = false;      // only warnings on stderr (the front end prints JSON)
};

struct MediaSeed {
  agents::AgentSet set;
  agents::MediaResult result;
};

// Errors: the trust check's, Error(not_found) for a bundle without all agent images,
// Error(config) without an imgapi_domain, the media writer's.
MediaSeed seed_agents_media(const SeedAgentsOptions& options, RunObserver& observer);

// Errors: as seed_agents_media, Error(locked), Error(config) for an imgapi_domain that is not a
// host name, stage's and import's. A bundle without (all) agent images is refused before
// anything is staged. The stage phase goes to observer.phase.
agents::SeedResult seed_agents(const SeedAgentsOptions& options, RunObserver& observer);

}  // namespace installer
