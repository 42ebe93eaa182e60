#pragma once
// The simulated DC's CNAPI servers and the server selections of the commands that run on
// them through Ur: `experimental update-agents` (lib/cli/do_update_agents.js
// findServersToUpdate + urDiscovery) and `experimental update-gz-tools`
// (lib/cli/do_update_gz_tools.js findServersToUpdate + lib/steps/servers.js selectServers,
// ensureServersRunning). Pure: the state goes in, the selection and sdcadm's progress lines
// come out, refusals are thrown with the real messages (sdcadm 1.39.0, 7fb53d9).

#include <tools/fake_sdcadm/state.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fake_sdcadm {

// One CNAPI server as sdcadm sees it (the fields its selections read).
struct ServerInfo {
  std::string uuid, hostname, status = "running";
  bool headnode = false, setup = true;
  bool ur_timeout = false;  // the state's "ur": "timeout"
};

// The state's servers in CNAPI's ListServers order (by uuid).
std::vector<ServerInfo> server_list(const State& state);

// Whether the server's ur agent answers: a server that is not running (down, "unknown")
// cannot, nor one whose ur is "timeout" (a hung CN). Both miss the sysinfo broadcast of
// urDiscovery and every ur exec times out (node-urclient lib/ur_disco.js:140,
// lib/ur_client.js:623-624).
bool answers_ur(const ServerInfo& server);

// update-agents' server selection, after findServersToUpdate and urDiscovery.
struct AgentsSelection {
  std::vector<ServerInfo> all;        // ctx.allServers: every CNAPI server
  std::vector<ServerInfo> to_update;  // ctx.urServersToUpdate: answered the Ur broadcast
  std::vector<std::string> excluded;  // ctx.excludedServers (uuids), -x with --all
  // ctx.failedUpdates so far ("server U (H) is not setup", "... did not reply to Ur
  // broadcast"), each a plain Error (no code) in the final MultiError.
  std::vector<std::string> failures;
};

// findServersToUpdate then urDiscovery (do_update_agents.js:486-600), printing sdcadm's
// "Warning: ..., skipping" / "Info: ... excluded ..." lines on `progress`. With `all`:
// every setup server, minus `exclude` (uuids or hostnames); an unsetup server is a failure
// (and may be excluded too). Else `names` (uuids or hostnames, duplicates dropped; -x is
// not applied): unknown ones, then unsetup ones, are refused (Error(usage)) before anything
// runs. Servers that do not answer Ur are failures, left out of to_update.
AgentsSelection select_agents_servers(const std::vector<ServerInfo>& servers, bool all,
                                      const std::vector<std::string>& names,
                                      const std::vector<std::string>& exclude, std::ostream& progress);

// update-gz-tools' servers (selectServers with allowNotRunning, then ensureServersRunning):
// without `include` every setup server; with it, each name resolved as
// _cnapiServerFromName does (a uuid by GetServer, else the first server with that
// hostname, unsetup ones included); minus `exclude`. Refuses (Error(usage), the real
// messages) an unknown name, an unsetup included server, an empty result and any server
// that is not running.
std::vector<ServerInfo> select_gz_tools_servers(const std::vector<ServerInfo>& servers,
                                                const std::optional<std::vector<std::string>>& include,
                                                const std::optional<std::vector<std::string>>& exclude);

// sdcadm's errors.MultiError message (lib/errors.js:188-204): "multiple (N) errors", then
// one line per error, "    error (CODE): message" or "    error: message" without a code.
struct CodedError {
  std::string code, message;
};
std::string multi_error_message(const std::vector<CodedError>& errors);

}  // namespace fake_sdcadm
