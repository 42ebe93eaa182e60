#include <installer/plan.hpp>

#include <installer/plan_detail.hpp>

#include <common/command_words.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <map>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;
using namespace plan_detail;

std::string str_field(const common::Json& row, const char* key, const std::string& where,
                      bool required) {
  if (!row.contains(key) || row[key].is_null()) {
    if (required) throw Error(ExitCode::bad_data, where + ": no \"" + key + "\"");
    return {};
  }
  if (!row[key].is_string()) throw Error(ExitCode::bad_data, where + "." + key + ": not a string");
  return row[key].get<std::string>();
}

// The service targets of the bundle, in index order: service-image artifacts for each of
// their services, agent artifacts for the agent of their name. Two images for one service:
// the newer wins (as sdcadm's "latest").
std::vector<std::pair<std::string, Target>> service_targets(const manifest::BundleIndex& index,
                                                            std::map<std::string, std::string>& types) {
  std::vector<std::pair<std::string, Target>> out;
  auto add = [&](const std::string& service, const Target& t, const char* type) {
    for (auto& [name, old] : out) {
      if (name != service) continue;
      if (manifest::compare_published_at(t.published_at, old.published_at) > 0) old = t;
      return;
    }
    out.emplace_back(service, t);
    types[service] = type;
  };
  for (const auto& a : index.artifacts) {
    if (a.role == "service-image") {
      for (const auto& s : a.services) add(s, target_of(index, a), "vm");
    } else if (a.role == "agent") {
      add(a.name, target_of(index, a), "agent");
    }
  }
  return out;
}

// The shape sdcadm's procedures care about (sdcadm_routes.hpp).
UpShape up_shape(const ServicePlan& sp, const PlanInputs& in, const std::string& headnode) {
  UpShape shape;
  shape.instances = sp.instances;
  shape.params_only = sp.params_only;
  shape.newer_left = std::any_of(sp.dropped.begin(), sp.dropped.end(), [](const DroppedGroup& d) { return d.newer(); });
  shape.on_headnode = !headnode.empty();
  for (const auto& inst : in.dc.instances) {
    if (inst.service == sp.service && inst.hostname != headnode) shape.on_headnode = false;
  }
  for (const auto& g : sp.groups) {
    if (g.kind == GroupKind::already) continue;
    for (const auto& id : g.instances) shape.instance_ids = shape.instance_ids && !id.empty();
  }
  return shape;
}

// Adds one instance to the dropped group of its image (and left-out server).
void add_dropped(ServicePlan& sp, const std::string& image, const std::string& version, const std::string& server) {
  for (auto& d : sp.dropped) {
    if (d.from_image == image && d.server == server) {
      ++d.count;
      return;
    }
  }
  sp.dropped.push_back(DroppedGroup{image, version, 1, server});
}

// Sorts one service's instances into groups. An instance that would move but lives on a
// server the update leaves out stays where it is (a dropped group naming the server).
ServicePlan plan_service(const std::string& service, const std::string& type, const Target& target,
                         const PlanInputs& in, Force force, const ServerChoice& servers) {
  ServicePlan sp;
  sp.service = service;
  sp.type = type;
  sp.target = target;
  std::map<std::pair<std::string, GroupKind>, std::size_t> group_at;
  std::map<std::string, std::optional<ImageFacts>> facts;
  auto facts_of = [&](const std::string& uuid) -> const std::optional<ImageFacts>& {
    auto it = facts.find(uuid);
    if (it == facts.end()) it = facts.emplace(uuid, in.lookup ? in.lookup(uuid) : std::nullopt).first;
    return it->second;
  };
  for (const auto& inst : in.dc.instances) {
    if (inst.service != service) continue;
    ++sp.instances;
    GroupKind kind = GroupKind::update;
    bool drop = false;
    const auto& cur = facts_of(inst.image);
    if (inst.image == target.uuid) {
      kind = force == Force::yes ? GroupKind::forced_same_image : GroupKind::already;
    } else if (cur && !cur->published_at.empty() &&
               manifest::compare_published_at(cur->published_at, target.published_at) >= 0) {
      if (force == Force::yes) kind = GroupKind::forced_downgrade;
      else drop = true;
    }
    const std::string version = !inst.version.empty() ? inst.version : cur ? cur->version : "";
    if (drop || (kind != GroupKind::already && servers.ignores(inst.hostname))) {
      add_dropped(sp, inst.image, version, drop ? "" : inst.hostname);
      continue;
    }
    auto key = std::make_pair(inst.image, kind);
    auto it = group_at.find(key);
    if (it == group_at.end()) {
      it = group_at.emplace(key, sp.groups.size()).first;
      sp.groups.push_back(InstanceGroup{kind, inst.image, version, {}});
    }
    sp.groups[it->second].instances.push_back(inst.instance);
  }
  if (sp.instances == 0) {
    for (const auto& s : in.dc.services) {
      if (s.name != service || s.params_image.empty() || s.params_image == target.uuid) continue;
      const auto& cur = facts_of(s.params_image);
      const bool older = !cur || cur->published_at.empty() ||
                         manifest::compare_published_at(cur->published_at, target.published_at) < 0;
      sp.params_only = older || force == Force::yes;
    }
  }
  return sp;
}

