// genUpdatePlan's checks up to its locks (sdcadm lib/sdcadm.js:1724-2365); coordinatePlan
// is in procedures.cpp. Line numbers cite TritonDataCenter/sdcadm at 7fb53d9 (1.39.0).
#include <tools/fake_sdcadm/plan.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

const char* k_updates_url = "https://updates.tritondatacenter.com";

// "unknown image "U" from REPR" (lib/sdcadm.js:2056-2060, 2094-2098): the real text, then
// why this offline DC cannot do what the real one would try next.
[[noreturn]] void unknown_image(const std::string& what, const Change& ch, const std::string& why) {
  throw Error(ExitCode::not_found, "unknown image \"" + what + "\" from " + ch.typed_repr + " (" + why + ")");
}

[[noreturn]] void needs_updates_server(const Change& ch) {
  throw Error(ExitCode::network,
              "finding the latest image for " + ch.typed_repr + " needs the updates server (" + k_updates_url +
                  "), which this offline DC cannot reach: the real sdcadm fails here too; give an image "
                  "UUID that is in the DC IMGAPI");
}

// The image of a change, looked up in the DC IMGAPI and checked against the service's
// valid names (TOOLS-1239, lib/sdcadm.js:2046-2082).
manifest::ImageManifest resolve_image(const Change& ch, const std::string& service, const NameMap& names,
                                      const ImageLookup& lookup) {
  if (ch.version) {
    unknown_image(*ch.version, ch, std::string("finding a version needs the updates server, ") + k_updates_url +
                                       ", which this offline DC cannot reach: give an image UUID");
  }
  if (!ch.image) needs_updates_server(ch);
  // getImage: the DC IMGAPI, then the updates server (lib/sdcadm.js:1067-1103). A non-UUID
  // can only be unknown.
  const std::optional<manifest::ImageManifest> image =
      manifest::is_uuid(*ch.image) ? lookup(*ch.image) : std::nullopt;
  if (!image) {
    unknown_image(*ch.image, ch, std::string("not in the DC IMGAPI; the real sdcadm would look it up on the "
                                             "updates server, ") + k_updates_url +
                                     ", and fail offline: import it into the DC IMGAPI first");
  }
  if (image->state() != "active") {
    throw Error(ExitCode::not_found,
                "image " + *ch.image + " is \"" + image->state() + "\" in the DC IMGAPI; the real "
                "sdcadm would re-import it from the updates server and fail offline");
  }
  const auto it = names.find(service);
  if (it == names.end()) {
    throw Error(ExitCode::bad_data, "do not know valid image names for service \"" + service + "\"");
  }
  if (std::find(it->second.begin(), it->second.end(), image->name()) == it->second.end()) {
    std::string valid;
    for (const std::string& n : it->second) valid += (valid.empty() ? "" : "\" or \"") + n;
    throw Error(ExitCode::bad_data, "image " + image->uuid() + " (" + image->name() + "@" + image->version() +
                                        ") is invalid for service " + service + ", valid images must have name \"" +
                                        valid + "\" (update change: " + ch.typed_repr + ")");
  }
  return *image;
}

std::optional<std::size_t> find_instance(const State& state, const std::string& id) {
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (string_field(insts[i], "instance") == id || string_field(insts[i], "alias") == id) return i;
  }
  return std::nullopt;
}

std::vector<std::size_t> service_instances(const State& state, const std::string& service) {
  std::vector<std::size_t> out;
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (string_field(insts[i], "service") == service) out.push_back(i);
  }
  return out;
}

// A change as checkForConflictingChanges and the locks name it: {type, service[, instance]}
// (reprFromChange; JSON.stringify drops an undefined instance).
struct Named {
  std::string type;
  std::string service;
  std::optional<std::string> instance;  // the instance's uuid, for update-instance
  std::string repr() const {
    Json j{{"type", type}, {"service", service}};
    if (instance && !instance->empty()) j["instance"] = *instance;
    return common::dump_json(j, -1);
  }
};

