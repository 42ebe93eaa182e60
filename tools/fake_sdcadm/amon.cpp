#include <tools/fake_sdcadm/amon.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>
#include <set>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

// sdc-sdc b97e460 probes/sdc: file by file, in the order the files list their entries.
const ProbeTemplate k_role_probes[] = {
    {"cnapi", "dapi saw malformed server object in request", "log-scan"},
    {"cnapi", "root dataset running low on space", "disk-usage"},
    {"cnapi", "cnapi service stopped", "log-scan"},
    {"imgapi", "imgapi image creation failure", "bunyan-log-scan"},
    {"imgapi", "imgapi log fatal", "bunyan-log-scan"},
    {"imgapi", "imgapi log error", "bunyan-log-scan"},
    {"imgapi", "imgapi service stopped", "log-scan"},
    {"manatee", "database dataset space running low", "disk-usage"},
    {"manatee", "manatee-logscan", "bunyan-log-scan"},
    {"manatee", "manatee-snapshotter-logscan", "bunyan-log-scan"},
    {"manatee", "manatee-backupserver-logscan", "bunyan-log-scan"},
    {"manatee", "registrar-logscan", "bunyan-log-scan"},
    {"manatee", "pg_dump-logscan", "log-scan"},
    {"manatee", "manatee-stat", "cmd"},
    {"manatee", "manatee-state-transition", "log-scan"},
    {"sdc", "check-amqp-online", "cmd"},
    {"sdc", "dump-hourly-sdc-data error", "log-scan"},
    {"sdc", "hermes log fatal", "bunyan-log-scan"},
    {"sdc", "hermes log error", "bunyan-log-scan"},
    {"sdc", "hermes log warn", "bunyan-log-scan"},
    {"sdc", "upload-sdc-data error", "log-scan"},
    {"ufds", "ufds-replicator log fatal", "bunyan-log-scan"},
    {"ufds", "ufds-replicator log error", "bunyan-log-scan"},
    {"ufds", "ufds-replicator log warn", "bunyan-log-scan"},
    {"vmapi", "duplicate UUID detected", "bunyan-log-scan"},
    {"vmapi", "vmapi log fatal", "bunyan-log-scan"},
    {"vmapi", "vmapi log warn", "bunyan-log-scan"},
    {"vmapi", "vmapi lost connection to moray", "bunyan-log-scan"},
    {"vmapi", "vmapi nic error", "bunyan-log-scan"},
    {"workflow", "provision job failure", "bunyan-log-scan"},
};
// probes/sdc/common/machine-up.json, added to every role but "compute".
const ProbeTemplate k_common = {"common", "zone up", "machine-up"};

std::string str_of(const common::Json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void check_rows(const common::Json& amon, const char* list, std::initializer_list<const char*> keys) {
  if (!amon.contains(list)) return;
  const common::Json& rows = amon.at(list);
  if (!rows.is_array()) throw Error(ExitCode::bad_data, std::string("state amon.") + list + ": not an array");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string where = std::string("state amon.") + list + "[" + std::to_string(i) + "]";
    if (!rows[i].is_object()) throw Error(ExitCode::bad_data, where + ": not an object");
    for (const char* key : keys) {
      if (!rows[i].contains(key) || !rows[i][key].is_string()) {
        throw Error(ExitCode::bad_data, where + ": \"" + key + "\" is missing or not a string");
      }
    }
  }
}

std::string new_uuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng(), lo = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | (lo >> 48 & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

// The VM instances per role (the service name: core zones carry smartdc_role = service).
std::map<std::string, std::vector<std::string>> instances_by_role(const State& state) {
  std::map<std::string, std::vector<std::string>> out;
  for (const common::Json& i : state.instances()) {
    if (str_of(i, "type") != "vm") continue;  // lib/topo.js:25-34: vm instances only
    out[str_of(i, "service")].push_back(str_of(i, "instance"));
  }
  for (auto& [role, ids] : out) std::sort(ids.begin(), ids.end());
  return out;
}

// The image of the sdc zone sdc-amonadm runs from: the wrapper takes the newest sdc zone
// (wrap.sh:27-31, `tail -1` by create_timestamp); the state's last one.
std::string sdc_zone_image(const State& state) {
  std::string image;
  for (const common::Json& i : state.instances()) {
    if (str_of(i, "type") == "vm" && str_of(i, "service") == "sdc") image = str_of(i, "image");
  }
  return image;
}

// The state's "amon" object with both lists present. Both are made before a caller takes
// a reference into either: common::Json keeps keys in insertion order (a vector), so an
// insert would move them.
common::Json& amon_section(State& state) {
  common::Json& amon = state.json()["amon"];
  if (!amon.is_object()) amon = common::Json::object();
  for (const char* list : {"probegroups", "probes"}) {
    if (!amon.contains(list)) amon[list] = common::Json::array();
  }
  return amon;
}

}  // namespace

std::vector<ProbeTemplate> probe_templates() {
  std::vector<ProbeTemplate> out;
  std::set<std::string> roles;
  for (const ProbeTemplate& t : k_role_probes) roles.insert(t.role);
  for (const std::string& role : roles) {
    for (const ProbeTemplate& t : k_role_probes) {
      if (t.role == role) out.push_back(t);
    }
    if (role != "compute") out.push_back({role, k_common.name, k_common.type});
  }
  return out;
}

void check_amon_section(const common::Json& amon) {
  if (amon.is_null()) return;
  if (!amon.is_object()) throw Error(ExitCode::bad_data, "state amon: not an object");
  check_rows(amon, "probegroups", {"uuid", "name"});
  check_rows(amon, "probes", {"uuid", "name", "type", "group", "agent", "sdc_image"});
}