bool runs_service(const DcState& dc, const std::string& name) {
  return std::any_of(dc.services.begin(), dc.services.end(),
                     [&](const DcService& s) { return s.name == name; });
}

// A service (SERVICE argument or SPEC.json entry) the bundle has no image for: the names it
// has, sorted, and the nearest one.
Error unknown_limit_service(const std::string& service, const manifest::BundleIndex& index,
                            const std::vector<std::pair<std::string, Target>>& targets) {
  std::vector<std::string> names;
  for (const auto& t : targets) names.push_back(t.first);
  for (const char* role : {"sdcadm", "agentsshar", "gz-tools", "platform"}) {
    if (find_role(index, role)) names.emplace_back(role);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string message = "no service \"" + service + "\" in the bundle";
  const std::string near = common::closest_name(service, names);
  message += near.empty() ? std::string(".") : "; did you mean " + near + "?";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return Error(ExitCode::usage, message + " Services: " + list);
}

// -f SPEC.json may name only what the bundle carries, at the bundle's image.
void check_limit(const SpecLimit& limit, const manifest::BundleIndex& index,
                 const std::vector<std::pair<std::string, Target>>& targets) {
  for (const auto& e : limit.entries) {
    auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == e.service; });
    const bool artifact = e.service == "sdcadm" || e.service == "agentsshar" ||
                          e.service == "gz-tools" || e.service == "platform";
    const manifest::BundleArtifact* art = artifact ? find_role(index, e.service) : nullptr;
    if (it == targets.end() && !art) throw unknown_limit_service(e.service, index, targets);
    const std::string uuid = art ? art->uuid : it->second.uuid;
    const std::string version = art ? art->version : it->second.version;
    if ((e.image && *e.image != uuid) || (e.version && *e.version != version)) {
      throw Error(ExitCode::usage, "SPEC.json asks for another image of \"" + e.service +
                                       "\" than the bundle's " + uuid + " (" + version +
                                       "); an offline update can only install what the bundle carries");
    }
  }
}

// The bundle's images the DC IMGAPI does not have active (platforms never go there).
void add_imports(Plan& plan, const PlanInputs& in) {
  const manifest::BundleIndex& index = *in.index;
  for (const auto& a : index.artifacts) {
    if (a.role == "platform" || a.role == "installer" || a.uuid.empty()) continue;
    if (std::any_of(plan.imports.begin(), plan.imports.end(), [&](const ImportImage& i) { return i.uuid == a.uuid; })) continue;
    const auto facts = in.lookup ? in.lookup(a.uuid) : std::nullopt;
    if (facts && facts->state == "active") continue;
    plan.imports.push_back(ImportImage{a.uuid, a.name, a.version, target_of(index, a).size});
  }
}

}  // namespace

namespace {

bool moves(const ServicePlan& sp) {
  if (sp.params_only) return true;
  return std::any_of(sp.groups.begin(), sp.groups.end(),
                     [](const InstanceGroup& g) { return g.kind != GroupKind::already; });
}

}  // namespace

