#include <builder/build_warnings.hpp>

#include <common/error.hpp>
#include <manifest/triton_agents.hpp>

#include <algorithm>
#include <vector>

namespace builder {

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

std::string unsigned_bundle_warning() {
  return "the bundle is not signed: every DC refuses it (exit 30) until it is signed with a key of its trust "
         "root (sdcadm-bundle sign); pass --key KEY to sign it now, or --unsigned to build an unsigned bundle "
         "on purpose (docs/trust.md)";
}

std::optional<std::string> channel_to_resolve(const std::string& given, const manifest::Inventory* inventory) {
  if (!given.empty()) return given;
  if (inventory != nullptr && !inventory->update_channel.empty()) return inventory->update_channel;
  return std::nullopt;
}

std::string check_inventory_channel(const manifest::Inventory& inventory, const std::string& channel,
                                    bool change_channel) {
  const std::string dc = "the DC " + inventory.datacenter;
  if (inventory.update_channel.empty()) {
    return "the inventory of " + inventory.datacenter + " does not record the DC's update channel (written by an "
           "older sdcadm-install, or the DC has none), so the bundle's channel " + channel + " cannot be checked: a DC "
           "on another channel refuses it (exit 38); write the inventory again with a newer sdcadm-install";
  }
  if (inventory.update_channel == channel) return "";
  if (!change_channel) {
    throw common::Error(common::ExitCode::trust_channel,
                        "the bundle would be for channel " + channel + ", but the inventory says " + dc +
                            " is on channel " + inventory.update_channel + ", so the DC would refuse it (exit 38); "
                            "build with -C " + inventory.update_channel + ", or pass --change-channel when the DC is "
                            "to move to " + channel + " (its operator then runs apply --change-channel)");
  }
  return "the bundle is for channel " + channel + " and " + dc + " is on " + inventory.update_channel +
         " (--change-channel): the DC accepts it only with sdcadm-install apply --change-channel";
}

std::string partial_agent_set_warning(const Resolution& resolution) {
  std::vector<std::string> carried;
  bool shar = false;
  for (const ResolvedArtifact& a : resolution.artifacts) {
    if (a.role == "agentsshar") shar = true;
    if (a.role == "agent" && manifest::is_shar_agent(a.image.name())) carried.push_back(a.image.name());
  }
  if (carried.empty()) return "";
  std::vector<std::string> missing;
  for (const std::string& agent : manifest::shar_agents()) {
    if (std::find(carried.begin(), carried.end(), agent) == carried.end()) missing.push_back(agent);
  }
  if (missing.empty()) return "";
  return "the bundle carries the agent images of " + joined(carried) + " but not of " + joined(missing) +
         " (trimmed: the DC runs them already), so the installer cannot make the agents bootstrap from them; " +
         (shar ? std::string("agents are updated from the agentsshar, and these images are only imported")
               : std::string("with no agentsshar in the bundle either, agents are not updated at all")) +
         ". To ship the whole set, build the agents without --inventory (an untrimmed bundle carries every agent "
         "image); to rely on the agentsshar, build with --no-agent-images (docs/agents.md)";
}

}  // namespace builder
