// sdcadm experimental update-other (sdcadm.md §6.6) and the FILE argument of the commands
// that install from local files (headnode paths, under the root): update-gz-tools is
// cmd_gz_tools.cpp, platform install cmd_platform.cpp. Anything the real command would
// fetch from the updates server (--latest, a UUID, a version) is an error offline. None
// takes the sdcadm lock, like the real ones.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <filesystem>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

std::string existing_file(const Context& ctx, const std::string& arg, const std::string& what) {
  if (arg.empty() || arg == "--latest" || manifest::is_uuid(arg)) {
    throw Error(ExitCode::network, what + " " + (arg.empty() ? "--latest" : arg) +
                                       " needs the updates server, which this offline DC cannot reach: "
                                       "give the file's path");
  }
  const std::string path = ctx.root.file_arg(arg);
  if (!fs::is_regular_file(path)) throw Error(ExitCode::not_found, what + " file " + path + " does not exist");
  return path;
}

void cmd_update_other(const Context& ctx) {
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  fire_fault(active_fault(state), "update-other", "",
             "error updating SAPI metadata: simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  ctx.out << "Done.\n";
  state.append_log(ctx.argv);
  state.save(ctx.root);
}

}  // namespace fake_sdcadm