bool ServicePlan::needs_update() const { return moves(*this) || !left_out_servers().empty(); }

bool ServicePlan::changes() const { return !held() && moves(*this); }

std::vector<std::string> ServicePlan::left_out_servers() const {
  std::vector<std::string> out;
  for (const auto& d : dropped) {
    if (!d.newer() && std::find(out.begin(), out.end(), d.server) == out.end()) out.push_back(d.server);
  }
  return out;
}

bool ServicePlan::forced_same_image() const {
  return std::any_of(groups.begin(), groups.end(),
                     [](const InstanceGroup& g) { return g.kind == GroupKind::forced_same_image; });
}

bool Plan::has_changes() const {
  for (const auto* a : {&sdcadm, &agentsshar, &agent_set, &gz_tools, &platform}) {
    if (*a && (*a)->run) return true;
  }
  return std::any_of(services.begin(), services.end(), [](const ServicePlan& s) { return s.changes(); });
}

bool SpecLimit::names(const std::string& service) const {
  return std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.service == service; });
}

DcState parse_dc_state(const common::Json& svcs, const common::Json& insts) {
  DcState dc;
  if (!svcs.is_array()) throw Error(ExitCode::bad_data, "sdcadm svcs -j: not a JSON array");
  if (!insts.is_array()) throw Error(ExitCode::bad_data, "sdcadm insts -j: not a JSON array");
  for (std::size_t i = 0; i < svcs.size(); ++i) {
    const std::string where = "sdcadm svcs -j: [" + std::to_string(i) + "]";
    const auto& row = svcs[i];
    if (!row.is_object()) throw Error(ExitCode::bad_data, where + ": not an object");
    DcService s{str_field(row, "name", where, true), str_field(row, "type", where, false),
                str_field(row, "uuid", where, false), ""};
    if (row.contains("params") && row["params"].is_object()) {
      s.params_image = str_field(row["params"], "image_uuid", where + ".params", false);
    }
    dc.services.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < insts.size(); ++i) {
    const std::string where = "sdcadm insts -j: [" + std::to_string(i) + "]";
    const auto& row = insts[i];
    if (!row.is_object()) throw Error(ExitCode::bad_data, where + ": not an object");
    const std::string type = str_field(row, "type", where, false);
    dc.instances.push_back(DcInstance{
        type, str_field(row, "service", where, true),
        str_field(row, "instance", where, type != "agent"), str_field(row, "alias", where, false),
        str_field(row, "image", where, false), str_field(row, "version", where, false),
        str_field(row, "server", where, false), str_field(row, "hostname", where, false)});
  }
  return dc;
}

namespace {

// The alarm-config step (AlarmPlan): after core-zone changes, when the DC has amon and sdc.
AlarmPlan plan_alarms(const Plan& plan, const DcState& dc) {
  auto has_vm = [&dc](const char* service) {
    return std::any_of(dc.instances.begin(), dc.instances.end(),
                       [&](const DcInstance& i) { return i.type == "vm" && i.service == service; });
  };
  AlarmPlan a;
  a.possible = has_vm("amon") && has_vm("sdc");
  const bool vm_changes = std::any_of(plan.services.begin(), plan.services.end(),
                                      [](const ServicePlan& s) { return s.type == "vm" && s.changes(); });
  if (!has_vm("amon")) {
    a.reason = "the DC has no amon instance";
  } else if (!has_vm("sdc")) {
    a.reason = "the DC has no sdc instance (sdc-amonadm runs in the sdc zone)";
  } else if (!vm_changes) {
    a.reason = "no core zone changes in this plan (amon probes follow core zones only)";
  } else {
    a.run = true;
    a.reason = "after the core zone changes";
  }
  return a;
}

}  // namespace

