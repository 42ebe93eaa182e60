// sdcadm check-health|health [-j] [NAME|UUID|type=...] (sdcadm.md §6.10; lib/sdcadm.js
// checkHealth, lib/cli/do_check_health.js). One row per checked instance plus the
// headnode's "global" row. Unhealthy: the state's "unhealthy" list (instance uuids) and the
// check-health fault; an instance on a server that does not answer ur (not running, or
// "ur": "timeout") gets ur's error and no "healthy" at all.
#include <tools/fake_sdcadm/health.hpp>

#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/servers.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

// What the arguments select (do_check_health.js:44-122, checkHealth's lookupServices and
// lookupInstances, lib/sdcadm.js:3917-4015).
struct Selection {
  std::string type;                    // "" = both (type=vm and type=agent together: both)
  std::set<std::string> services, ids;  // from names and uuids
  bool by_name = false;                 // names given: type= is then ignored (checkHealth({uuids}))
};

Selection parse_filters(const State& state, const std::vector<std::string>& filters) {
  Selection sel;
  std::set<std::string> types;
  std::vector<std::string> unknown;
  for (const std::string& arg : filters) {
    const auto eq = arg.find('=');
    if (eq != std::string::npos) {  // do_check_health.js:58-85
      if (arg.substr(0, eq) != "type") throw Error(ExitCode::usage, "invalid argument: " + arg);
      const std::string value = arg.substr(eq + 1, arg.find('=', eq + 1) - eq - 1);
      if (value != "vm" && value != "agent") throw Error(ExitCode::usage, "invalid instance type: " + value);
      types.insert(value);
      continue;
    }
    sel.by_name = true;
    if (manifest::is_uuid(arg)) {  // a service or instance uuid, taken as given
      sel.ids.insert(arg);
      for (const Json& svc : state.services()) {
        if (string_field(svc, "uuid") == arg) sel.services.insert(string_field(svc, "name"));
      }
      continue;
    }
    // replaceNamesWithUuids (do_check_health.js:99-122): a service name, else an alias.
    if (state.find_service(arg) != nullptr) {
      sel.services.insert(arg);
      continue;
    }
    const auto inst = std::find_if(state.instances().begin(), state.instances().end(), [&](const Json& i) {
      return string_field(i, "alias") == arg && i.contains("instance");
    });
    if (inst == state.instances().end()) {
      unknown.push_back(arg);
    } else {
      sel.ids.insert(string_field(*inst, "instance"));
    }
  }
  if (!unknown.empty()) {  // do_check_health.js:249-254
    std::string list;
    for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
    throw Error(ExitCode::usage, "unrecognized service or instance: " + list);
  }
  if (types.size() == 1) sel.type = *types.begin();
  return sel;
}

bool selected(const Selection& sel, const Json& inst) {
  if (sel.by_name) {
    return sel.services.count(string_field(inst, "service")) > 0 || sel.ids.count(string_field(inst, "instance")) > 0;
  }
  return sel.type.empty() || string_field(inst, "type") == sel.type;
}

// The row of one instance; the state's unhealthy list and the fault say what svcs would.
Json health_row(const Json& inst, const State& state, const std::optional<Fault>& fault, bool ur_error) {
  Json row = {{"type", string_field(inst, "type")}};
  Json errors = Json::array();
  if (ur_error) {
    // checkUrInst (lib/sdcadm.js:4053-4064): ur exec fails, health_errors is set and
    // healthy was deleted (4050-4051); urclient's message (node-urclient
    // lib/ur_client.js:623-624).
    errors.push_back({{"message", "timeout for host " + string_field(inst, "server")}});
  } else {
    const std::string id = string_field(inst, "instance");
    const Json& unhealthy = state.json().at("unhealthy");
    if (!id.empty() && std::find(unhealthy.begin(), unhealthy.end(), Json(id)) != unhealthy.end()) {
      errors.push_back({{"message", "SMF service(s) in maintenance: svc:/smartdc/application/" +
                                        string_field(inst, "service") + ":default"}});
    }
    if (fault_matches(fault, "check-health", string_field(inst, "service"))) {
      errors.push_back({{"message", "simulated failure (fake-sdcadm fault knob)"}});
    }
    row["healthy"] = errors.empty();
  }
  // displayResults' field order (do_check_health.js:165-183); an absent field stays absent.
  row["hostname"] = string_field(inst, "hostname");
  for (const char* key : {"instance", "alias"}) {
    if (inst.contains(key)) row[key] = string_field(inst, key);
  }
  row["service"] = string_field(inst, "service");
  if (!errors.empty()) row["health_errors"] = errors;
  return row;
}

// -type,service,hostname,instance (do_check_health.js:189-190); a missing value sorts first.
bool row_before(const Json& a, const Json& b) {
  if (string_field(a, "type") != string_field(b, "type")) return string_field(a, "type") > string_field(b, "type");
  for (const char* key : {"service", "hostname", "instance"}) {
    if (string_field(a, key) != string_field(b, key)) return string_field(a, key) < string_field(b, key);
  }
  return false;
}

