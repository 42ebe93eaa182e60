// sdcadm experimental update-gz-tools FILE, experimental update-other and platform install
// FILE (sdcadm.md §6.5-§6.7), for local files (headnode paths, under the root). Anything the
// real command would fetch from the updates server (--latest, a UUID, a version) is an error
// offline. None takes the sdcadm lock, like the real ones.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <imgapi/client.hpp>

#include <filesystem>
#include <regex>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

namespace {

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

}  // namespace

void cmd_update_gz_tools(const Context& ctx, const std::string& arg) {
  const std::string path = existing_file(ctx, arg, "update-gz-tools");
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  // The file's image, when the DC IMGAPI has one with its SHA-1 (the real command reads the
  // uuid from the tarball; gz-tools.image is not looked at here).
  imgapi::Client client(dc_imgapi_url(ctx.root));
  imgapi::ListFilter filter;
  filter.name = "gz-tools";
  const std::string sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, path);
  common::Json record = {{"image", nullptr}, {"version", nullptr}, {"file", fs::path(path).filename().string()}};
  for (const auto& image : client.list_images(filter)) {
    if (image.file() && image.file()->sha1 == sha1) {
      record["image"] = image.uuid();
      record["version"] = image.version();
    }
  }
  fire_fault(active_fault(state), "update-gz-tools", "",
             "error updating gz-tools from " + arg + ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  if (!record["image"].is_null() && string_field(state.json()["gz_tools"], "image") == record["image"].get<std::string>()) {
    ctx.out << "gz-tools image " << record["image"].get<std::string>()
            << " is already installed (the real command needs --force-reinstall to redo it)\n";
    state.append_log(ctx.argv);
    state.save(ctx.root);
    return;
  }
  ctx.out << "Using gz-tools tarball " << arg << "\nUpdating headnode tools\nUpdated gz-tools successfully\n";
  state.json()["gz_tools"] = record;
  state.append_log(ctx.argv);
  state.save(ctx.root);
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

void cmd_platform_install(const Context& ctx, const std::string& arg) {
  const std::string path = existing_file(ctx, arg, "platform install");
  static const std::regex k_name(R"(platform-(.+)-(\d{8}T\d{6}Z)\.tgz)");
  std::smatch m;
  const std::string name = fs::path(path).filename().string();
  if (!std::regex_match(name, m, k_name)) {
    throw Error(ExitCode::usage, "cannot tell the platform version from the file name \"" + name +
                                     "\": expected platform-<branch>-<YYYYMMDDTHHMMSSZ>.tgz");
  }
  const std::string stamp = m[2];
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  fire_fault(active_fault(state), "platform-install", "",
             "error installing platform " + stamp + ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  common::Json& platforms = state.json()["platforms"];
  for (const common::Json& p : platforms["installed"]) {
    if (p == stamp) {
      ctx.out << "Platform " << stamp << " is already installed\n";
      state.append_log(ctx.argv);
      state.save(ctx.root);
      return;
    }
  }
  ctx.out << "Installing platform image onto USB key\n";
  fs::create_directories(ctx.root.path("/usbkey/os/" + stamp));
  platforms["installed"].push_back(stamp);
  platforms["default"] = stamp;
  ctx.out << "Platform " << stamp << " installed successfully\n";
  state.append_log(ctx.argv);
  state.save(ctx.root);
}

}  // namespace fake_sdcadm
