#pragma once
// From validated changes to what `sdcadm update` would do on the simulated DC: the value
// checks of genUpdatePlan (sdcadm.md §2.3) that need the DC's state and IMGAPI, the
// conflict check, dropNoops, and what coordinatePlan decides about agents (sdcadm.md §2.6):
// `sdcadm update` skips them; `sdcadm experimental update` updates the agents
// UpdateAgentV1 allows and dockerlogger (UpdateDockerlogger) and refuses other agents.
// Offline like an air-gapped DC: anything the real sdcadm would ask the updates server for
// (a version, the latest image, an image missing from the DC IMGAPI) is an error here.

#include <tools/fake_sdcadm/name_map.hpp>
#include <tools/fake_sdcadm/spec.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <manifest/image_manifest.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fake_sdcadm {

// GetImage on the DC IMGAPI: nullopt for 404. Other failures throw.
using ImageLookup = std::function<std::optional<manifest::ImageManifest>(const std::string& uuid)>;

enum class SameImage { drop, force };  // --force-same-image

// Which command plans: `update` skips agent services, `experimental update` updates them.
enum class AgentChanges { skip, update };

// What `sdcadm experimental update` adds: agents, and -s SERVERS (uuids or hostnames) to
// limit agent changes to the instances on those servers (VM changes ignore it, as the
// real stateless procedures do).
struct PlanScope {
  AgentChanges agents = AgentChanges::skip;
  std::vector<std::string> servers;
};

// The procedure that carries a change out (coordinatePlan's handlers).
enum class Procedure { vm, agent, dockerlogger };

struct PlannedChange {
  Change::Kind kind;
  std::string service;
  std::string instance_label;       // update_instance: the instance as given
  manifest::ImageManifest image;
  std::vector<std::size_t> instances;  // indexes into State::instances()
  Procedure procedure = Procedure::vm;
  bool servers_chosen = false;  // an agent service change limited by -s ("update-instances")
};

// The agents UpdateAgentV1 may update (lib/procedures/index.js, updateAgent's `allowed`).
bool agent_update_allowed(const std::string& service);

struct Plan {
  std::vector<PlannedChange> changes;
  std::vector<std::string> skipped;  // reprs of changes skipped (agents, agent@server)
};

// Throws Error(usage) for unknown services/instances/servers, conflicting changes and
// (experimental) agents UpdateAgentV1 does not allow ("do not support the following
// changes:"), or an agent instance off the chosen servers;
// Error(not_found) for an image missing from (or not active in) the DC IMGAPI,
// Error(bad_data) for an image whose name does not fit the service, Error(network) for
// what would need the updates server.
Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, SameImage same_image, const PlanScope& scope = {});

// Moves each planned instance to its image (image uuid, version) and, for a service
// change not limited to chosen servers, the SAPI service's params.image_uuid.
void apply_plan(const Plan& plan, State& state);

}  // namespace fake_sdcadm