// tabula 1.9.0 lib/tabula.js:371-372: null or undefined prints "-".
std::string cell(const Json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return "-";
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return it->is_string() ? it->get<std::string>() : common::dump_json(*it, -1);
}

// healthErrRepr (do_check_health.js:129-157): "%8s: %s" per present field, then every
// error message trimmed, joined by "--" lines, one "   Error: " line each.
std::string error_block(const Json& row) {
  std::string out;
  char buf[64];
  auto line = [&](const char* label, const std::string& value) {
    std::snprintf(buf, sizeof buf, "%8s: ", label);
    out += buf + value + "\n";
  };
  for (const auto& [key, label] : std::vector<std::pair<const char*, const char*>>{
           {"type", "Type"}, {"instance", "Instance"}, {"service", "Service"}, {"hostname", "Hostname"},
           {"alias", "Alias"}}) {
    if (row.contains(key)) line(label, string_field(row, key));
  }
  std::string text;
  for (const Json& e : row.at("health_errors")) {
    std::string m = string_field(e, "message");
    m.erase(0, m.find_first_not_of(" \t\n"));
    m.erase(m.find_last_not_of(" \t\n") + 1);
    text += (text.empty() ? "" : "\n--\n") + m;
  }
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t nl = text.find('\n', from);
    line("Error", text.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  return out;
}

}  // namespace

std::vector<Json> health_rows(const State& state, const std::optional<Fault>& fault,
                              const std::vector<std::string>& filters) {
  const Selection sel = parse_filters(state, filters);
  const std::vector<ServerInfo> servers = server_list(state);
  std::string headnode_uuid;
  for (const ServerInfo& s : servers) {
    if (s.headnode && headnode_uuid.empty()) headnode_uuid = s.uuid;
  }
  std::vector<Json> rows;
  for (const Json& inst : state.instances()) {
    const std::string service = string_field(inst, "service");
    if (!selected(sel, inst)) continue;
    // TRITON-884: cabase and cainstsvc are not checked (lib/sdcadm.js:3998-4004); agents_core
    // has no SMF service, its check returns nothing and the row is dropped (4041-4044,
    // 4125-4128, 4270-4272).
    if (service == "cabase" || service == "cainstsvc" || service == "agents_core") continue;
    // The headnode's instances are checked with svcs on the headnode itself
    // (checkHeadnodeInst, 4111-4171), the others through ur (checkUrInst, 4020-4108).
    const std::string server = string_field(inst, "server");
    const auto s = std::find_if(servers.begin(), servers.end(), [&](const ServerInfo& x) { return x.uuid == server; });
    const bool ur_error = server != headnode_uuid && s != servers.end() && !answers_ur(*s);
    rows.push_back(health_row(inst, state, fault, ur_error));
  }
  // The headnode's global zone (getHeadnodeSysinfo, lib/sdcadm.js:4176-4205): always there.
  Json global = {{"type", "global"}, {"instance", headnode_uuid}, {"alias", "global"}, {"service", "global"},
                 {"hostname", "headnode"}, {"server", headnode_uuid}};
  rows.push_back(health_row(global, state, fault, false));
  std::stable_sort(rows.begin(), rows.end(), row_before);
  return rows;
}

bool has_health_errors(const Json& row) { return row.contains("health_errors"); }

std::string health_table(const std::vector<Json>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const Json& r : rows) {
    cells.push_back({cell(r, "instance"), cell(r, "service"), cell(r, "hostname"), cell(r, "alias"), cell(r, "healthy")});
  }
  std::string out = format_table({"instance", "service", "hostname", "alias", "healthy"}, cells);
  for (const Json& r : rows) {
    if (has_health_errors(r)) out += "\n" + error_block(r);  // a blank line before each block
  }
  return out;
}

void cmd_check_health(const Context& ctx, Output output, const std::vector<std::string>& filters) {
  const State state = State::load(ctx.root);
  const auto fault = active_fault(state);
  const std::vector<Json> rows = health_rows(state, fault, filters);
  ctx.out << (output == Output::json ? common::dump_json(Json(rows), 4) + "\n" : health_table(rows));
  const bool problems = std::any_of(rows.begin(), rows.end(), has_health_errors);
  if (fault && fault->command == "check-health" && fault->once && !fault->from_env && problems) {
    const StateLock lock(ctx.root);  // clear the once-fault under the state lock
    State fresh = State::load(ctx.root);
    fresh.json()["fail"] = nullptr;
    fresh.save(ctx.root);
  }
  // do_check_health.js:219-226: with -j the message is not printed (showErr false), the
  // exit status is 1 either way.
  if (problems) {
    throw Error(ExitCode::health_failed, output == Output::json ? "" : "Some instances appear unhealthy");
  }
}

}  // namespace fake_sdcadm
