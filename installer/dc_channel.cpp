#include <installer/dc_channel.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cctype>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// What sdcadm prints (and exits 0 with) when it has no channel and cannot ask the updates
// server (lib/channel.js:307-314).
constexpr const char* k_no_channel = "Error trying to retrieve update channels";

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool channel_name(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::string read_dc_channel(const SdcadmRunner& runner) {
  const std::string out = trimmed(runner.run_checked({"channel", "get"}, "", false).out);
  if (out.empty() || out == k_no_channel) return {};
  if (!channel_name(out)) {
    throw Error(ExitCode::bad_data, "sdcadm channel get printed \"" + out.substr(0, 200) +
                                        "\", not a channel name; check sdcadm (sdcadm channel get)");
  }
  return out;
}

ChannelCheck check_channel(const std::string& bundle_channel, const std::string& sdcadm_channel,
                           const signing::RollbackState& accepted, bool change_channel) {
  ChannelCheck c;
  if (!sdcadm_channel.empty()) {
    c.dc_channel = sdcadm_channel;
    c.source = "sdcadm";
  } else if (accepted.channels.size() == 1) {
    c.dc_channel = accepted.channels.begin()->first;
    c.source = "installed bundles";
  } else if (accepted.channels.size() > 1 && !change_channel) {
    std::string names;
    for (const auto& [name, entry] : accepted.channels) names += (names.empty() ? "" : ", ") + name;
    throw Error(ExitCode::trust_channel,
                "sdcadm has no update channel and this DC installed bundles of several channels (" + names +
                    "), so the bundle's channel " + bundle_channel +
                    " cannot be checked; pass --change-channel to make " + bundle_channel +
                    " the DC's channel (recorded)");
  }
  if (c.dc_channel.empty() || c.dc_channel == bundle_channel) {
    if (change_channel && c.dc_channel.empty() && !accepted.channels.empty()) c.change_from = "";
    return c;
  }
  if (!change_channel) {
    throw Error(ExitCode::trust_channel,
                "the bundle is for channel " + bundle_channel + ", this DC is on channel " + c.dc_channel + " (" +
                    (c.source == "sdcadm" ? "sdcadm's update_channel" : "the bundles it installed") +
                    "); get a bundle of channel " + c.dc_channel +
                    ", or pass --change-channel to move the DC to " + bundle_channel + " (recorded)");
  }
  c.change_from = c.dc_channel;
  return c;
}

void set_dc_channel(const SdcadmRunner& runner, const std::string& channel) {
  try {
    runner.run_checked({"channel", "set", channel}, "", true);
  } catch (const Error& e) {
    throw Error(ExitCode::step_failed,
                std::string(e.what()) + "; sdcadm checks the channel name against its updates server, so "
                "an air-gapped DC needs updatesServerUrl in /var/sdcadm/sdcadm.conf to name a mirror "
                "inside the gap (sdcadm-bundle serve); or set it by hand: sapiadm update "
                "$(sdc-sapi /applications?name=sdc | json -H 0.uuid) metadata.update_channel=" + channel +
                ", then run sdcadm-install again without --change-channel");
  }
}

}  // namespace installer
