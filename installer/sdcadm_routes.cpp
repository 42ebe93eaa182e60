#include <installer/sdcadm_routes.hpp>

#include <algorithm>
#include <array>

// Every rule below is TritonDataCenter/sdcadm at 7fb53d9 (1.39.0); "index.js" is
// lib/procedures/index.js. docs/sdcadm-contract.md has the same table for operators.

namespace installer {
namespace {

// updateSimpleServices' list without the HA-ready ones (index.js:208-213).
const std::array<const char*, 20> k_stateless = {
    "amon", "amonredis", "assets", "cnapi", "cns", "dhcpd", "docker", "fwapi", "grafana", "kbmapi",
    "logarchiver", "manta", "napi", "prometheus", "rabbitmq", "redis", "sdc", "ufds", "vmapi", "volapi"};

// HA_READY_SIMPLE_SVCS (index.js:34-43).
const std::array<const char*, 8> k_stateless_ha = {"adminui", "cloudapi", "cmon", "mahi", "nat", "papi",
                                                   "portolan", "workflow"};

template <std::size_t N>
bool listed(const std::array<const char*, N>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const char* s) { return name == s; });
}

std::string count(std::size_t n) { return std::to_string(n) + " instance" + (n == 1 ? "" : "s"); }

UpRoute held(std::string reason) { return {UpForm::held, std::move(reason)}; }

// Services whose handler takes a whole-service change and itself skips the instances
// already on the target: split only when an instance on a newer image must stay.
UpRoute filtered(const std::string& service, const UpShape& shape) {
  if (!shape.newer_left) return {UpForm::service, ""};
  if (!shape.instance_ids) {
    return held("an instance of " + service + " runs a newer image and another has no instance uuid to name it by");
  }
  return {UpForm::instances, "one change per instance: a service change would also move the instances on a newer image"};
}

}  // namespace

UpProcedure up_procedure(const std::string& service) {
  if (listed(k_stateless, service)) return UpProcedure::stateless;
  if (listed(k_stateless_ha, service)) return UpProcedure::stateless_ha;
  if (service == "imgapi") return UpProcedure::imgapi_headnode;
  if (service == "moray") return UpProcedure::moray;
  if (service == "sapi") return UpProcedure::sapi;
  if (service == "binder") return UpProcedure::binder;
  if (service == "manatee") return UpProcedure::manatee;
  return UpProcedure::none;
}

bool needs_force_rabbitmq(const std::string& service) { return service == "rabbitmq"; }
bool needs_force_data_path(const std::string& service) { return service == "portolan"; }

UpRoute up_route(const std::string& service, const UpShape& shape, const UpPolicy& policy) {
  const UpProcedure procedure = up_procedure(service);
  if (procedure == UpProcedure::none) {
    // Left over after every handler: the whole `sdcadm up` run is refused (index.js:1075-1092).
    return held("sdcadm has no procedure to update \"" + service + "\": `sdcadm up` refuses the change "
                "(do not support the following changes); its image is imported, its instances stay");
  }
  // disallowRabbitmqUpdates (lib/sdcadm.js:2322-2338); `sdcadm up --all` leaves rabbitmq out too
  // (docs/update.md), so a DC usually runs an old one.
  if (needs_force_rabbitmq(service) && !policy.include_rabbitmq) {
    return held("sdcadm holds rabbitmq back (rabbitmq updates are locked; `sdcadm up --all` never updates it): "
                "pass --include-rabbitmq to update it (sdcadm up --force-rabbitmq)");
  }
  switch (procedure) {
    case UpProcedure::stateless:
      // No instance: only the service's image (index.js:234-247). One: a service change
      // (index.js:268-271). More: the service change is dropped without a word
      // (index.js:262-267), but each instance can be changed on its own (index.js:216-230).
      if (shape.params_only || shape.instances <= 1) return {UpForm::service, ""};
      if (!shape.instance_ids) {
        return held("sdcadm updates a service of " + count(shape.instances) + " that is not HA-ready only one "
                    "instance at a time, and an instance has no instance uuid to name it by");
      }
      return {UpForm::instances, "one change per instance: sdcadm drops a service change for " + service +
                                     " when it has " + count(shape.instances) + " (not HA-ready)"};
    case UpProcedure::stateless_ha:
      if (shape.params_only) return {UpForm::service, ""};  // index.js:234-247
      return filtered(service, shape);                      // index.js:253-261
    case UpProcedure::imgapi_headnode:
      // A service change only for exactly one instance on the headnode (index.js:310-338);
      // anything else is dropped without a word.
      if (shape.instances != 1 || !shape.on_headnode) {
        return held("sdcadm updates imgapi only as a single instance on the headnode (UpdateSingleHeadnodeImgapi); "
                    "this DC has " + count(shape.instances) + (shape.on_headnode ? "" : " not all on the headnode"));
      }
      return {UpForm::service, ""};
    case UpProcedure::moray:   // index.js:357-392
    case UpProcedure::sapi:    // index.js:506-550
    case UpProcedure::binder:  // index.js:595-640
      if (shape.params_only) {
        return held("no " + service + " instance, and sdcadm's " + service + " procedure updates instances");
      }
      return filtered(service, shape);
    case UpProcedure::manatee:
      // update-instance is refused for the whole run (index.js:558-563); a service change
      // takes every instance (index.js:565-577; UpdateManateeV2 skips those on the image,
      // update-manatee-v2.js:620-640), so an instance on a newer image would be moved back.
      if (shape.params_only) return held("no manatee instance, and sdcadm's manatee procedure updates instances");
      if (shape.newer_left) {
        return held("sdcadm updates manatee only as a whole service (one instance at a time is refused) and an "
                    "instance runs a newer image, which a service change would move back: --force moves every "
                    "instance to the bundle's image");
      }
      return {UpForm::service, ""};
    case UpProcedure::none:
      break;
  }
  return held("sdcadm has no procedure to update \"" + service + "\"");
}

}  // namespace installer
