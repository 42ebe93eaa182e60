#include <tools/fake_sdcadm/servers.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <algorithm>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string named(const ServerInfo& s) { return s.uuid + " (" + s.hostname + ")"; }

bool listed(const std::vector<std::string>& names, const ServerInfo& s) {
  return std::find(names.begin(), names.end(), s.uuid) != names.end() ||
         std::find(names.begin(), names.end(), s.hostname) != names.end();
}

// failedUnsetup / failedUrBroadcast (do_update_agents.js:318-333): a failure and a warning.
void fail_server(AgentsSelection& sel, const std::string& message, std::ostream& progress) {
  sel.failures.push_back(message);
  progress << "Warning: " << message << ", skipping\n";
}

// The explicit SERVER... form (do_update_agents.js:527-563): every name is resolved first;
// unknown names (failedMissing's warning) are refused before unsetup ones.
void select_named(AgentsSelection& sel, const std::vector<std::string>& names, std::ostream& progress) {
  std::vector<std::string> not_found, unsetup;
  for (const std::string& id : names) {
    // serverFromUuid[id] || serverFromHostname[id]: a hostname maps to the last server with it.
    auto it = std::find_if(sel.all.begin(), sel.all.end(), [&](const ServerInfo& s) { return s.uuid == id; });
    if (it == sel.all.end()) {
      const auto rit = std::find_if(sel.all.rbegin(), sel.all.rend(),
                                    [&](const ServerInfo& s) { return s.hostname == id; });
      if (rit != sel.all.rend()) it = std::prev(rit.base());
    }
    if (it == sel.all.end()) {
      fail_server(sel, "server " + id + " does not exist", progress);
      not_found.push_back(id);
      continue;
    }
    const bool dup = std::any_of(sel.to_update.begin(), sel.to_update.end(),
                                 [&](const ServerInfo& s) { return s.uuid == it->uuid; });
    if (!dup) sel.to_update.push_back(*it);
    if (!it->setup) {
      fail_server(sel, "server " + named(*it) + " is not setup", progress);
      unsetup.push_back(id);
    }
  }
  const std::string of = " of " + std::to_string(names.size()) + " selected servers ";
  if (!not_found.empty()) {
    throw Error(ExitCode::usage, std::to_string(not_found.size()) + of + "were not found in CNAPI: " + join(not_found, ", "));
  }
  if (!unsetup.empty()) {
    throw Error(ExitCode::usage, std::to_string(unsetup.size()) + of + "are not setup: " + join(unsetup, ", "));
  }
}

// GetServer by uuid (CNAPI's "Server <uuid> not found", sdc-cnapi
// lib/endpoints/index.js:143) or ListServers?hostname= (_cnapiServerFromName,
// lib/steps/servers.js:23-55: 'Cannot find server "%s"', line 51).
std::optional<ServerInfo> server_from_name(const std::vector<ServerInfo>& servers, const std::string& name,
                                           std::vector<std::string>& errors) {
  const bool by_uuid = manifest::is_uuid(name);
  for (const ServerInfo& s : servers) {
    if ((by_uuid ? s.uuid : s.hostname) == name) return s;
  }
  errors.push_back(by_uuid ? "Server " + name + " not found" : "Cannot find server \"" + name + "\"");
  return std::nullopt;
}

// How node-cmdln 4.4.0 prints the verror.MultiError vasync.forEachParallel returns
// (vasync 2.2.0 lib/vasync.js:99; cmdln lib/cmdln.js main, `err.ase_errors`): one error
// as its own message, several as "N errors:" and one indented line each.
std::string cmdln_multi_error(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors.front();
  return std::to_string(errors.size()) + " errors:\n    " + join(errors, "\n    ");
}

}  // namespace

std::vector<ServerInfo> server_list(const State& state) {
  std::vector<ServerInfo> out;
  for (const common::Json& s : state.servers()) {
    ServerInfo info;
    info.uuid = string_field(s, "uuid");
    info.hostname = string_field(s, "hostname");
    info.status = string_field(s, "status");
    info.headnode = s.at("headnode").get<bool>();
    info.setup = s.at("setup").get<bool>();
    info.ur_timeout = string_field(s, "ur") == "timeout";
    out.push_back(std::move(info));
  }
  // CNAPI's ListServers: moray sorted by uuid (sdc-cnapi lib/models/server.js:262-267).
  std::stable_sort(out.begin(), out.end(), [](const ServerInfo& a, const ServerInfo& b) { return a.uuid < b.uuid; });
  return out;
}

