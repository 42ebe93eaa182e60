#pragma once
// What a release engineer must hear before a bundle leaves for the datacenter (issue 14
// item 4; docs/logs.md "Warnings"): a bundle no DC will accept, an inventory of a DC on
// another update channel, a trimmed bundle whose agent images cannot be used. Each is
// found here, from the build's inputs and its resolution; the front end says it.

#include <builder/resolve.hpp>

#include <manifest/inventory.hpp>

#include <optional>
#include <string>

namespace builder {

// A build without --key nor --unsigned: the bundle carries no signature, and every DC
// refuses it (exit 30) until someone signs it.
std::string unsigned_bundle_warning();

// The channel to resolve in: -C when given, else the inventory's update channel (a trimmed
// bundle is for that DC), else nullopt (the updates server's default).
std::optional<std::string> channel_to_resolve(const std::string& given, const manifest::Inventory* inventory);

// Checks the channel a trimmed bundle is for against the channel its inventory records.
// Another channel is Error(trust_channel), as the DC would refuse the bundle (exit 38),
// unless `change_channel` (the DC is to move: apply --change-channel); then, and for an
// inventory that records no channel, the returned warning says what to look out for.
// "" when the channels agree.
std::string check_inventory_channel(const manifest::Inventory& inventory, const std::string& channel,
                                    bool change_channel);

// A warning when the bundle carries some, but not all, of the agentsshar's agent images
// (the others were trimmed, the DC runs them already): the installer makes the agents
// bootstrap only from the whole set, so these images are imported but not installed by
// it. Names the images, the missing agents and the fixes. "" when there is nothing to say.
std::string partial_agent_set_warning(const Resolution& resolution);

}  // namespace builder