void check_amonadm_can_run(const State& state, const std::string& dns_suffix) {
  if (sdc_zone_image(state).empty()) {
    // wrap.sh:32-35, printed by the wrapper itself (not cmdln).
    throw Error(ExitCode::step_failed, "error: sdc-amonadm: unable to find a 'sdc' core zone on this node");
  }
  const bool amon = std::any_of(state.instances().begin(), state.instances().end(), [](const common::Json& i) {
    return str_of(i, "type") == "vm" && str_of(i, "service") == "amon";
  });
  if (!amon) {
    // The amon client of amonadm.config.json (amon.url http://amon.<dc>.<dns_domain>,
    // sdc-sdc sapi_manifests/sdc_amonadm/template) finds no such host; node's words.
    throw Error(ExitCode::step_failed, "sdc-amonadm: error: getaddrinfo ENOTFOUND amon." + dns_suffix);
  }
}

AmonUpdate update_probes(State& state, std::ostream& out) {
  check_amon_section(state.json().contains("amon") ? state.json()["amon"] : common::Json());
  const auto roles = instances_by_role(state);
  const std::vector<ProbeTemplate> templates = probe_templates();
  for (const ProbeTemplate& t : templates) {
    if (!roles.count(t.role)) {
      throw Error(ExitCode::step_failed, "sdc-amonadm: error: role \"" + t.role + "\" not a valid role");
    }
  }
  const std::string sdc_image = sdc_zone_image(state);
  common::Json& amon = amon_section(state);
  common::Json& groups = amon["probegroups"];
  common::Json& probes = amon["probes"];

  std::map<std::string, std::string> group_of;  // role -> group uuid
  for (const common::Json& g : groups) group_of.emplace(str_of(g, "name"), str_of(g, "uuid"));
  AmonUpdate counts;
  std::vector<std::string> lines;
  std::set<std::string> kept;
  common::Json next = common::Json::array();
  for (const auto& [role, ids] : roles) {
    bool has_templates = false;
    for (const ProbeTemplate& t : templates) has_templates = has_templates || t.role == role;
    if (!has_templates) continue;
    if (!group_of.count(role)) {
      const std::string uuid = new_uuid();
      groups.push_back({{"uuid", uuid}, {"name", role}, {"contacts", {"email", "pagerdutyemail"}}});
      group_of[role] = uuid;
    }
    const std::string group = group_of[role];
    for (const std::string& agent : ids) {
      for (const ProbeTemplate& t : templates) {
        if (t.role != role) continue;
        // The first probe on this agent with this group and name (lib/probes.js:296-318).
        const auto found = std::find_if(probes.begin(), probes.end(), [&](const common::Json& p) {
          return str_of(p, "agent") == agent && str_of(p, "group") == group && str_of(p, "name") == t.name &&
                 !kept.count(str_of(p, "uuid"));
        });
        common::Json p = {{"uuid", found != probes.end() ? str_of(*found, "uuid") : new_uuid()},
                          {"name", t.name}, {"type", t.type}, {"group", group}, {"agent", agent},
                          {"sdc_image", sdc_image}};
        if (found == probes.end()) {
          ++counts.added;
          lines.push_back("Probe " + str_of(p, "uuid") + " has been created");
        } else if (str_of(*found, "type") != t.type || str_of(*found, "sdc_image") != sdc_image) {
          ++counts.updated;
          lines.push_back("Probe " + str_of(p, "uuid") + " has been updated");
        } else {
          ++counts.unchanged;
          lines.push_back("Probe " + str_of(p, "uuid") + " is unchanged");
        }
        kept.insert(str_of(p, "uuid"));
        next.push_back(std::move(p));
      }
    }
  }
  for (const common::Json& p : probes) counts.dropped += kept.count(str_of(p, "uuid")) ? 0 : 1;
  probes = std::move(next);
  for (const std::string& line : lines) out << line << "\n";
  out << "added " << counts.added << " probes\n"
      << "updated " << counts.updated << " probes\n"
      << "dropped " << counts.dropped << " probes\n";
  return counts;
}

std::string list_probes(const State& state, bool header, const std::vector<std::string>& roles,
                        const std::vector<std::string>& machines) {
  const common::Json amon = state.json().contains("amon") ? state.json().at("amon") : common::Json();
  check_amon_section(amon);
  std::map<std::string, std::string> role_of;  // group uuid -> name (lib/probes.js:487-494)
  if (amon.is_object() && amon.contains("probegroups")) {
    for (const common::Json& g : amon.at("probegroups")) role_of[str_of(g, "uuid")] = str_of(g, "name");
  }
  struct Row {
    std::string role, agent, uuid, name;
  };
  std::vector<Row> rows;
  if (amon.is_object() && amon.contains("probes")) {
    for (const common::Json& p : amon.at("probes")) {
      const std::string group = str_of(p, "group");
      Row r{role_of.count(group) ? role_of[group] : "", str_of(p, "agent"), str_of(p, "uuid"), str_of(p, "name")};
      if (!roles.empty() && std::find(roles.begin(), roles.end(), r.role) == roles.end()) continue;
      if (!machines.empty() && std::none_of(machines.begin(), machines.end(), [&](const std::string& m) {
            return r.agent.find(m) != std::string::npos;
          })) {
        continue;
      }
      rows.push_back(std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.role, a.agent, a.uuid) < std::tie(b.role, b.agent, b.uuid);
  });
  std::string out;
  char line[512];
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::snprintf(line, sizeof line, "%-18s %-8s %-8s ", a.c_str(), b.c_str(), c.c_str());
    out += line + d + "\n";
  };
  if (header) row("ROLE", "MACHINE", "PROBE", "NAME");
  for (const Row& r : rows) row(r.role, r.agent.substr(0, 7), r.uuid.substr(0, 7), r.name);
  return out;
}

}  // namespace fake_sdcadm