bool answers_ur(const ServerInfo& server) { return server.status == "running" && !server.ur_timeout; }

AgentsSelection select_agents_servers(const std::vector<ServerInfo>& servers, bool all,
                                      const std::vector<std::string>& names,
                                      const std::vector<std::string>& exclude, std::ostream& progress) {
  AgentsSelection sel;
  sel.all = servers;
  if (all) {
    // do_update_agents.js:507-524: the setup check comes first, so an unsetup server is a
    // failure even when it is also excluded.
    for (const ServerInfo& s : servers) {
      if (!s.setup) fail_server(sel, "server " + named(s) + " is not setup", progress);
      if (listed(exclude, s)) {
        progress << "Info: server " << named(s) << " was excluded on cmdline, skipping\n";
        sel.excluded.push_back(s.uuid);
        continue;
      }
      if (s.setup) sel.to_update.push_back(s);
    }
  } else {
    select_named(sel, names, progress);
  }
  // urDiscovery (do_update_agents.js:566-600, logMissingNodes false): the missing nodes
  // are failures, the others go on.
  std::vector<ServerInfo> answered;
  for (const ServerInfo& s : sel.to_update) {
    if (answers_ur(s)) {
      answered.push_back(s);
    } else {
      fail_server(sel, "server " + named(s) + " did not reply to Ur broadcast", progress);
    }
  }
  sel.to_update = answered;
  return sel;
}

std::vector<ServerInfo> select_gz_tools_servers(const std::vector<ServerInfo>& servers,
                                                const std::optional<std::vector<std::string>>& include,
                                                const std::optional<std::vector<std::string>>& exclude) {
  std::vector<ServerInfo> chosen;
  if (!include) {
    // getAllServersIfNecessary (lib/steps/servers.js:237-264): ListServers?setup=true; not
    // running ones are kept (allowNotRunning) to be refused below.
    std::copy_if(servers.begin(), servers.end(), std::back_inserter(chosen), [](const ServerInfo& s) { return s.setup; });
  } else {
    std::vector<std::string> errors;
    for (const std::string& name : *include) {
      if (auto s = server_from_name(servers, name, errors)) chosen.push_back(*s);
    }
    if (!errors.empty()) throw Error(ExitCode::usage, cmdln_multi_error(errors));
  }
  if (exclude) {  // filterOutExcludeServerNames (servers.js:296-317)
    chosen.erase(std::remove_if(chosen.begin(), chosen.end(), [&](const ServerInfo& s) { return listed(*exclude, s); }),
                 chosen.end());
  }
  // ensureServersSetup (servers.js:132-150, from checkSetupIfNecessary 319-325): only an
  // included server can be unsetup here.
  std::vector<std::string> bad;
  for (const ServerInfo& s : chosen) {
    if (!s.setup) bad.push_back(named(s));
  }
  if (!bad.empty()) throw Error(ExitCode::usage, "The following servers are not setup:\n    " + join(bad, "\n    "));
  if (chosen.empty()) {  // checkNotEmptyIfNecessary (servers.js:335-358)
    std::vector<std::string> details = {"setup"};
    if (include) details.push_back("including " + join(*include, ","));
    if (exclude) details.push_back("excluding " + join(*exclude, ","));
    throw Error(ExitCode::usage, "No servers matching criteria were found: " + join(details, "; "));
  }
  // ensureServersRunning (servers.js:157-177), run by do_update_gz_tools.js:508-514.
  for (const ServerInfo& s : chosen) {
    if (s.status != "running") bad.push_back(named(s));
  }
  if (!bad.empty()) throw Error(ExitCode::usage, "The following servers are not running:\n    " + join(bad, "\n    "));
  return chosen;
}

std::string multi_error_message(const std::vector<CodedError>& errors) {
  std::string out = "multiple (" + std::to_string(errors.size()) + ") errors";
  for (const CodedError& e : errors) {
    out += "\n    error" + (e.code.empty() ? std::string() : " (" + e.code + ")") + ": " + e.message;
  }
  return out;
}

}  // namespace fake_sdcadm
