#include <tools/fake_sdcadm/plan.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <array>
#include <set>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

const char* k_updates_url = "https://updates.tritondatacenter.com";

// coordinatePlan's updateAgent `allowed` list (sdcadm.md §2.6, item 9).
const std::array<const char*, 12> k_update_agent_allowed = {
    "cn-agent",   "vm-agent",    "net-agent",       "agents_core", "firewaller", "smartlogin",
    "config-agent", "amon-agent", "amon-relay", "hagfish-watcher", "cmon-agent", "firewall-logger-agent"};

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

[[noreturn]] void needs_updates_server(const std::string& what) {
  throw Error(ExitCode::network,
              what + " needs the updates server (" + k_updates_url +
                  "), which this offline DC cannot reach: the real sdcadm fails here too; "
                  "give an image UUID that is in the DC IMGAPI");
}

// The image of a change, looked up in the DC IMGAPI and checked against the service's
// valid names (TOOLS-1239).
manifest::ImageManifest resolve_image(const Change& ch, const std::string& service,
                                      const NameMap& names, const ImageLookup& lookup) {
  if (!ch.image) {
    needs_updates_server(ch.version ? "finding version \"" + *ch.version + "\" from " + ch.repr
                                    : "finding the latest image for " + ch.repr);
  }
  const std::optional<manifest::ImageManifest> image = lookup(*ch.image);
  if (!image) {
    throw Error(ExitCode::not_found,
                "image " + *ch.image + " from " + ch.repr + " is not in the DC IMGAPI; the real "
                "sdcadm would look it up on the updates server (" + k_updates_url +
                ") and fail offline: import it into the DC IMGAPI first");
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
  bool ok = false;
  for (const std::string& n : it->second) ok = ok || n == image->name();
  if (!ok) {
    throw Error(ExitCode::bad_data, "image " + image->uuid() + " (" + image->name() + "@" +
                                        image->version() + ") is invalid for service " + service +
                                        ", valid images must have name \"" +
                                        quoted_names(it->second) + "\"");
  }
  return *image;
}

std::optional<std::size_t> find_instance(const State& state, const std::string& id) {
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (insts[i].at("instance").get<std::string>() == id ||
        string_field(insts[i], "alias") == id) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<std::size_t> service_instances(const State& state, const std::string& service) {
  std::vector<std::size_t> out;
  const Json& insts = state.instances();
  for (std::size_t i = 0; i < insts.size(); ++i) {
    if (insts[i].at("service").get<std::string>() == service) out.push_back(i);
  }
  return out;
}

// dropNoops: nothing to do when every instance already runs the target image.
bool is_noop(const PlannedChange& pc, const State& state) {
  for (const std::size_t i : pc.instances) {
    if (state.instances()[i].at("image").get<std::string>() != pc.image.uuid()) return false;
  }
  return true;
}

// checkForConflictingChanges: one change per service or instance, never a service together
// with one of its instances.
void check_conflicts(const std::vector<PlannedChange>& changes, const State& state) {
  std::set<std::string> services;
  std::set<std::size_t> instances;
  for (const PlannedChange& pc : changes) {
    if (pc.kind == Change::Kind::update_service && !services.insert(pc.service).second) {
      throw Error(ExitCode::usage, "conflicting changes: more than one change for service \"" +
                                       pc.service + "\"");
    }
  }
  for (const PlannedChange& pc : changes) {
    if (pc.kind != Change::Kind::update_instance) continue;
    const std::size_t i = pc.instances.front();
    const std::string id = state.instances()[i].at("instance").get<std::string>();
    if (!instances.insert(i).second || services.count(pc.service) != 0) {
      throw Error(ExitCode::usage, "conflicting changes: instance \"" + id +
                                       "\" is changed more than once (or with its service \"" +
                                       pc.service + "\")");
    }
  }
}

// -s SERVERS as server uuids (a hostname names its server, as serverFromUuidOrHostname).
// The DC's servers are those of its instances. Error(usage) names the unknown ones.
std::set<std::string> chosen_servers(const State& state, const std::vector<std::string>& servers) {
  std::set<std::string> uuids;
  std::vector<std::string> unknown;
  for (const std::string& s : servers) {
    const Json& insts = state.instances();
    const auto it = std::find_if(insts.begin(), insts.end(), [&](const Json& in) {
      return string_field(in, "server") == s || string_field(in, "hostname") == s;
    });
    if (it == insts.end()) {
      unknown.push_back(s);
    } else {
      uuids.insert(string_field(*it, "server"));
    }
  }
  if (!unknown.empty()) throw Error(ExitCode::usage, "unknown servers \"" + join(unknown, "\", \"") + "\"");
  return uuids;
}

// The change as coordinatePlan's "do not support" summary shows it ({type, service, image}).
std::string unsupported_summary(const PlannedChange& pc) {
  const std::string type = pc.kind == Change::Kind::update_instance ? "update-instance"
                           : pc.servers_chosen                      ? "update-instances"
                                                                    : "update-service";
  return common::dump_json(Json{{"type", type}, {"service", pc.service}, {"image", pc.image.uuid()}}, -1);
}

// coordinatePlan's agent handlers, after dropNoops: -s limits agent changes to the chosen
// servers' instances (an instance elsewhere is an error), a change left with no instance
// has no procedure, and an agent UpdateAgentV1 does not allow is left over, which fails.
std::vector<PlannedChange> scope_agents(std::vector<PlannedChange> planned, const State& state,
                                        const PlanScope& scope) {
  const std::set<std::string> servers = chosen_servers(state, scope.servers);
  std::vector<PlannedChange> kept;
  std::vector<std::string> unsupported;
  for (PlannedChange& pc : planned) {
    if (pc.procedure == Procedure::vm) {
      kept.push_back(std::move(pc));
      continue;
    }
    const bool allowed = pc.procedure == Procedure::dockerlogger || agent_update_allowed(pc.service);
    if (!servers.empty() && pc.kind == Change::Kind::update_instance) {
      const Json& in = state.instances()[pc.instances.front()];
      if (servers.count(string_field(in, "server")) == 0) {
        throw Error(ExitCode::usage, "Instance \"" + string_field(in, "instance") + "\" is not on server(s) \"" +
                                         join(scope.servers, ", ") + "\"");
      }
    } else if (!servers.empty()) {
      pc.servers_chosen = true;
      auto& insts = pc.instances;
      insts.erase(std::remove_if(insts.begin(), insts.end(), [&](std::size_t i) {
                    return servers.count(string_field(state.instances()[i], "server")) == 0;
                  }), insts.end());
    }
    if (!allowed) {
      unsupported.push_back(unsupported_summary(pc));
    } else if (!pc.instances.empty()) {
      kept.push_back(std::move(pc));
    }
  }
  if (!unsupported.empty()) {
    throw Error(ExitCode::usage, "do not support the following changes:\n    " + join(unsupported, "\n    "));
  }
  return kept;
}

}  // namespace

bool agent_update_allowed(const std::string& service) {
  return std::any_of(k_update_agent_allowed.begin(), k_update_agent_allowed.end(),
                     [&](const char* a) { return service == a; });
}

Plan make_plan(const std::vector<Change>& changes, const State& state, const NameMap& names,
               const ImageLookup& lookup, SameImage same_image, const PlanScope& scope) {
  Plan plan;
  std::vector<PlannedChange> planned;
  for (const Change& ch : changes) {
    if (ch.kind == Change::Kind::update_agent_on_server) {
      plan.skipped.push_back(ch.repr);  // coordinatePlan finds no instances for this form
      continue;
    }
    std::string service = ch.service;
    std::vector<std::size_t> insts;
    if (ch.kind == Change::Kind::update_instance) {
      const auto i = find_instance(state, ch.instance);
      if (!i) throw Error(ExitCode::usage, "unknown instance \"" + ch.instance + "\" from " + ch.repr);
      service = state.instances()[*i].at("service").get<std::string>();
      insts.push_back(*i);
    } else {
      if (state.find_service(service) == nullptr) {
        throw Error(ExitCode::usage, "unknown service \"" + service + "\" from " + ch.repr);
      }
      insts = service_instances(state, service);
    }
    const bool agent = state.find_service(service)->at("type").get<std::string>() == "agent";
    if (agent && scope.agents == AgentChanges::skip) {
      plan.skipped.push_back(ch.repr);  // agents only with `sdcadm experimental update`
      continue;
    }
    const Procedure procedure = !agent ? Procedure::vm
                                : service == "dockerlogger" ? Procedure::dockerlogger : Procedure::agent;
    planned.push_back(PlannedChange{ch.kind, service, ch.instance,
                                    resolve_image(ch, service, names, lookup), insts, procedure});
  }
  check_conflicts(planned, state);
  std::vector<PlannedChange> needed;
  for (PlannedChange& pc : planned) {
    if (same_image == SameImage::drop && is_noop(pc, state)) continue;
    needed.push_back(std::move(pc));
  }
  plan.changes = scope_agents(std::move(needed), state, scope);
  return plan;
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

}  // namespace fake_sdcadm
