#pragma once
// From validated changes to what `sdcadm update` would do on the simulated DC, in the two
// halves of the real genUpdatePlan (sdcadm lib/sdcadm.js:1724-2600):
// - gen_update_plan (plan.cpp): normalizeChanges' value checks against the DC's state and
//   IMGAPI, checkForConflictingChanges, dropNoops and the rabbitmq / portolan locks;
// - coordinate_plan (procedures.cpp): coordinatePlan's procedure selection
//   (lib/procedures/index.js:100-1100), which can also refuse, or drop a change silently.
// `sdcadm update` and `sdcadm experimental update` plan alike (the latter adds -s); only
// agent services given as arguments are left out of `sdcadm update` (cmd_up.cpp).
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

// The options of `sdcadm up` / `sdcadm experimental update` that change the plan.
struct PlanOptions {
  SameImage same_image = SameImage::drop;
  bool force_rabbitmq = false;   // --force-rabbitmq
  bool force_data_path = false;  // --force-data-path (portolan)
  // experimental -s SERVERS (uuids or hostnames), as given: agent changes only on those
  // servers' instances; an update-instance of a simple service or binder elsewhere is refused.
  std::vector<std::string> servers;
};

// The procedure coordinatePlan gives a change (lib/procedures/index.js), in the order it
// adds them to the plan, which is the order they print and run in.
enum class Procedure {
  none,         // not chosen yet (gen_update_plan's output)
  stateless,    // UpdateStatelessServices
  imgapi,       // UpdateSingleHeadnodeImgapi
  moray,        // UpdateMorayV2
  sapi_v1,      // UpdateSingleHNSapiV1 (sapi images before 20180622T144529Z)
  sapi,         // UpdateSapiV2
  manatee,      // UpdateManateeV2
  binder,       // UpdateBinderV2
  agent,        // UpdateAgentV1
  dockerlogger  // UpdateDockerlogger
};
bool is_vm_procedure(Procedure p);
// The real class name ("UpdateStatelessServices"), for messages and tests.
const char* procedure_name(Procedure p);

struct PlannedChange {
  Change::Kind kind;
  std::string service;
  std::string instance_label;  // update_instance: the instance as given
  manifest::ImageManifest image;
  // gen_update_plan: every instance of the service (update_service) or the one instance;
  // coordinate_plan: the instances the procedure moves (indexes into State::instances()).
  std::vector<std::size_t> instances;
  Procedure procedure = Procedure::none;
  bool servers_chosen = false;  // an agent service change limited by -s ("update-instances")
};

// The agents UpdateAgentV1 may update (lib/procedures/index.js:725-729, updateAgent's `allowed`).
bool agent_update_allowed(const std::string& service);

struct Plan {
  // coordinate_plan: in procedure order (spec order within one procedure).
  std::vector<PlannedChange> changes;
  // Changes coordinatePlan dropped without a word (no procedure takes them, and another
  // change went to the same selector): sdcadm exits 0 and these instances stay as they are.
  std::vector<PlannedChange> dropped;
  std::vector<std::string> skipped;  // reprs of the agent {service, server} changes (no instances)
  std::vector<std::string> notes;    // progress lines coordinatePlan prints ("Note: There are no ...")
};

// How sdcadm prints a VError MultiError (vasync's, VError.errorFromList's): node-cmdln
// unrolls it to the one message, or "N errors:" then "\n    <message>" each (cmdln.js:1466-1481).
std::string multi_error_text(const std::vector<std::string>& messages);

// genUpdatePlan up to its locks. Throws Error(usage) for unknown services/instances/servers
// and conflicting changes, Error(not_found) for an image missing from (or not active in) the
// DC IMGAPI, Error(bad_data) for an image whose name does not fit the service (several of
// these: multi_error_text of them all, as normalizeChanges reports them), Error(network)
// for what would need the updates server, and Error(usage) with the real text for a locked
// rabbitmq or portolan change. The plan's changes are in spec order, with no procedure.
Plan gen_update_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
                     const ImageLookup& lookup, const PlanOptions& options = {});

// coordinatePlan (procedures.cpp): gives each change its procedure and instances, drops what
// the real one drops silently, and throws Error(usage) with the real text for what it refuses
// ("Individual update of manatee instances is not allowed", "do not support the following
// changes:", "Instance ... is not on server(s) ...", "unknown servers ...").
Plan coordinate_plan(Plan plan, const State& state, const PlanOptions& options = {});

// Both.
Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, const PlanOptions& options = {});

// Moves each planned instance to its image (image uuid, version) and, for a service
// change not limited to chosen servers, the SAPI service's params.image_uuid. Dropped
// changes move nothing.
void apply_plan(const Plan& plan, State& state);

// What createPlan writes as plan.json's "targ" (lib/sdcadm.js:2524-2535): the DC's
// instances with every instance of each changed service on the change's image, dropped
// changes included (createPlan runs before coordinatePlan).
common::Json target_instances(const Plan& plan, const State& state);

}  // namespace fake_sdcadm
