// sdcadm experimental update-gz-tools FILE (sdcadm.md §6.5, headnode.md §4.2), for a local
// tarball: the real headnode steps on the simulated root. The tarball is unpacked into
// /var/tmp (its top directory is gz-tools/), checked for scripts/, tools.tar.gz, default/
// and cn_tools.tar.gz with the real messages, tools.tar.gz is unpacked into /opt/smartdc
// (which is how /opt/smartdc/etc/gz-tools.image, the installed image's uuid, gets there),
// and the USB key copies are refreshed. The state records the uuid that file now holds.
// Like the real command given a FILE, it installs even when that uuid is installed already
// (its "already installed" shortcut only applies to a UUID or --latest). No sdcadm lock.
// Servers: every setup server, or -s, minus -S; any of them not running is refused before
// anything changes (servers.hpp); one that misses the Ur broadcast fails the command after
// the headnode's part; the others' cn_tools are recorded as servers[].gz_tools.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/servers.hpp>
#include <tools/fake_sdcadm/spawn.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

namespace {

const char* k_gz_tools_image = "/opt/smartdc/etc/gz-tools.image";

// `tar xzof TARBALL -C DIR`, as sdcadm runs it.
void untar(const std::string& tarball, const std::string& dir, const std::string& what) {
  fs::create_directories(dir);
  const int rc = run_and_wait({{"tar", "xzof", tarball, "-C", dir}, {}, ""});
  if (rc != 0) throw Error(ExitCode::bad_data, what + ": tar xzof " + tarball + " exited " + std::to_string(rc));
}

// validateTarballFiles: the four entries update-gz-tools needs, with sdcadm's messages.
void validate_unpacked(const std::string& dir) {
  const std::pair<const char*, bool> wanted[] = {
      {"scripts", true}, {"tools.tar.gz", false}, {"default", true}, {"cn_tools.tar.gz", false}};
  for (const auto& [name, is_dir] : wanted) {
    const fs::path p = fs::path(dir) / name;
    if (is_dir ? !fs::is_directory(p) : !fs::is_regular_file(p)) {
      throw Error(ExitCode::bad_data, std::string("The provided file does not include the '/") + name + "' " +
                                          (is_dir ? "directory" : "file"));
    }
  }
}

// The uuid in /opt/smartdc/etc/gz-tools.image, "" when the file is absent or not a uuid.
std::string installed_uuid(const Root& root) {
  try {
    std::string text = common::read_small_file(root.path(k_gz_tools_image), 4096);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return manifest::is_uuid(text) ? text : "";
  } catch (const Error&) {
    return "";
  }
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// updateScripts: the USB key's scripts, tools.tar.gz and default/, the CN tools and the
// setup scripts in /usbkey/extra/joysetup, then the key copied to /usbkey (rsync, without
// private/ and os/).
void update_usb_key(const Context& ctx, const fs::path& unpacked) {
  const fs::path key = ctx.root.path("/mnt/usbkey");
  fs::remove_all(key / "scripts");
  copy_tree(unpacked / "scripts", key / "scripts");
  fs::copy_file(unpacked / "tools.tar.gz", key / "tools.tar.gz", fs::copy_options::overwrite_existing);
  copy_tree(unpacked / "default", key / "default");
  const fs::path joysetup = ctx.root.path("/usbkey/extra/joysetup");
  fs::create_directories(joysetup);
  fs::copy_file(unpacked / "cn_tools.tar.gz", joysetup / "cn_tools.tar.gz", fs::copy_options::overwrite_existing);
  for (const auto& entry : fs::directory_iterator(key)) {
    const std::string name = entry.path().filename().string();
    if (name == "private" || name == "os") continue;
    fs::copy(entry.path(), ctx.root.path("/usbkey") + "/" + name,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  for (const char* script : {"joysetup.sh", "agentsetup.sh"}) {
    if (fs::exists(unpacked / "scripts" / script)) {
      fs::copy_file(unpacked / "scripts" / script, joysetup / script, fs::copy_options::overwrite_existing);
    }
  }
}

// The state's record: the installed uuid, with its version when the DC IMGAPI knows it.
common::Json gz_tools_record(const Context& ctx, const std::string& uuid, const std::string& file) {
  common::Json record = {{"image", nullptr}, {"version", nullptr}, {"file", fs::path(file).filename().string()}};
  if (uuid.empty()) return record;
  record["image"] = uuid;
  imgapi::Client client(dc_imgapi_url(ctx.root));
  if (const auto image = client.find_image(uuid)) record["version"] = image->version();
  return record;
}

// updateCNTools (do_update_gz_tools.js:585-760), after the headnode's files: urDiscovery
// fails the command when a selected server does not answer (common.urDiscovery's line,
// lib/common.js:1497-1501, then node-urclient's "could not find all nodes",
// lib/ur_disco.js:140); what the headnode got stays. Else every selected server (the
// headnode too) gets cn_tools: the state records the gz-tools uuid as its "gz_tools".
void update_cn_tools(const Context& ctx, State& state, const std::vector<ServerInfo>& servers, const std::string& uuid) {
  std::vector<std::string> missing;
  for (const ServerInfo& s : servers) {
    if (!answers_ur(s)) missing.push_back(s.uuid);
  }
  if (!missing.empty()) {
    state.save(ctx.root);
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    ctx.out << "Could not find " << missing.size() << " servers (ur did not respond to discovery): " << list << "\n";
    throw Error(ExitCode::step_failed, "could not find all nodes");
  }
  ctx.out << "Starting cn_tools update on " << servers.size() << " servers\n";
  for (common::Json& s : state.servers()) {
    const bool chosen = std::any_of(servers.begin(), servers.end(),
                                    [&](const ServerInfo& c) { return c.uuid == string_field(s, "uuid"); });
    if (chosen) s["gz_tools"] = uuid.empty() ? common::Json(nullptr) : common::Json(uuid);
  }
}

}  // namespace

void cmd_update_gz_tools(const Context& ctx, const GzToolsOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& arg = o.file;
  const std::string path = existing_file(ctx, arg, "update-gz-tools");
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  const std::string before = installed_uuid(ctx.root);
  if (!before.empty()) ctx.out << "UUID of latest installed gz-tools image is:\n  " << before << "\n\n";
  // findServersToUpdate + ensureRunning (do_update_gz_tools.js:488-514): refused before
  // anything changes.
  ctx.out << "Finding servers to update\n";
  const std::vector<ServerInfo> servers = select_gz_tools_servers(server_list(state), o.servers, o.exclude);
  fire_fault(active_fault(state), "update-gz-tools", "",
             "error updating gz-tools from " + arg + ": simulated failure (fake-sdcadm fault knob)", state, ctx.root);
  if (noop_requested("update-gz-tools")) {  // FAKE_SDCADM_NOOP (fault.hpp): success, nothing changed
    ctx.out << "Updated gz-tools successfully (elapsed 0s).\n";
    return;
  }
  ctx.out << "Using gz-tools tarball file " << arg << "\nDecompressing gz-tools tarball\n";
  const fs::path unpacked = ctx.root.path("/var/tmp/gz-tools");
  fs::remove_all(unpacked);  // the real one unpacks over leftovers; a clean dir keeps the check honest
  untar(path, ctx.root.path("/var/tmp"), "decompressing gz-tools tarball " + arg);
  ctx.out << "Validating gz-tools tarball files\n";
  validate_unpacked(unpacked.string());
  ctx.out << "Updating \"sdc\" zone tools\n";
  untar((unpacked / "tools.tar.gz").string(), ctx.root.path("/opt/smartdc"), "updating /opt/smartdc");
  ctx.out << "Updating global zone scripts\n";
  update_usb_key(ctx, unpacked);
  fs::remove_all(unpacked);
  const std::string uuid = installed_uuid(ctx.root);
  state.json()["gz_tools"] = gz_tools_record(ctx, uuid, path);
  update_cn_tools(ctx, state, servers, uuid);  // saves the headnode's part before a ur failure
  state.append_log(ctx.argv);
  state.save(ctx.root);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  ctx.out << "Updated gz-tools successfully (elapsed " << secs.count() << "s).\n";
}

}  // namespace fake_sdcadm