// checkForConflictingChanges (lib/sdcadm.js:2171-2236), over every change in spec order.
void check_conflicts(const std::vector<Named>& changes) {
  std::map<std::string, const Named*> by_service;
  std::map<std::string, const Named*> by_instance;  // "" for the agent {service, server} form
  for (const Named& n : changes) {
    const bool service_change = n.type == "update-service";
    auto& seen = service_change ? by_service : by_instance;
    const std::string key = service_change ? n.service : n.instance.value_or("");
    const auto [it, fresh] = seen.emplace(key, &n);
    if (!fresh) {
      throw Error(ExitCode::usage, std::string("conflict: cannot make multiple changes to the same ") +
                                       (service_change ? "service: " : "instance: ") + n.repr() + " and " +
                                       it->second->repr());
    }
  }
  for (const Named& n : changes) {
    const auto it = by_service.find(n.service);
    if (n.type == "update-instance" && it != by_service.end()) {
      throw Error(ExitCode::usage, "conflict: cannot make changes to a service and an instance of that service: " +
                                       n.repr() + " and " + it->second->repr());
    }
  }
}

// dropNoops (lib/sdcadm.js:2244-2291): nothing to do when all of the SERVICE's instances (not
// just the changed one) run one image and it is the target; a service with no instances
// compares its SAPI params.image_uuid.
bool is_noop(const PlannedChange& pc, const State& state) {
  std::set<std::string> current;
  for (const std::size_t i : service_instances(state, pc.service)) {
    current.insert(string_field(state.instances()[i], "image"));
  }
  if (current.empty()) {
    const Json* svc = state.find_service(pc.service);
    const std::string params_image = svc->contains("params") ? string_field(svc->at("params"), "image_uuid") : "";
    if (!params_image.empty()) current.insert(params_image);
  }
  return current.size() == 1 && *current.begin() == pc.image.uuid();
}

Named named(const PlannedChange& pc, const State& state) {
  if (pc.kind != Change::Kind::update_instance) return {"update-service", pc.service, std::nullopt};
  return {"update-instance", pc.service, string_field(state.instances()[pc.instances.front()], "instance")};
}

// disallowRabbitmqUpdates and disallowDataPathUpdates (lib/sdcadm.js:2322-2365), after
// dropNoops, so a change that is already done is never refused; rabbitmq first.
void check_locks(const std::vector<PlannedChange>& changes, const State& state, const PlanOptions& o) {
  for (const PlannedChange& pc : changes) {
    if (pc.service == "rabbitmq" && !o.force_rabbitmq) {
      throw Error(ExitCode::usage, "rabbitmq updates are locked: " + named(pc, state).repr() +
                                       " (use --force-rabbitmq flag)");
    }
  }
  for (const PlannedChange& pc : changes) {
    if (pc.service == "portolan" && !o.force_data_path) {
      throw Error(ExitCode::usage, "portolan updates are locked: " + named(pc, state).repr() +
                                       " (use --force-data-path flag)");
    }
  }
}

// normalizeChanges' errors as vasync.forEachParallel collects them (lib/sdcadm.js:1926-2163; the
// checks that need no lookup fail first) in a VError MultiError, which node-cmdln prints
// unrolled: the message alone, or "N errors:" and one message per line (cmdln.js:1466-1481).
[[noreturn]] void throw_normalize_errors(const std::vector<Error>& errors) {
  std::vector<std::string> messages;
  for (const Error& e : errors) messages.push_back(e.what());
  throw Error(errors.front().code(), multi_error_text(messages));
}

}  // namespace

std::string multi_error_text(const std::vector<std::string>& messages) {
  if (messages.size() == 1) return messages.front();
  std::string out = std::to_string(messages.size()) + " errors:";
  for (const std::string& m : messages) out += "\n    " + m;
  return out;
}

bool is_vm_procedure(Procedure p) { return p != Procedure::agent && p != Procedure::dockerlogger; }

