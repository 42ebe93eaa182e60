#pragma once
// The bootstrap installer (issue 6 item 2): a small bash script, agents-<stamp>.sh, with
// an agent set baked in, that stock agentsetup.sh runs through /usbkey/extra/agents/latest
// instead of the agentsshar. The script itself is installer/agents/bootstrap.sh.in (a real
// bash file in the tree, embedded at build time); its contract (environment, exit codes)
// is in its header and docs/agents.md.

#include <installer/agents/agent_set.hpp>

#include <string>

namespace installer::agents {

// The script's exit codes (docs/agents.md); 55 and 60 are update-agents' own.
inline constexpr int k_bootstrap_exit_usage = 1;
inline constexpr int k_bootstrap_exit_missing = 52;
inline constexpr int k_bootstrap_exit_download = 53;
inline constexpr int k_bootstrap_exit_checksum = 55;
inline constexpr int k_bootstrap_exit_content = 56;
inline constexpr int k_bootstrap_exit_install = 60;

// "agents-<stamp>.sh": the name sdcadm's cleanup of old shars recognizes.
std::string bootstrap_file_name(const AgentSet& set);

// The script for `set`. Every value is re-validated before it is substituted (names from
// the fixed list, hex uuids and sha1s, decimal sizes, gzip/bzip2, a safe domain), so no
// value can carry shell syntax; a set that fails is Error(bad_data) / Error(config).
std::string bootstrap_script(const AgentSet& set);

// The template as embedded (for tests).
const std::string& bootstrap_template();

}  // namespace installer::agents
