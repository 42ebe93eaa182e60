#pragma once
// The global-zone agents the agentsshar installs (its agents.json, headnode.md §3.1), in the
// order a node installs them: agents_core first (its bootstrap installs apm), then the rest.
// update-agents (with a shar or the bootstrap made from agent images) updates exactly these;
// other agent services (dockerlogger, firewall-logger-agent, legacy cabase and cainstsvc)
// need other sdcadm commands or none.

#include <string>
#include <string_view>
#include <vector>

namespace manifest {

const std::vector<std::string>& shar_agents();
bool is_shar_agent(std::string_view name);

}  // namespace manifest
