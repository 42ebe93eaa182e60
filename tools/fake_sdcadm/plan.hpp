#pragma once
// From validated changes to what `sdcadm update` would do on the simulated DC: the value
// checks of genUpdatePlan (sdcadm.md §2.3) that need the DC's state and IMGAPI, the
// conflict check, agent services skipped (as non-experimental `update` does), and dropNoops.
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

struct PlannedChange {
  Change::Kind kind;
  std::string service;
  std::string instance_label;       // update_instance: the instance as given
  manifest::ImageManifest image;
  std::vector<std::size_t> instances;  // indexes into State::instances()
};

struct Plan {
  std::vector<PlannedChange> changes;
  std::vector<std::string> skipped;  // reprs of changes skipped (agents, agent@server)
};

// Throws Error(usage) for unknown services/instances and conflicting changes,
// Error(not_found) for an image missing from (or not active in) the DC IMGAPI,
// Error(bad_data) for an image whose name does not fit the service, Error(network) for
// what would need the updates server.
Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, SameImage same_image);

// Moves each planned instance to its image (image uuid, version) and, for a service
// change, the SAPI service's params.image_uuid.
void apply_plan(const Plan& plan, State& state);

}  // namespace fake_sdcadm