Plan gen_update_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
                     const ImageLookup& lookup, const PlanOptions& options) {
  Plan plan;
  std::vector<Named> all;  // every change, skipped ones too, for the conflict check
  std::vector<Error> errors;
  std::vector<Error> lookup_errors;
  std::vector<PlannedChange> resolved;
  for (const Change& ch : changes) {
    std::string service = ch.service;
    std::vector<std::size_t> insts;
    if (ch.kind == Change::Kind::update_instance) {
      const auto i = find_instance(state, ch.instance);
      if (!i) {
        errors.emplace_back(ExitCode::usage, "unknown SDC instance or service \"" + ch.instance + "\" from " +
                                                 ch.typed_repr);  // lib/sdcadm.js:2014-2019
        continue;
      }
      service = string_field(state.instances()[*i], "service");
      insts.push_back(*i);
    } else if (state.find_service(service) == nullptr) {
      errors.emplace_back(ExitCode::usage, "unknown service \"" + service + "\" from " + ch.typed_repr);  // :1960-1964
      continue;
    } else {
      insts = service_instances(state, service);
    }
    if (ch.kind == Change::Kind::update_agent_on_server && state.find_server(ch.server) == nullptr) {
      errors.emplace_back(ExitCode::usage, "unknown SDC server \"" + ch.server + "\" from " + ch.typed_repr);  // :2022-2029
      continue;
    }
    // The {service, server} form is an update-instance with no instance (lib/sdcadm.js:1789-1800).
    all.push_back(ch.kind == Change::Kind::update_service          ? Named{"update-service", service, std::nullopt}
                  : ch.kind == Change::Kind::update_agent_on_server ? Named{"update-instance", service, std::nullopt}
                      : Named{"update-instance", service, string_field(state.instances()[insts.front()], "instance")});
    // The agent {service, server} form: coordinatePlan finds no instances for it
    // (updateAgent reads change.instance only, lib/procedures/index.js:766-784).
    if (ch.kind == Change::Kind::update_agent_on_server) {
      plan.skipped.push_back(ch.repr);
      continue;
    }
    try {
      resolved.push_back(PlannedChange{ch.kind, service, ch.instance, resolve_image(ch, service, names, lookup),
                                       insts});
    } catch (const Error& e) {
      lookup_errors.push_back(e);
    }
  }
  errors.insert(errors.end(), lookup_errors.begin(), lookup_errors.end());
  if (!errors.empty()) throw_normalize_errors(errors);
  check_conflicts(all);
  for (PlannedChange& pc : resolved) {
    if (options.same_image == SameImage::drop && is_noop(pc, state)) continue;
    plan.changes.push_back(std::move(pc));
  }
  check_locks(plan.changes, state, options);
  return plan;
}

Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, const PlanOptions& options) {
  return coordinate_plan(gen_update_plan(changes, state, names, lookup, options), state, options);
}

void apply_plan(const Plan& plan, State& state) {
  for (const PlannedChange& pc : plan.changes) {
    for (const std::size_t i : pc.instances) {
      state.instances()[i]["image"] = pc.image.uuid();
      state.instances()[i]["version"] = pc.image.version();
    }
    // UpdateAgentV1 bumps the SAPI service's image only for an update of all its instances.
    if (pc.kind != Change::Kind::update_service || pc.servers_chosen) continue;
    for (Json& svc : state.json()["services"]) {
      if (svc.at("name").get<std::string>() == pc.service) svc["params"]["image_uuid"] = pc.image.uuid();
    }
  }
}

Json target_instances(const Plan& plan, const State& state) {
  Json targ = state.instances();
  for (const auto* list : {&plan.changes, &plan.dropped}) {
    for (const PlannedChange& pc : *list) {
      for (Json& inst : targ) {
        if (string_field(inst, "service") != pc.service) continue;
        inst["image"] = pc.image.uuid();
        inst["version"] = pc.image.version();
      }
    }
  }
  return targ;
}

}  // namespace fake_sdcadm
