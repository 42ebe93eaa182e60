// coordinatePlan's procedure selection (sdcadm lib/procedures/index.js:100-1100, at 7fb53d9).
// Each selector runs over the changes still unclaimed and sorts each one into "handle"
// (its procedure takes it), "pass" (left for the next selectors) or neither (the real
// code only logs "skip change"). The quirk that matters: the real selector replaces the
// list of changes with its "remaining" ones only when it handled at least one change, so a
// skipped change silently disappears when another change went to the same selector, and
// otherwise stays and ends in "do not support the following changes" (e.g. napi with two
// instances alone is refused, napi with two instances next to vmapi is dropped, exit 0).
#include <tools/fake_sdcadm/procedures.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <array>
#include <functional>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

// HA_READY_SIMPLE_SVCS (index.js:35-44): stateless services that run several instances.
const std::array<const char*, 8> k_ha_ready_simple = {"adminui", "cloudapi", "cmon",  "mahi",
                                                      "nat",     "papi",     "portolan", "workflow"};
// updateSimpleServices' list (index.js:208-212), plus the HA-ready ones.
const std::array<const char*, 20> k_simple = {"amon",   "amonredis", "assets", "cnapi",       "cns",
                                              "dhcpd",  "docker",    "fwapi",  "grafana",     "kbmapi",
                                              "logarchiver", "manta", "napi",  "prometheus",  "rabbitmq",
                                              "redis",  "sdc",       "ufds",   "vmapi",       "volapi"};
// updateAgent's `allowed` (index.js:725-729).
const std::array<const char*, 12> k_update_agent_allowed = {
    "cn-agent",     "vm-agent",   "net-agent",  "agents_core",     "firewaller", "smartlogin",
    "config-agent", "amon-agent", "amon-relay", "hagfish-watcher", "cmon-agent", "firewall-logger-agent"};
// From these versions SAPI updates without a temporary instance (index.js:50-51).
const char* k_first_non_circular_sapi_version = "20180622T144529Z";
const char* k_first_non_circular_sapi_release = "20180705";

template <std::size_t N>
bool in(const std::array<const char*, N>& list, const std::string& name) {
  return std::any_of(list.begin(), list.end(), [&](const char* s) { return name == s; });
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

enum class Verdict { handle, pass, skip };

struct Selector {
  const State& state;
  const PlanOptions& options;
  std::vector<std::string> server_uuids;  // -s as uuids, once updateAgent has mapped them
  std::vector<std::string> errors;        // this selector's, thrown after it (VError.errorFromList)

  const Json& inst(std::size_t i) const { return state.instances()[i]; }
  std::vector<std::size_t> of_service(const std::string& service) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < state.instances().size(); ++i) {
      if (string_field(inst(i), "service") == service) out.push_back(i);
    }
    return out;
  }
  // The service's instances not on the change's image, unless --force-same-image: the HA
  // services, moray, sapi and binder update only those (index.js:253-262, 368-375, 518-525, 615-622).
  std::vector<std::size_t> not_on_target(const PlannedChange& pc, std::vector<std::size_t> insts) const {
    if (options.same_image == SameImage::force) return insts;
    insts.erase(std::remove_if(insts.begin(), insts.end(),
                               [&](std::size_t i) { return string_field(inst(i), "image") == pc.image.uuid(); }),
                insts.end());
    return insts;
  }
  // An update-instance outside -s (compared with -s as given: uuids, index.js:219-226, 600-607).
  bool off_servers(const PlannedChange& pc, const std::vector<std::string>& servers) {
    const Json& in = inst(pc.instances.front());
    if (servers.empty() || std::find(servers.begin(), servers.end(), string_field(in, "server")) != servers.end()) {
      return false;
    }
    errors.push_back("Instance \"" + string_field(in, "instance") + "\" is not on server(s) \"" +
                     join(servers, ", ") + "\"");
    return true;
  }
};

// One selector over `changes`; see the top of this file for what happens to skipped ones.
void select(std::vector<PlannedChange>& changes, Plan& plan, Selector& sel, Procedure procedure,
            const std::function<Verdict(PlannedChange&)>& take) {
  std::vector<PlannedChange> handled, remaining, skipped;
  for (PlannedChange& pc : changes) {
    const Verdict v = take(pc);
    if (v == Verdict::handle) pc.procedure = procedure;
    (v == Verdict::handle ? handled : v == Verdict::pass ? remaining : skipped).push_back(pc);
  }
  if (!handled.empty()) {
    changes = std::move(remaining);
    plan.dropped.insert(plan.dropped.end(), skipped.begin(), skipped.end());
    plan.changes.insert(plan.changes.end(), handled.begin(), handled.end());
  }
  if (!sel.errors.empty()) throw Error(ExitCode::usage, multi_error_text(sel.errors));
}

