#pragma once
// How `sdcadm up` can carry out the update of one core (VM) service in this DC's shape.
// sdcadm 1.39.0 turns the changes of an update spec into procedures in coordinatePlan
// (TritonDataCenter/sdcadm lib/procedures/index.js); a change no procedure takes is either
// refused for the whole run ("do not support the following changes", index.js:1075-1092)
// or silently dropped (the instances stay where they are and sdcadm exits 0): dropped when
// the handler that skipped it took another change of the run (`changes = remaining`,
// index.js:279), refused otherwise. genUpdatePlan
// adds two locks on top (lib/sdcadm.js:2322-2365). The installer must therefore never send a
// change sdcadm cannot take: this file decides, per service, whether it goes as one service
// change, as one change per instance, or not at all (held back, with the reason shown in the
// plan). Pure logic; the rules and their sources are listed in docs/sdcadm-contract.md.
//
// Agents are not decided here: they go through update-agents or `experimental update`
// (plan_agents.cpp).

#include <cstddef>
#include <string>

namespace installer {

// The coordinatePlan handler that takes a service's changes.
enum class UpProcedure {
  stateless,        // updateSimpleServices, not HA-ready: a service change needs exactly 1 instance
  stateless_ha,     // updateSimpleServices, HA_READY_SIMPLE_SVCS: skips instances on the target
  imgapi_headnode,  // updateSingleHeadnodeImgapi: one instance, on the headnode
  moray,            // updateMorays (filtered like the HA services)
  sapi,             // updateSapi (UpdateSapiV2, filtered)
  binder,           // updateBinder (filtered)
  manatee,          // updateManatees: the whole service only
  none,             // no handler: `sdcadm up` refuses the change (e.g. dapi)
};
UpProcedure up_procedure(const std::string& service);

// What the plan knows about a service's update in this DC.
struct UpShape {
  std::size_t instances = 0;      // all instances of the service
  bool params_only = false;       // no instances: only the SAPI service's image changes
  bool newer_left = false;        // an instance on a newer image stays there (no --force)
  bool on_headnode = false;       // every instance is on the headnode
  bool instance_ids = true;       // every moving instance has an instance uuid
};

enum class UpForm {
  service,    // {"service": S, "image": U}
  instances,  // {"instance": I, "image": U} per moving instance
  held,       // left out of the spec; `reason` says why
};

struct UpRoute {
  UpForm form = UpForm::service;
  std::string reason;  // held: why, for the plan; instances: why the service is split
};

struct UpPolicy {
  bool include_rabbitmq = false;  // --include-rabbitmq: send it, with sdcadm up --force-rabbitmq
};

UpRoute up_route(const std::string& service, const UpShape& shape, const UpPolicy& policy);

// The flags `sdcadm up` needs for a spec that names `service` (lib/sdcadm.js:2322-2365):
// rabbitmq needs --force-rabbitmq, portolan --force-data-path.
bool needs_force_rabbitmq(const std::string& service);
bool needs_force_data_path(const std::string& service);

}  // namespace installer
