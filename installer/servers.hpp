#pragma once
// The DC's servers as CNAPI lists them, read with the headnode's own tool
// `sdc-server lookup -j` (sdc-headnode tools/bin/sdc-server lookupServers: one JSON object
// per line), and which of them an update may touch.
//
// Why it matters: `sdcadm experimental update-agents FILE --all` fails whenever CNAPI lists
// a server that is not set up (each is a failure, even one excluded with -x,
// lib/cli/do_update_agents.js:507-523) or one that does not answer Ur (:575-600), and
// `update-gz-tools` refuses to start when a set-up server is not running
// (do_update_gz_tools.js:480-514, lib/steps/servers.js:157-177). So the installer names the
// servers itself: the set-up, running ones, minus those the operator leaves out
// (--exclude-servers). Everything left out is shown in the plan with the reason.

#include <string>
#include <string_view>
#include <vector>

namespace installer {

struct DcServer {
  std::string uuid, hostname;
  bool headnode = false;
  bool setup = false;
  std::string status;            // "running", "unknown", ...
  std::string current_platform;  // "" when CNAPI has none
  std::string boot_platform;     // a platform stamp or "latest"
  std::string label() const { return hostname + " (" + uuid + ")"; }
};

// Parses `sdc-server lookup -j` output (hostile: Error(bad_data) naming the line and field).
std::vector<DcServer> parse_server_lookup(std::string_view text);

// Runs `PROGRAM lookup -j` (--sdc-server, default /opt/smartdc/bin/sdc-server).
// Error(config) when it cannot run, Error(step_failed) for a non-zero exit.
std::vector<DcServer> list_servers(const std::string& program);

// A server an update does not touch, and why.
struct LeftOutServer {
  DcServer server;
  std::string why;  // "not set up", "not running (CNAPI status \"unknown\")", "excluded (--exclude-servers)"
  bool excluded_by_operator() const;
};

struct ServerChoice {
  std::vector<DcServer> targets;        // set up, running, not excluded: update-agents runs on these
  std::vector<LeftOutServer> left_out;  // in CNAPI order
  std::string headnode_hostname;        // "" when CNAPI names no headnode
  // Hostnames whose check-health rows the installer ignores (every left-out server).
  bool ignores(const std::string& hostname) const;
  // Set-up servers update-gz-tools must skip (-S): not running, or excluded.
  std::vector<std::string> gz_tools_exclusions() const;
};

// Error(usage) for an --exclude-servers name (uuid or hostname) no server has, or the headnode
// (the update runs there).
ServerChoice choose_servers(const std::vector<DcServer>& servers, const std::vector<std::string>& excluded);

}  // namespace installer