bool is_agent(const State& state, const std::string& service) {
  return state.find_service(service)->at("type").get<std::string>() == "agent";
}

// updateSingleHeadnodeSapi's test (index.js:402-417): an image version before
// FIRST_NON_CIRCULAR_SAPI_VERSION (release-YYYYMMDD-… against its release date).
bool old_sapi_version(const std::string& version) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto dash = version.find('-', start);
    parts.push_back(version.substr(start, dash - start));
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  if (parts.size() <= 2) return true;
  if (parts[0] == "release") return parts[1] < k_first_non_circular_sapi_release;
  return parts[parts.size() - 2] < k_first_non_circular_sapi_version;
}

// updateAgent's check and mapping of -s (index.js:733-748): every name must be a CNAPI server.
std::vector<std::string> server_uuids(const State& state, const std::vector<std::string>& servers) {
  std::vector<std::string> unknown, uuids;
  for (const std::string& s : servers) {
    const Json* server = state.find_server(s);
    if (server == nullptr) {
      unknown.push_back(s);
    } else {
      uuids.push_back(string_field(*server, "uuid"));
    }
  }
  if (!unknown.empty()) throw Error(ExitCode::usage, "unknown servers \"" + join(unknown, "\", \"") + "\"");
  return uuids;
}

// An agent or dockerlogger change's instances: the service's, on the -s servers if any, or
// the one instance, refused when off the -s servers (index.js:750-784, 835-862).
void agent_instances(PlannedChange& pc, Selector& sel) {
  if (pc.kind == Change::Kind::update_service) {
    pc.servers_chosen = !sel.server_uuids.empty();  // "update-instances" in the real one
    std::vector<std::size_t> insts = sel.of_service(pc.service);
    if (pc.servers_chosen) {
      insts.erase(std::remove_if(insts.begin(), insts.end(),
                                 [&](std::size_t i) {
                                   const std::string server = string_field(sel.inst(i), "server");
                                   return std::find(sel.server_uuids.begin(), sel.server_uuids.end(), server) ==
                                          sel.server_uuids.end();
                                 }),
                  insts.end());
    }
    pc.instances = insts;
  } else if (sel.off_servers(pc, sel.server_uuids)) {
    pc.instances.clear();
  }
}

// The "do not support" line of a change left over (index.js:1078-1091): {type, service, image}.
std::string unsupported_summary(const PlannedChange& pc) {
  const std::string type = pc.kind == Change::Kind::update_instance ? "update-instance"
                           : pc.servers_chosen                      ? "update-instances"
                                                                    : "update-service";
  return common::dump_json(Json{{"type", type}, {"service", pc.service}, {"image", pc.image.uuid()}}, -1);
}

}  // namespace

bool agent_update_allowed(const std::string& service) { return in(k_update_agent_allowed, service); }

const char* procedure_name(Procedure p) {
  switch (p) {
    case Procedure::none: return "none";
    case Procedure::stateless: return "UpdateStatelessServices";
    case Procedure::imgapi: return "UpdateSingleHeadnodeImgapi";
    case Procedure::moray: return "UpdateMorayV2";
    case Procedure::sapi_v1: return "UpdateSingleHNSapiV1";
    case Procedure::sapi: return "UpdateSapiV2";
    case Procedure::manatee: return "UpdateManateeV2";
    case Procedure::binder: return "UpdateBinderV2";
    case Procedure::agent: return "UpdateAgentV1";
    case Procedure::dockerlogger: return "UpdateDockerlogger";
  }
  return "?";
}

