#pragma once
// update-agents with an agents installer that is not an agentsshar image of the DC IMGAPI
// (issue 6's bootstrap, /usbkey/extra/agents/agents-<stamp>.sh): what the real command's
// three ur scripts do on each server (sdcadm.md §6.4, headnode.md §3.3), on the simulated
// servers' roots. The headnode's root is the simulated root itself; a compute node's is
// <root>/var/fake-sdcadm/servers/<server_uuid>/. The contract with the installer file (the
// bootstrap's, docs/agents.md; docs/simulated-headnode.md "update-agents"): `bash FILE`
// with AGENTS_BOOTSTRAP_ROOT=<server root> and nothing else, as ur runs it; it finds the
// DC IMGAPI as a real node's installer does, through <server root>/lib/sdc/config.sh
// (load_sdc_config: the headnode's /usbkey/config, a compute node's
// /opt/smartdc/config/node.config), and leaves
// <server root>/opt/smartdc/agents/lib/node_modules/<agent>/image_uuid behind.

#include <tools/fake_sdcadm/root.hpp>

#include <string>
#include <vector>

namespace fake_sdcadm {

// A server update-agents runs on.
struct AgentServer {
  std::string uuid, hostname;
};

// The simulated root of `server`: the headnode (hostname "headnode", as the simulated DC
// names it) is `root` itself, any other server <root>/var/fake-sdcadm/servers/<uuid>.
std::string server_root(const Root& root, const AgentServer& server);

enum class ServerResult { updated, already_updated, failed };

struct ServerOutcome {
  AgentServer server;
  ServerResult result = ServerResult::failed;
  std::string message;  // for failed: what failed, with the exit code and the log's path
};

// On each server, as the ur scripts do: (b) needs <server root>/opt/smartdc/agents/lib
// (else exit 50) and copies the installer to its /var/tmp/; (c) skips it when
// /opt/smartdc/agents/etc/agentsshar.sha1 is `sha1` and agentsshar.post still lists the
// installed agents' image_uuid files, else writes the server's /lib/sdc/config.sh (and a
// compute node's node.config naming `imgapi_url`'s host when it has none), runs `bash
// /var/tmp/<name>` (output to /var/tmp/<name>_install.log on that server) and, when it
// exits 0, writes both files. `installer` is the file in /usbkey/extra/agents/;
// `imgapi_url` is http://<the headnode's imgapi_domain>. Never throws for a server's failure.
std::vector<ServerOutcome> install_on_servers(const Root& root, const std::string& installer,
                                              const std::string& sha1, const std::string& imgapi_url,
                                              const std::vector<AgentServer>& servers);

// The image uuid in <server root>/opt/smartdc/agents/lib/node_modules/<agent>/image_uuid,
// "" when there is none (or it does not hold a uuid).
std::string installed_agent_image(const std::string& server_root, const std::string& agent);

}  // namespace fake_sdcadm
