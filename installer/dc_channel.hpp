#pragma once
// The DC's one update channel (issue 12 item 11; docs/trust.md "One channel per DC").
// Anti-rollback is kept per channel, so without this an old signed bundle of another
// channel (release sequence 10 after dev sequence 2000) is "newest on its channel" and
// would be accepted. sdcadm keeps the DC's channel as the sdc application's
// metadata.update_channel (TritonDataCenter/sdcadm lib/sdcadm.js:262-264, 1310-1345);
// `sdcadm channel get` prints it and `sdcadm channel set` changes it (lib/channel.js:161-222,
// 298-315). A bundle of another channel is refused (Error(trust_channel), exit 38) unless
// the operator changes channel explicitly (--change-channel, recorded in the history); apply
// then sets the DC's channel the way an operator would, with `sdcadm channel set`.

#include <installer/sdcadm_runner.hpp>

#include <signing/rollback_state.hpp>

#include <optional>
#include <string>

namespace installer {

// `sdcadm channel get`: the channel, or "" when sdcadm has none (no update_channel, and the
// updates server's default cannot be read: sdcadm prints "Error trying to retrieve update
// channels" and exits 0). Error(bad_data) for output that is not one channel name.
std::string read_dc_channel(const SdcadmRunner& runner);

struct ChannelCheck {
  std::string dc_channel;  // the DC's channel ("" when it has none yet: a first install)
  std::string source;      // "sdcadm" (update_channel) or "installed bundles" (channels.json)
  // --change-channel moves the DC from dc_channel to the bundle's; nullopt when it stays.
  std::optional<std::string> change_from;
};

// Decides whether a bundle of `bundle_channel` may be installed. The DC's channel is
// sdcadm's (`sdcadm_channel`); when sdcadm has none, the one channel the DC accepted bundles
// from (`accepted`); with none of either, any channel is accepted (a first install).
// Error(trust_channel) for another channel without `change_channel`, and when sdcadm has no
// channel and the DC accepted bundles from several.
ChannelCheck check_channel(const std::string& bundle_channel, const std::string& sdcadm_channel,
                           const signing::RollbackState& accepted, bool change_channel);

// `sdcadm channel set CHANNEL`. sdcadm checks the name against its updates server's list, so
// in an air-gapped DC this needs updatesServerUrl in /var/sdcadm/sdcadm.conf to name a
// mirror inside the gap (`sdcadm-bundle serve`); Error(step_failed) says so and how to set the
// channel by hand otherwise.
void set_dc_channel(const SdcadmRunner& runner, const std::string& channel);

}  // namespace installer