Plan coordinate_plan(Plan plan, const State& state, const PlanOptions& o) {
  std::vector<PlannedChange> changes = std::move(plan.changes);
  plan.changes.clear();
  Selector sel{state, o, {}, {}};
  const auto is_instance = [](const PlannedChange& pc) { return pc.kind == Change::Kind::update_instance; };
  const auto all_of = [&](const PlannedChange& pc) { return sel.of_service(pc.service); };
  // Where the real one takes "change.insts" (several instances) or "change.inst" (one).
  const auto filtered = [&](const PlannedChange& pc) {
    const auto insts = all_of(pc);
    return insts.size() > 1 ? sel.not_on_target(pc, insts) : insts;
  };

  // updateSimpleServices (index.js:207-298).
  select(changes, plan, sel, Procedure::stateless, [&](PlannedChange& pc) {
    if (!in(k_simple, pc.service) && !in(k_ha_ready_simple, pc.service)) return Verdict::pass;
    if (is_instance(pc)) return sel.off_servers(pc, o.servers) ? Verdict::skip : Verdict::handle;
    const auto insts = all_of(pc);
    if (insts.empty()) {
      plan.notes.push_back("Note: There are no \"" + pc.service +
                           "\" instances. Only the service configuration will be updated.");
    } else if (insts.size() > 1 && !in(k_ha_ready_simple, pc.service)) {
      return Verdict::skip;  // "UpdateStatelessServices skip change: not 1 inst"
    }
    pc.instances = filtered(pc);
    return Verdict::handle;
  });
  // updateSingleHeadnodeImgapi (index.js:300-355): one instance, on the headnode (os.hostname()).
  select(changes, plan, sel, Procedure::imgapi, [&](PlannedChange& pc) {
    if (pc.service != "imgapi") return Verdict::pass;
    if (is_instance(pc)) return Verdict::handle;
    const auto insts = all_of(pc);
    if (insts.size() != 1 || string_field(sel.inst(insts[0]), "hostname") != state.headnode_hostname()) {
      return Verdict::skip;
    }
    pc.instances = insts;
    return Verdict::handle;
  });
  // updateMorays (index.js:357-394).
  select(changes, plan, sel, Procedure::moray, [&](PlannedChange& pc) {
    if (pc.service != "moray") return Verdict::pass;
    if (!is_instance(pc)) pc.instances = filtered(pc);
    return Verdict::handle;
  });
  // updateSingleHeadnodeSapi (index.js:396-504), only for sapi images before 20180622T144529Z.
  bool bad_sapi = false;
  select(changes, plan, sel, Procedure::sapi_v1, [&](PlannedChange& pc) {
    if (pc.service != "sapi" || !old_sapi_version(pc.image.version())) return Verdict::pass;
    if (is_instance(pc)) return Verdict::handle;
    const auto insts = all_of(pc);
    if (insts.size() != 1) {
      bad_sapi = true;
      return Verdict::skip;
    }
    if (string_field(sel.inst(insts[0]), "hostname") != state.headnode_hostname()) return Verdict::skip;
    pc.instances = insts;
    return Verdict::handle;
  });
  if (bad_sapi) throw Error(ExitCode::usage, "Unexpected state for SAPI service instances");
  // updateSapi (index.js:506-551).
  select(changes, plan, sel, Procedure::sapi, [&](PlannedChange& pc) {
    if (pc.service != "sapi") return Verdict::pass;
    if (!is_instance(pc)) pc.instances = filtered(pc);
    return Verdict::handle;
  });
  // updateManatees (index.js:553-593; the refusal 557-562): the whole service only; UpdateManateeV2 then skips the
  // instances already on the image (update-manatee-v2.js:620-640): all end on it.
  select(changes, plan, sel, Procedure::manatee, [&](PlannedChange& pc) {
    if (pc.service != "manatee") return Verdict::pass;
    if (is_instance(pc)) {
      sel.errors.push_back("Individual update of manatee instances is not allowed");
      return Verdict::skip;
    }
    pc.instances = all_of(pc);
    return Verdict::handle;
  });
  // updateBinder (index.js:595-641).
  select(changes, plan, sel, Procedure::binder, [&](PlannedChange& pc) {
    if (pc.service != "binder") return Verdict::pass;
    if (is_instance(pc)) return sel.off_servers(pc, o.servers) ? Verdict::skip : Verdict::handle;
    pc.instances = filtered(pc);
    return Verdict::handle;
  });
  // updateAgent (index.js:722-819): -s checked and mapped first; changes left with no
  // instance get no procedure ("an agent not setup yet").
  sel.server_uuids = server_uuids(state, o.servers);
  select(changes, plan, sel, Procedure::agent, [&](PlannedChange& pc) {
    if (!is_agent(state, pc.service) || pc.service == "dockerlogger") return Verdict::pass;
    agent_instances(pc, sel);
    return agent_update_allowed(pc.service) ? Verdict::handle : Verdict::pass;
  });
  const auto no_instances = [](const PlannedChange& pc) {
    return pc.procedure == Procedure::agent && pc.instances.empty();
  };
  std::copy_if(plan.changes.begin(), plan.changes.end(), std::back_inserter(plan.dropped), no_instances);
  plan.changes.erase(std::remove_if(plan.changes.begin(), plan.changes.end(), no_instances), plan.changes.end());
  // dockerLogger (index.js:821-880).
  select(changes, plan, sel, Procedure::dockerlogger, [&](PlannedChange& pc) {
    if (pc.service != "dockerlogger") return Verdict::pass;
    agent_instances(pc, sel);
    return Verdict::handle;
  });
  // Whatever no procedure took (index.js:1075-1091).
  if (!changes.empty()) {
    std::vector<std::string> lines;
    for (const PlannedChange& pc : changes) lines.push_back(unsupported_summary(pc));
    throw Error(ExitCode::usage, "do not support the following changes:\n    " + join(lines, "\n    "));
  }
  return plan;
}

}  // namespace fake_sdcadm
