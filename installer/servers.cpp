#include <installer/servers.hpp>

#include <installer/sdcadm_runner.hpp>

#include <common/error.hpp>
#include <common/json.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

std::string text_field(const common::Json& row, const char* key, const std::string& where, bool required) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) {
    if (required) throw Error(ExitCode::bad_data, where + ": no \"" + key + "\"");
    return {};
  }
  if (!it->is_string()) throw Error(ExitCode::bad_data, where + "." + key + ": not a string");
  return it->get<std::string>();
}

bool bool_field(const common::Json& row, const char* key, const std::string& where) {
  const auto it = row.find(key);
  if (it == row.end() || !it->is_boolean()) throw Error(ExitCode::bad_data, where + "." + key + ": not a boolean");
  return it->get<bool>();
}

DcServer parse_row(std::string_view line, const std::string& where) {
  const common::Json row = common::parse_json(line, where, 16, 1u << 20);
  if (!row.is_object()) throw Error(ExitCode::bad_data, where + ": not a JSON object");
  DcServer s;
  s.uuid = text_field(row, "uuid", where, true);
  if (!manifest::is_uuid(s.uuid)) throw Error(ExitCode::bad_data, where + ".uuid: not a UUID");
  s.hostname = text_field(row, "hostname", where, true);
  s.headnode = bool_field(row, "headnode", where);
  s.setup = bool_field(row, "setup", where);
  s.status = text_field(row, "status", where, true);
  s.current_platform = text_field(row, "current_platform", where, false);
  s.boot_platform = text_field(row, "boot_platform", where, false);
  return s;
}

bool names(const DcServer& s, const std::string& name) { return s.uuid == name || s.hostname == name; }

}  // namespace

std::vector<DcServer> parse_server_lookup(std::string_view text) {
  std::vector<DcServer> out;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = "output of sdc-server lookup -j, line " + std::to_string(line_no);
    DcServer s = parse_row(line, where);
    if (std::any_of(out.begin(), out.end(), [&](const DcServer& o) { return o.uuid == s.uuid; })) {
      throw Error(ExitCode::bad_data, where + ": server " + s.uuid + " listed twice");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<DcServer> list_servers(const std::string& program) {
  RunResult r;
  try {
    r = run_program(program, {"lookup", "-j"});
  } catch (const Error& e) {
    throw Error(ExitCode::config, "cannot run " + program + " (the headnode's sdc-server, from gz-tools): " +
                                      e.what() + "; give its path with --sdc-server PATH");
  }
  if (r.exit_code != 0) {
    throw Error(ExitCode::step_failed, program + " lookup -j failed (exit " + std::to_string(r.exit_code) +
                                           "): " + r.err.substr(0, 2000));
  }
  return parse_server_lookup(r.out);
}

bool LeftOutServer::excluded_by_operator() const { return why == "excluded (--exclude-servers)"; }

bool ServerChoice::ignores(const std::string& hostname) const {
  return std::any_of(left_out.begin(), left_out.end(),
                     [&](const LeftOutServer& l) { return l.server.hostname == hostname; });
}

std::vector<std::string> ServerChoice::gz_tools_exclusions() const {
  std::vector<std::string> out;
  for (const LeftOutServer& l : left_out) {
    if (l.server.setup) out.push_back(l.server.uuid);  // selectServers lists set-up servers only
  }
  return out;
}

ServerChoice choose_servers(const std::vector<DcServer>& servers, const std::vector<std::string>& excluded) {
  ServerChoice choice;
  std::vector<std::string> unknown;
  for (const std::string& name : excluded) {
    const auto it = std::find_if(servers.begin(), servers.end(), [&](const DcServer& s) { return names(s, name); });
    if (it == servers.end()) {
      unknown.push_back(name);
    } else if (it->headnode) {
      throw Error(ExitCode::usage, "--exclude-servers " + name + ": that is the headnode, which the update runs on; "
                                   "it cannot be left out");
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
    throw Error(ExitCode::usage, "--exclude-servers names no server CNAPI knows: " + list +
                                     " (sdc-server lookup lists them)");
  }
  for (const DcServer& s : servers) {
    if (s.headnode && choice.headnode_hostname.empty()) choice.headnode_hostname = s.hostname;
    const bool out = std::any_of(excluded.begin(), excluded.end(), [&](const std::string& n) { return names(s, n); });
    if (!s.setup) {
      choice.left_out.push_back({s, "not set up"});
    } else if (out) {
      choice.left_out.push_back({s, "excluded (--exclude-servers)"});
    } else if (s.status != "running") {
      choice.left_out.push_back({s, "not running (CNAPI status \"" + s.status + "\")"});
    } else {
      choice.targets.push_back(s);
    }
  }
  return choice;
}

}  // namespace installer
