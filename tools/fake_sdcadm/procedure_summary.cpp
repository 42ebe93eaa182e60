// Each procedure's summarize() as `sdcadm update` prints the plan (sdcadm lib/procedures/
// update-*.js at 7fb53d9): a plan's changes, grouped by procedure in the plan's order. The
// texts are the real ones, odd spacing included (common.indent puts 4 spaces on every line,
// an empty one too).
#include <tools/fake_sdcadm/procedures.hpp>

#include <sstream>

namespace fake_sdcadm {

using common::Json;

namespace {

std::string label(const manifest::ImageManifest& image) { return image.name() + "@" + image.version(); }

std::string zone_of(const Json& inst) {
  const std::string zone = string_field(inst, "zonename");
  return zone.empty() ? string_field(inst, "instance") : zone;
}

// 'update instance "I" (alias)\nof service "S" to image U\n' (update-stateless-services-v1.js:41-45
// and the same in imgapi, moray, sapi).
std::string instance_head(const PlannedChange& pc, const Json& inst) {
  return "update instance \"" + string_field(inst, "instance") + "\" (" + string_field(inst, "alias") +
         ")\nof service \"" + pc.service + "\" to image " + pc.image.uuid() + "\n";
}

// Whether the real selector gave the change "insts" (the service has several instances,
// index.js:365-379, 565-577, 613-629) rather than "inst": only then are instances listed.
bool several(const PlannedChange& pc, const State& state) {
  std::size_t n = 0;
  for (const Json& in : state.instances()) n += string_field(in, "service") == pc.service ? 1 : 0;
  return n > 1;
}

std::string service_head(const PlannedChange& pc) {
  return "update \"" + pc.service + "\" service to image " + pc.image.uuid();
}

// UpdateStatelessServices and UpdateSapiV2 (update-stateless-services-v1.js:37-73,
// update-sapi-v2.js:26-61): instances "on server"; a service with no instance has none.
std::string stateless(const PlannedChange& pc, const State& state) {
  if (pc.kind == Change::Kind::update_instance) {
    return instance_head(pc, state.instances()[pc.instances.front()]) + "\n    (" + label(pc.image) + ")";
  }
  std::string out = service_head(pc) + "\n    (" + label(pc.image) + ")";
  if (!pc.instances.empty()) out += ":";
  for (const std::size_t i : pc.instances) {
    const Json& in = state.instances()[i];
    out += "\n    instance \"" + zone_of(in) + "\" (" + string_field(in, "alias") + ") on server " +
           string_field(in, "server");
  }
  return out;
}

// UpdateSingleHeadnodeImgapi and UpdateSingleHNSapiV1 (update-single-headnode-imgapi.js:41-60,
// update-single-hn-sapi-v1.js:36-55): no instance lines; the first change decides the form.
std::string headnode_only(const std::vector<const PlannedChange*>& group, const State& state) {
  std::string out;
  for (const PlannedChange* pc : group) {
    out += out.empty() ? "" : "\n";
    out += group.front()->kind == Change::Kind::update_instance
               ? instance_head(*pc, state.instances()[pc->instances.front()])
               : service_head(*pc) + "\n";
    out += "    (" + label(pc->image) + ")";
  }
  return out;
}

// UpdateMorayV2 and UpdateManateeV2 (update-moray-v2.js:34-62, update-manatee-v2.js:54-70):
// the first change only, instances "in server" when there are several.
std::string first_change_only(const std::vector<const PlannedChange*>& group, const State& state) {
  const PlannedChange& c0 = *group.front();
  if (c0.kind == Change::Kind::update_instance) return headnode_only(group, state);
  const bool listed = several(c0, state);
  std::string out = service_head(c0) + (listed ? ":" : "") + "\n    (" + label(c0.image) + ")";
  for (const std::size_t i : listed ? c0.instances : std::vector<std::size_t>{}) {
    const Json& in = state.instances()[i];
    out += "\n    instance \"" + zone_of(in) + "\" (" + string_field(in, "alias") + ") in server " +
           string_field(in, "server");
  }
  return out;
}

// UpdateBinderV2 (update-binder-v2.js:38-74).
std::string binder(const PlannedChange& pc, const State& state) {
  if (pc.kind == Change::Kind::update_instance) {
    const Json& in = state.instances()[pc.instances.front()];
    return "update instance \"" + string_field(in, "instance") + "\" (" + string_field(in, "alias") +
           ")\n    of service \"" + pc.service + "\" to image " + pc.image.uuid() + "\n        (" + label(pc.image) +
           ")";
  }
  const bool listed = several(pc, state);
  std::string out = service_head(pc) + (listed ? ":" : "") + "\n    (" + label(pc.image) + ")";
  for (const std::size_t i : listed ? pc.instances : std::vector<std::size_t>{}) {
    const Json& in = state.instances()[i];
    out += "\n    instance \"" + zone_of(in) + "\" (" + string_field(in, "alias") + ")" +
           (string_field(in, "image") == pc.image.uuid() ? " is already at version " + pc.image.version()
                                                         : " on server " + string_field(in, "server"));
  }
  return out;
}

// UpdateAgentV1 (update-agent-v1.js:41-66) and UpdateDockerlogger (update-dockerlogger.js:40-57).
std::string agent(const PlannedChange& pc, const State& state) {
  const std::string count = std::to_string(pc.instances.size());
  if (pc.kind == Change::Kind::update_instance) {
    return "update \"" + string_field(state.instances()[pc.instances.front()], "instance") + "\" instance of \"" +
           pc.service + "\" service\n    to image " + pc.image.uuid() + " (" + label(pc.image) + ")";
  }
  if (pc.procedure == Procedure::dockerlogger) {
    return "update \"dockerlogger\" service to image " + pc.image.uuid() + " \n    " + label(pc.image) + "\nin " +
           (pc.instances.empty() ? std::string("all the setup") : count) + " servers";
  }
  return (pc.servers_chosen ? "update instances of service \"" + pc.service + "\" to image " + pc.image.uuid()
                            : service_head(pc)) +
         "\n    (" + label(pc.image) + ")" + (pc.instances.empty() ? "" : "\non " + count + " servers");
}

std::string summarize(const std::vector<const PlannedChange*>& group, const State& state) {
  switch (group.front()->procedure) {
    case Procedure::imgapi:
    case Procedure::sapi_v1:
      return headnode_only(group, state);
    case Procedure::moray:
    case Procedure::manatee:
      return first_change_only(group, state);
    default:
      break;
  }
  std::string out;
  for (const PlannedChange* pc : group) {
    out += out.empty() ? "" : "\n";
    const Procedure p = pc->procedure;
    out += p == Procedure::binder                                    ? binder(*pc, state)
           : p == Procedure::agent || p == Procedure::dockerlogger ? agent(*pc, state)
                                                                    : stateless(*pc, state);
  }
  return out;
}

}  // namespace

std::vector<std::string> plan_summary(const Plan& plan, const State& state) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < plan.changes.size();) {
    std::vector<const PlannedChange*> group;
    std::size_t end = start;
    while (end < plan.changes.size() && plan.changes[end].procedure == plan.changes[start].procedure) {
      group.push_back(&plan.changes[end++]);
    }
    std::istringstream text(summarize(group, state));
    for (std::string line; std::getline(text, line);) lines.push_back("    " + line);
    start = end;
  }
  return lines;
}

}  // namespace fake_sdcadm
