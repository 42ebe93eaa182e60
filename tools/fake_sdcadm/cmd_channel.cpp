// sdcadm channel get | set CHANNEL (sdcadm lib/channel.js, TritonDataCenter/sdcadm 7fb53d9):
//   get  getDefaultChannel (lib/sdcadm.js:1310-1345): the sdc application's
//        metadata.update_channel when set; else the updates server's default channel. A
//        failure prints "Error trying to retrieve update channels" and still exits 0
//        (lib/channel.js:298-315); both lines go to stdout (ui.info, lib/cli/ui.js:107-121).
//   set  lists the updates server's channels, refuses a name not among them ("Invalid
//        channel name", lib/channel.js:192-203), then SAPI UpdateApplication on the sdc
//        application with metadata.update_channel (lib/channel.js:204-217). Listing needs the
//        updates server: an offline DC fails there (lib/channel.js:180-190) unless
//        /var/sdcadm/sdcadm.conf's updatesServerUrl (lib/common.js:37, 148-167) names a
//        server inside the air gap (a mirror such as `sdcadm-bundle serve`).
// No sdcadm lock (the real commands take none).
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/json.hpp>
#include <imgapi/client.hpp>

#include <sys/stat.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

namespace {

constexpr const char* k_updates_default = "https://updates.tritondatacenter.com";  // etc/defaults.json:2

// updatesServerUrl from <root>/var/sdcadm/sdcadm.conf, "" when the file does not set it
// (then the default, which an offline DC cannot reach).
std::string configured_updates_url(const Root& root) {
  const std::string path = root.path("/var/sdcadm/sdcadm.conf");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  const common::Json conf = common::parse_json(common::read_small_file(path, 1 << 20), path);
  if (!conf.is_object() || !conf.contains("updatesServerUrl")) return {};
  if (!conf["updatesServerUrl"].is_string()) throw Error(ExitCode::bad_data, path + ": updatesServerUrl is not a string");
  return conf["updatesServerUrl"].get<std::string>();
}

// The updates server's channels; Error(network) as SDCClientError when it cannot be read.
std::vector<imgapi::Channel> updates_channels(const Context& ctx) {
  const std::string url = configured_updates_url(ctx.root);
  if (url.empty()) {
    throw Error(ExitCode::network, std::string("imgapi client error: the updates server (") + k_updates_default +
                                       ") cannot be reached from this offline DC");
  }
  std::optional<std::vector<imgapi::Channel>> channels;
  try {
    imgapi::Client client(url);
    channels = client.list_channels();
  } catch (const Error& e) {
    throw Error(ExitCode::network, std::string("imgapi client error: ") + e.what());
  }
  if (!channels) throw Error(ExitCode::network, "imgapi client error (ResourceNotFound): /channels does not exist");
  return *channels;
}

}  // namespace

void cmd_channel_get(const Context& ctx) {
  const State state = State::load(ctx.root);
  if (const std::string channel = state.update_channel(); !channel.empty()) {
    ctx.out << channel << "\n";
    return;
  }
  try {
    for (const auto& c : updates_channels(ctx)) {
      if (c.is_default) {
        ctx.out << c.name << "\n";
        return;
      }
    }
  } catch (const Error&) {
  }
  ctx.out << "Error trying to retrieve update channels\n";
}

void cmd_channel_set(const Context& ctx, const std::string& channel) {
  if (channel.empty()) throw Error(ExitCode::usage, "must specify a channel name");
  std::vector<imgapi::Channel> channels;
  try {
    channels = updates_channels(ctx);
  } catch (const Error&) {
    ctx.out << "Error trying to retrieve update channels\n";
    throw;
  }
  bool known = false;
  common::Json listed = common::Json::array();
  for (const auto& c : channels) {
    known = known || c.name == channel;
    listed.push_back({{"name", c.name}, {"description", c.description}});
  }
  if (!known) {
    ctx.out << "Must specify a valid channel: " << common::dump_json(listed, -1) << "\n";
    throw Error(ExitCode::usage, "Invalid channel name");
  }
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  state.json()["sdc_app"]["metadata"]["update_channel"] = channel;
  state.append_log(ctx.argv);
  state.save(ctx.root);
  ctx.out << "Update channel has been successfully set to: '" << channel << "'\n";
}

}  // namespace fake_sdcadm
