// sdcadm platform install FILE [-y] [-C CH] (sdcadm 1.39.0 lib/platform.js install,
// 399-771; options 1715-1745), for a local file (a headnode path, under the root): the
// headnode "latest" guard, then /usbkey/scripts/install-platform.sh (sdc-headnode 181d922)
// on the simulated USB key copy, then the default boot platform. A UUID, a version or
// --latest needs the updates server (existing_file). No sdcadm lock, like the real one.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

namespace {

// install-platform.sh's version (scripts/install-platform.sh:76-91): the file name without
// .tgz, upper-cased, from its last "-2...Z" on; `ok` when that is 2<digits>T<digits>Z.
std::string platform_version(const std::string& file, bool& ok) {
  std::string name = fs::path(file).filename().string();
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tgz") == 0) name.resize(name.size() - 4);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string version = name;  // sed s/.*\-\(2.*Z\)$/\1/: the greedy .* takes the last "-2"
  if (!name.empty() && name.back() == 'Z') {
    for (std::size_t i = name.size(); i-- > 0;) {
      if (name[i] == '-' && i + 1 < name.size() && name[i + 1] == '2') {
        version = name.substr(i + 1);
        break;
      }
    }
  }
  const std::size_t t = version.find('T');
  auto digits = [&](std::size_t from, std::size_t to) {
    return std::all_of(version.begin() + static_cast<long>(from), version.begin() + static_cast<long>(to),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  ok = version.size() >= 3 && version[0] == '2' && version.back() == 'Z' && t != std::string::npos &&
       digits(1, t) && digits(t + 1, version.size() - 1);
  return version;
}

// The newest installed platform: CNAPI's ListPlatforms marks it "latest"
// (getLatestPlatformInstalled, lib/platform.js:200-223). Stamps sort as their times.
std::string latest_installed(const common::Json& platforms) {
  std::string latest;
  for (const common::Json& p : platforms.at("installed")) {
    if (p.is_string() && p.get<std::string>() > latest) latest = p.get<std::string>();
  }
  return latest;
}

// checkHeadnodePlatform (lib/platform.js:575-611): without -y, a headnode booting "latest"
// stops the install (exit 0). True when it stopped.
bool headnode_boots_latest(const Context& ctx, const State& state) {
  const common::Json* headnode = nullptr;
  for (const common::Json& s : state.servers()) {
    if (s.at("headnode").get<bool>()) {
      headnode = &s;  // listServers({headnode: true}) res[0]
      break;
    }
  }
  if (headnode == nullptr || string_field(*headnode, "boot_platform") != "latest") return false;
  ctx.out << "\nHeadnode configuration is using a symlink to latest Platform Image. Please run\n\n"
          << "sdcadm platform assign " << latest_installed(state.json().at("platforms")) << " "
          << string_field(*headnode, "uuid") << "\n\nbefore to continue, in order to prevent further issues.\n\n"
          << "Aborting platform install\n";
  return true;
}

// install-platform.sh FILE: unpacks into /usbkey/os/<version>/ unless it is there already.
// Throws sdcadm's "Platform setup failed" (lib/platform.js:508-530) when the script fails.
std::string run_install_platform(const Context& ctx, const std::string& arg, const std::string& path) {
  ctx.out << "Installing Platform Image onto USB key\n";
  bool ok = false;
  const std::string version = platform_version(path, ok);
  if (!ok) {
    std::cerr << "Invalid platform version format: " << version << "\n"
              << "Please ensure this is a valid SmartOS platform image.\n";
    ctx.out << "install-platform.sh script failed for platform " << arg << ".\n"
            << "Please, check /tmp/install_platform.log for additional information.\n"
            << "Error: Platform setup failed\n"
            << "In order not to have to re-download image, " << arg << " has been left behind.\n"
            << "After correcting above problem, rerun `sdcadm platform install " << arg << "`.\n";
    throw Error(ExitCode::bad_data, "Platform setup failed");
  }
  const std::string dir = ctx.root.path("/usbkey/os/" + version);
  if (!fs::is_directory(dir)) {
    ctx.out << "==> Staging " << version << "\n==> Unpacking " << version << " to /usbkey/os\n"
            << "==> This may take a while...\n";
    fs::create_directories(dir);
  }
  ctx.out << "==> Adding to list of available platforms\n==> Done!\n"
          << "Platform installer finished successfully\nProceeding to complete the update\n";
  return version;
}

}  // namespace

void cmd_platform_install(const Context& ctx, const PlatformOptions& o) {
  const std::string path = existing_file(ctx, o.file, "platform install");
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  // FAKE_SDCADM_NOOP (fault.hpp): the "Aborting" exit 0 of a headnode booting "latest"
  // (lib/platform.js:577-607), whatever -y and the headnode say.
  if (noop_requested("platform-install")) {
    ctx.out << "\nHeadnode configuration is using a symlink to latest Platform Image. Please run\n\n"
            << "sdcadm platform assign " << latest_installed(state.json().at("platforms"))
            << " <headnode uuid>\n\nbefore to continue, in order to prevent further issues.\n\n"
            << "Aborting platform install\n";
    return;
  }
  if (!o.yes && headnode_boots_latest(ctx, state)) {
    state.append_log(ctx.argv);  // exit 0, like every other successful run
    state.save(ctx.root);
    return;
  }
  fire_fault(active_fault(state), "platform-install", "",
             "error installing platform " + o.file + ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  ctx.out << "Using platform file " << o.file << "\n";
  const std::string version = run_install_platform(ctx, o.file, path);
  common::Json& platforms = state.json()["platforms"];
  if (std::find(platforms["installed"].begin(), platforms["installed"].end(), common::Json(version)) ==
      platforms["installed"].end()) {
    platforms["installed"].push_back(version);
  }
  // createLatestLink does nothing on a CNAPI >= 20150818 (lib/platform.js:228-241);
  // setDefaultBootPlatform("latest") only moves a default boot platform of "latest" to the
  // newest installed one (lib/platform.js:775-860).
  if (string_field(platforms, "default") == "latest") {
    const std::string latest = latest_installed(platforms);
    ctx.out << "Updating default boot platform to '" << latest << "'\n";
    platforms["default"] = latest;
  }
  ctx.out << "Platform image explicitly specified; will not delete " << o.file << "\nInstallation complete\n";
  state.append_log(ctx.argv);
  state.save(ctx.root);
}

}  // namespace fake_sdcadm
