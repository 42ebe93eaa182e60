#include <installer/plan_text.hpp>

#include <installer/apply.hpp>

#include <common/progress.hpp>

#include <algorithm>
#include <sstream>

namespace installer {
namespace {

// Services `sdcadm up` runs one at a time after the others, in this order (DESIGN.md step 8).
const char* const k_ordered[] = {"sapi", "moray", "binder", "manatee"};

std::string count_of(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// " (VERSION)" for what an instance runs now, "" when neither sdcadm insts nor IMGAPI said.
std::string version_of(const std::string& version) { return version.empty() ? "" : " (" + version + ")"; }

std::string image_label(const Target& t) { return "image " + t.uuid + " (" + t.name + "@" + t.version + ")"; }

void group_line(std::ostringstream& out, const ServicePlan& sp, const InstanceGroup& g) {
  const std::string n = count_of(g.instances.size(), "instance");
  switch (g.kind) {
    case GroupKind::update:
      out << "    " << n << " will be updated from image " << g.from_image << version_of(g.from_version) << "\n";
      break;
    case GroupKind::already: out << "    " << n << " already at image " << sp.target.uuid << "\n"; break;
    case GroupKind::forced_same_image:
      out << "    " << n << " forced same-image update at image " << sp.target.uuid << "\n";
      break;
    case GroupKind::forced_downgrade:
      out << "    " << n << " forced downgrade from image " << g.from_image << version_of(g.from_version) << "\n";
      break;
  }
}

// How the shar's agents are installed, for the lines about instances on newer images: the
// agentsshar installs its own agents on every server whatever runs there (newer ones too);
// the bootstrap made from agent images leaves an agent on a newer image alone (docs/agents.md).
enum class AgentInstaller { none, shar, bootstrap };

void service_block(std::ostringstream& out, const ServicePlan& sp, AgentInstaller installer = AgentInstaller::none) {
  if (!sp.changes()) return;
  out << "update \"" << sp.service << "\" service (" << count_of(sp.instances, "instance") << ") to "
      << image_label(sp.target) << ":\n";
  if (sp.params_only) out << "    no instances: the service's image is set for new ones\n";
  if (sp.route.form == UpForm::instances) out << "    (" << sp.route.reason << ")\n";
  for (const auto& g : sp.groups) group_line(out, sp, g);
  for (const auto& d : sp.dropped) {
    if (!d.newer()) {
      out << "    " << count_of(d.count, "instance") << " left at image " << d.from_image << " on " << d.server
          << " (the server is left out, see servers below)\n";
    } else if (installer == AgentInstaller::shar) {
      out << "    " << count_of(d.count, "instance") << " on newer image " << d.from_image
          << " will be moved back to the shar's (the agentsshar reinstalls every agent)\n";
    } else if (installer == AgentInstaller::bootstrap) {
      out << "    " << count_of(d.count, "instance") << " left at image " << d.from_image
          << " (not older than the target; the agents bootstrap never downgrades an agent)\n";
    } else {
      out << "    " << count_of(d.count, "instance") << " left at image " << d.from_image << version_of(d.from_version)
          << " (not older than the target; --force to downgrade)\n";
    }
  }
}

bool is_ordered(const std::string& service) {
  for (const char* s : k_ordered) if (service == s) return true;
  return false;
}

// Services sdcadm cannot update in this DC's shape, and why (sdcadm_routes.hpp).
void held_block(std::ostringstream& out, const Plan& plan) {
  bool first = true;
  for (const auto& sp : plan.services) {
    if (!sp.held() || !sp.needs_update()) continue;
    if (first) out << "held back (their images are imported; the instances stay as they are):\n";
    first = false;
    out << "    \"" << sp.service << "\" (" << count_of(sp.instances, "instance") << ") to " << image_label(sp.target)
        << ":\n        " << sp.route.reason << "\n";
  }
}

// Where update-agents and update-gz-tools run, and the servers left out.
void servers_block(std::ostringstream& out, const Plan& plan) {
  const bool agents = (plan.agentsshar && plan.agentsshar->run) || (plan.agent_set && plan.agent_set->run);
  const bool gz_tools = plan.gz_tools && plan.gz_tools->run;
  const auto& choice = plan.servers;
  if (!agents && !gz_tools && choice.left_out.empty()) return;
  out << "servers: " << count_of(choice.targets.size() + choice.left_out.size(), "server") << " in CNAPI";
  if (agents || gz_tools) {
    out << "; " << (agents ? "agents" : "") << (agents && gz_tools ? " and " : "") << (gz_tools ? "gz-tools" : "")
        << " on " << count_of(choice.targets.size(), "server") << ":";
    std::vector<DcServer> shown = choice.targets;  // the headnode first, then by hostname
    std::sort(shown.begin(), shown.end(), [](const DcServer& a, const DcServer& b) {
      return a.headnode != b.headnode ? a.headnode : a.hostname < b.hostname;
    });
    for (const auto& s : shown) out << " " << s.hostname;
  }
  out << "\n";
  for (const auto& l : choice.left_out) out << "    left out: " << l.server.label() << ": " << l.why << "\n";
}

void artifact_line(std::ostringstream& out, const ArtifactPlan& a) {
  if (!a.run) return;
  const std::string forced = a.note == "forced downgrade" ? " (forced downgrade)" : "";
  if (a.role == "sdcadm") {
    out << "self-update sdcadm" << (a.current.empty() ? "" : " " + a.current) << " to " << image_label(a.target)
        << forced << "\n";
  } else if (a.role == "agentsshar") {
    out << "update agents with agentsshar " << image_label(a.target) << ":\n    " << a.stage_as << "\n";
  } else if (a.role == "agent-set") {
    out << "update agents from the bundle's " << a.current << " (bootstrap " << a.target.version << "):\n    "
        << a.stage_as << "\n";
  } else if (a.role == "gz-tools") {
    out << "update gz-tools to " << image_label(a.target) << forced << ":\n    " << a.stage_as << "\n";
  } else if (a.role == "platform") {
    out << "install platform " << a.target.version << forced << ":\n    " << a.stage_as << "\n";
    const std::string stamp = manifest::buildstamp_time(a.target.version).value_or(a.target.version);
    out << "    (installing does not boot it: afterwards run sdcadm platform assign " << stamp
        << " --all, then reboot the servers)\n";
  }
}

void up_to_date(std::ostringstream& out, const Plan& plan) {
  std::vector<std::string> lines;
  for (const auto& sp : plan.services) {
    if (sp.changes() || (sp.held() && sp.needs_update())) continue;
    std::size_t at_target = 0, dropped = 0;
    for (const auto& g : sp.groups) at_target += g.kind == GroupKind::already ? g.instances.size() : 0;
    for (const auto& d : sp.dropped) dropped += d.count;
    // Instances neither at the target nor left are ones nothing can move (a note says why).
    if (at_target + dropped < sp.instances) continue;
    std::string line = "\"" + sp.service + "\" (";
    if (at_target > 0 || dropped == 0) line += count_of(at_target, "instance") + " at image " + sp.target.uuid;
    for (const auto& d : sp.dropped) {
      line += (line.back() == '(' ? "" : ", ") + count_of(d.count, "instance") +
              (d.newer() ? " left at newer image " + d.from_image : " left on " + d.server + " (left out)");
    }
    lines.push_back(line + ")");
  }
  for (const auto* a : {&plan.sdcadm, &plan.agentsshar, &plan.agent_set, &plan.gz_tools, &plan.platform}) {
    if (*a && !(*a)->run) lines.push_back((*a)->role + ": " + (*a)->note);
  }
  if (lines.empty()) return;
  out << "already up to date:\n";
  for (const auto& l : lines) out << "    " << l << "\n";
}

void name_list(std::ostringstream& out, const char* title, const std::vector<std::string>& names) {
  if (names.empty()) return;
  out << title;
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? ", " : " ") << names[i];
  out << "\n";
}

common::Json target_json(const Target& t) {
  return {{"uuid", t.uuid}, {"name", t.name}, {"version", t.version}, {"published_at", t.published_at}, {"size", t.size}};
}

common::Json servers_json(const ServerChoice& choice) {
  common::Json targets = common::Json::array(), left_out = common::Json::array();
  for (const auto& s : choice.targets) targets.push_back({{"uuid", s.uuid}, {"hostname", s.hostname}});
  for (const auto& l : choice.left_out) {
    left_out.push_back({{"uuid", l.server.uuid}, {"hostname", l.server.hostname}, {"why", l.why}});
  }
  return {{"headnode", choice.headnode_hostname}, {"targets", targets}, {"left_out", left_out}};
}

common::Json artifact_json(const std::optional<ArtifactPlan>& a) {
  if (!a) return nullptr;
  return {{"role", a->role}, {"target", target_json(a->target)}, {"stage_as", a->stage_as},
          {"current", a->current}, {"run", a->run}, {"note", a->note}};
}

// The first screen (issue 12 item 7): what the plan does, counted, and the steps in the
// order apply runs them; the break-out follows.
void summary_block(std::ostringstream& out, const Plan& plan) {
  const std::vector<std::string> steps = plan_step_names(plan);
  if (steps.empty()) return;
  std::uint64_t import_bytes = 0;
  for (const auto& i : plan.imports) import_bytes += i.size;
  std::size_t services = 0, moving = 0, held = 0, current = 0, agents = 0;
  for (const auto& sp : plan.services) {
    if (sp.type == "agent") {
      agents += sp.changes() ? 1 : 0;
      continue;
    }
    if (sp.held() && sp.needs_update()) ++held;
    else if (sp.changes()) ++services;
    else ++current;
    if (!sp.changes()) continue;
    for (const auto& g : sp.groups) moving += g.kind == GroupKind::already ? 0 : g.instances.size();
  }
  out << "summary:\n";
  out << "    images:    "
      << (plan.imports.empty() ? std::string("none to import (the DC IMGAPI has them)")
                               : "import " + count_of(plan.imports.size(), "image") + " (" +
                                     common::format_bytes(import_bytes) + ") into the DC IMGAPI")
      << "\n";
  out << "    services:  "
      << (services == 0 ? std::string("none to update")
                        : "update " + count_of(services, "service") + " (" + count_of(moving, "instance") + ")");
  if (held > 0) out << ", " << held << " held back";
  if (current > 0) out << ", " << current << " up to date";
  out << "\n";
  const std::optional<ArtifactPlan>& installer = plan.agent_set && plan.agent_set->run ? plan.agent_set : plan.agentsshar;
  out << "    agents:    ";
  if (installer && installer->run) {
    out << "update " << count_of(agents, "agent service") << " on " << count_of(plan.servers.targets.size(), "server")
        << " (" << (installer->role == "agent-set" ? "bootstrap " : "agentsshar ") << installer->target.version << ")";
  } else if (agents > 0) {
    out << "update " << count_of(agents, "agent service") << " (sdcadm experimental update)";
  } else {
    out << "unchanged";
  }
  out << "\n";
  auto artifact = [&out](const char* label, const std::optional<ArtifactPlan>& a, const char* verb) {
    out << "    " << label;
    if (!a) out << "not in this bundle";
    else if (a->run) out << verb << " " << a->target.version << (a->note == "forced downgrade" ? " (forced downgrade)" : "");
    else out << "unchanged (" << a->note << ")";
    out << "\n";
  };
  artifact("sdcadm:    ", plan.sdcadm, "self-update to");
  artifact("gz-tools:  ", plan.gz_tools, "update to");
  artifact("platform:  ", plan.platform, "install");
  std::uint64_t files = 0;
  for (const auto* a : {&plan.agentsshar, &plan.gz_tools, &plan.platform}) files += *a && (*a)->run ? (*a)->target.size : 0;
  out << "    bytes:     " << common::format_bytes(import_bytes) << " into IMGAPI, " << common::format_bytes(files)
      << " of files sdcadm installs\n";
  out << "    steps:     ";
  for (std::size_t i = 0; i < steps.size(); ++i) out << (i ? ", " : "") << steps[i];
  out << "\n" << "details:\n";
}

}  // namespace

const char* to_string(GroupKind kind) {
  switch (kind) {
    case GroupKind::update: return "update";
    case GroupKind::already: return "already";
    case GroupKind::forced_same_image: return "forced_same_image";
    case GroupKind::forced_downgrade: return "forced_downgrade";
  }
  return "update";
}

std::string plan_text(const Plan& plan) {
  std::ostringstream out;
  out << "Plan for bundle " << plan.bundle_id << (plan.force == Force::yes ? " (--force)" : "") << ":\n";
  summary_block(out, plan);
  if (!plan.imports.empty()) {
    std::uint64_t bytes = 0;
    for (const auto& i : plan.imports) bytes += i.size;
    out << "import " << count_of(plan.imports.size(), "image") << " (" << common::format_bytes(bytes) << ") from bundle:\n";
    for (const auto& i : plan.imports) out << "    image " << i.uuid << " (" << i.name << "@" << i.version << ")\n";
  }
  if (plan.sdcadm) artifact_line(out, *plan.sdcadm);
  if (plan.agentsshar) artifact_line(out, *plan.agentsshar);
  if (plan.agent_set) artifact_line(out, *plan.agent_set);
  const AgentInstaller installer = plan.agentsshar && plan.agentsshar->run      ? AgentInstaller::shar
                                   : plan.agent_set && plan.agent_set->run ? AgentInstaller::bootstrap
                                                                           : AgentInstaller::none;
  for (const auto& sp : plan.services) {
    if (sp.type == "agent" && installer != AgentInstaller::none && agent_route(sp.service) == AgentRoute::installer) {
      service_block(out, sp, installer);
    }
  }
  if (!experimental_update_services(plan).empty()) out << "update agents with sdcadm experimental update:\n";
  for (const ServicePlan* sp : experimental_update_services(plan)) service_block(out, *sp);
  if (plan.has_changes()) out << "run sdcadm experimental update-other\n";
  if (plan.gz_tools) artifact_line(out, *plan.gz_tools);
  for (const auto& sp : plan.services) if (sp.type != "agent" && !is_ordered(sp.service)) service_block(out, sp);
  for (const char* name : k_ordered) {
    for (const auto& sp : plan.services) if (sp.service == name) service_block(out, sp);
  }
  // The alarm-config step (amon_probes.hpp), where apply runs it: after the last up. A plan
  // that changes nothing has no reason to mention it.
  if (plan.alarms.run) out << "update amon probes with sdc-amonadm update (" << plan.alarms.reason << ")\n";
  else if (plan.has_changes()) out << "amon probes: not updated (" << plan.alarms.reason << ")\n";
  if (plan.platform) artifact_line(out, *plan.platform);
  held_block(out, plan);
  servers_block(out, plan);
  up_to_date(out, plan);
  name_list(out, "not deployed in this DC:", plan.not_deployed);
  name_list(out, "not selected by the spec:", plan.not_selected);
  for (const auto& n : plan.notes) out << "note: " << n << "\n";
  if (!plan.has_changes() && plan.imports.empty()) {
    out << "Nothing to do: the DC already runs what this bundle offers.\n";
  } else if (!plan.has_changes()) {
    // Said exactly (issue 12 item 5): apply does stage and import, and nothing else.
    out << "Nothing else to do: the DC already runs what this bundle offers (or newer); apply only stages the "
           "bundle and imports its "
        << count_of(plan.imports.size(), "image") << " into the DC IMGAPI.\n";
  }
  return out.str();
}

common::Json plan_json(const Plan& plan) {
  common::Json j = {{"bundle_id", plan.bundle_id}, {"force", plan.force == Force::yes}, {"changes", plan.has_changes()}};
  common::Json imports = common::Json::array();
  for (const auto& i : plan.imports) imports.push_back({{"uuid", i.uuid}, {"name", i.name}, {"version", i.version}, {"size", i.size}});
  j["imports"] = imports;
  j["steps"] = plan_step_names(plan);  // in the order apply runs them (the summary's "steps")
  j["sdcadm"] = artifact_json(plan.sdcadm);
  j["agentsshar"] = artifact_json(plan.agentsshar);
  j["agent_set"] = artifact_json(plan.agent_set);
  j["gz_tools"] = artifact_json(plan.gz_tools);
  j["platform"] = artifact_json(plan.platform);
  j["alarms"] = {{"run", plan.alarms.run}, {"reason", plan.alarms.reason}};
  common::Json services = common::Json::array();
  for (const auto& sp : plan.services) {
    common::Json groups = common::Json::array();
    for (const auto& g : sp.groups) {
      groups.push_back({{"kind", to_string(g.kind)}, {"from_image", g.from_image}, {"from_version", g.from_version},
                        {"count", g.instances.size()}, {"instances", g.instances}});
    }
    common::Json dropped = common::Json::array();
    for (const auto& d : sp.dropped) {
      dropped.push_back({{"reason", d.newer() ? "downgrade" : "server-left-out"}, {"from_image", d.from_image},
                         {"from_version", d.from_version}, {"count", d.count},
                         {"server", d.newer() ? common::Json(nullptr) : common::Json(d.server)}});
    }
    services.push_back({{"service", sp.service}, {"type", sp.type}, {"target", target_json(sp.target)},
                        {"instances", sp.instances}, {"changes", sp.changes()}, {"groups", groups},
                        {"dropped", dropped}, {"params_only", sp.params_only},
                        {"held", sp.held() ? common::Json(sp.route.reason) : common::Json(nullptr)},
                        {"per_instance", sp.route.form == UpForm::instances}});
  }
  j["services"] = services;
  j["servers"] = servers_json(plan.servers);
  j["include_rabbitmq"] = plan.policy.include_rabbitmq;
  j["not_deployed"] = plan.not_deployed;
  j["not_selected"] = plan.not_selected;
  j["notes"] = plan.notes;
  return j;
}

}  // namespace installer