Plan make_plan(const PlanInputs& in, const PlanOptions& options) {
  const manifest::BundleIndex& index = *in.index;
  Plan plan;
  plan.bundle_id = index.bundle_id;
  plan.force = options.force;
  plan.policy = options.policy;
  plan.servers = choose_servers(in.dc.servers, options.exclude_servers);
  auto selected = [&](const std::string& name) { return !options.limit || options.limit->names(name); };

  std::map<std::string, std::string> types;
  const auto targets = service_targets(index, types);
  if (options.limit) check_limit(*options.limit, index, targets);

  bool any_agent_selected = false;
  for (const auto& [service, target] : targets) {
    const bool agent = types[service] == "agent";
    const bool chosen = selected(service) || (agent && options.limit && options.limit->names("agentsshar"));
    if (!chosen) {
      plan.not_selected.push_back(service);
      continue;
    }
    if (!runs_service(in.dc, service)) {
      plan.not_deployed.push_back(service);
      continue;
    }
    ServicePlan sp = plan_service(service, types[service], target, in, options.force, plan.servers);
    if (sp.type == "vm") sp.route = up_route(service, up_shape(sp, in, plan.servers.headnode_hostname), options.policy);
    if (sp.type == "vm" && !sp.held() && !sp.left_out_servers().empty()) {
      // sdcadm reprovisions an instance on its own server: not while that server is left out.
      sp.route = {UpForm::held, "an instance runs on " + joined(sp.left_out_servers()) +
                                    ", which this update leaves out (see servers below); bring it back, then run "
                                    "sdcadm-install again"};
    }
    if (agent && sp.changes() && agent_route(service) == AgentRoute::installer) any_agent_selected = true;
    plan.services.push_back(std::move(sp));
  }

  if (const auto* a = find_role(index, "sdcadm"); a && selected("sdcadm")) {
    plan.sdcadm = plan_sdcadm(index, *a, in, options.force);
  }
  const bool has_agent_targets = std::any_of(targets.begin(), targets.end(),
                                             [&](const auto& t) { return types[t.first] == "agent"; });
  plan_agents(plan, in, options, any_agent_selected, has_agent_targets);
  if (const auto* a = find_role(index, "gz-tools"); a && selected("gz-tools")) {
    plan.gz_tools = plan_file_artifact(index, *a, in, options.force);
  }
  if (const auto* a = find_role(index, "platform"); a && selected("platform")) {
    plan.platform = plan_file_artifact(index, *a, in, options.force);
  }
  add_imports(plan, in);
  plan.alarms = plan_alarms(plan, in.dc);
  return plan;
}

namespace {

// An agent service goes whole when every instance moves (UpdateAgentV1 takes every instance
// of a service change, lib/procedures/index.js:758-790), else per instance.
bool agent_whole(const ServicePlan& sp) {
  const bool all_move = sp.dropped.empty() && std::none_of(sp.groups.begin(), sp.groups.end(), [](const InstanceGroup& g) {
                          return g.kind == GroupKind::already;
                        });
  return sp.params_only || all_move || sp.forced_same_image();
}

bool as_service(const ServicePlan& sp) {
  return sp.type == "vm" ? sp.route.form == UpForm::service : agent_whole(sp);
}

}  // namespace

common::Json up_spec(const std::vector<const ServicePlan*>& services) {
  common::Json spec = common::Json::array();
  for (const ServicePlan* sp : services) {
    if (!sp->changes()) continue;
    if (as_service(*sp)) {
      spec.push_back({{"service", sp->service}, {"image", sp->target.uuid}});
      continue;
    }
    for (const auto& g : sp->groups) {
      if (g.kind == GroupKind::already) continue;
      for (const auto& inst : g.instances) spec.push_back({{"instance", inst}, {"image", sp->target.uuid}});
    }
  }
  return spec;
}

std::vector<std::pair<std::string, std::string>> moving_instances(const std::vector<const ServicePlan*>& services) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ServicePlan* sp : services) {
    if (!sp->changes()) continue;
    for (const auto& g : sp->groups) {
      if (g.kind == GroupKind::already) continue;
      for (const auto& inst : g.instances) {
        if (!inst.empty()) out.emplace_back(inst, sp->target.uuid);
      }
    }
  }
  return out;
}

}  // namespace installer
