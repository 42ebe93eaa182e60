#include <manifest/triton_agents.hpp>

#include <algorithm>

namespace manifest {

const std::vector<std::string>& shar_agents() {
  static const std::vector<std::string> names = {
      "agents_core", "cn-agent",   "vm-agent",        "net-agent",  "config-agent", "amon-agent",
      "amon-relay",  "firewaller", "hagfish-watcher", "smartlogin", "cmon-agent"};
  return names;
}

bool is_shar_agent(std::string_view name) {
  const auto& names = shar_agents();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace manifest
