// sdcadm experimental update-agents AGENTSSHAR (--all [-x NAMES] | SERVER...) [-y]
// (sdcadm 1.39.0 lib/cli/do_update_agents.js; sdcadm.md §6.4). AGENTSSHAR is a local file
// (a headnode path, under the root) or an image UUID of the DC IMGAPI. The servers are
// chosen as the real command chooses them (servers.hpp: unsetup servers and servers that
// miss the Ur broadcast are failures, an unknown or unsetup SERVER is refused before
// anything runs). The file lands in /usbkey/extra/agents/ (a fetched image as
// agents-<uuid>.sh, a local file under its own name) with the "latest" link moved to it.
// Then, on each chosen server that answered Ur:
//  * an agentsshar image (a UUID, or a file whose SHA-1 is an agentsshar image's): every
//    agent instance of the shar's agents moves to the newest image of its service's name
//    in the DC IMGAPI (the shar's own agent list is not read here);
//  * any other file (issue 6's bootstrap installer; the real command runs any file): the
//    ur scripts run it on the server's simulated root (agents_install.hpp) and each agent
//    instance then runs what the server's node_modules/<agent>/image_uuid says.
// The summary line and the MultiError that fails the command after the other servers were
// updated are the real ones (do_update_agents.js:1205-1214). No sdcadm lock, like the real.
#include <tools/fake_sdcadm/agents_install.hpp>
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/prompt.hpp>
#include <tools/fake_sdcadm/servers.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/table.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <imgapi/client.hpp>
#include <manifest/triton_agents.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <unistd.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

namespace {

const char* k_agents_dir = "/usbkey/extra/agents";

// The agentsshar image whose file has this SHA-1 in the DC IMGAPI, if any.
std::optional<manifest::ImageManifest> shar_image_with(imgapi::Client& client, const std::string& sha1) {
  imgapi::ListFilter filter;
  filter.name = "agentsshar";
  for (const auto& image : client.list_images(filter)) {
    if (image.file() && image.file()->sha1 == sha1) return image;
  }
  return std::nullopt;
}

// Puts the installer in /usbkey/extra/agents (copyFileToAssetsDir: a fetched image as
// agents-<uuid>.sh, a local file under its own name, not copied when it is there already)
// and points "latest" at it. Returns the file's path there.
std::string install_shar(const Context& ctx, imgapi::Client& client, const manifest::ImageManifest* image,
                         const std::string& file) {
  const std::string dir = ctx.root.path(k_agents_dir);
  fs::create_directories(dir);
  const std::string name = file.empty() ? "agents-" + image->uuid() + ".sh" : fs::path(file).filename().string();
  const std::string dest = dir + "/" + name;
  if (file.empty()) {
    client.get_image_file_to_path(image->uuid(), *image->file(), dest);
  } else if (!fs::exists(dest) || !fs::equivalent(file, dest)) {
    ctx.out << "Copy agentsshar to assets dir: " << k_agents_dir << "\n";
    fs::copy_file(file, dest, fs::copy_options::overwrite_existing);
  }
  ctx.out << "Create " << k_agents_dir << "/latest symlink\n";
  const std::string tmp = dir + "/.latest.tmp." + std::to_string(::getpid());
  fs::remove(tmp);
  fs::create_symlink(name, tmp);
  fs::rename(tmp, dir + "/latest");  // atomic replacement of the link
  return dest;
}

// What update-agents is given: a local installer file, or an agentsshar image (by UUID or
// recognised by its file's SHA-1).
struct Shar {
  std::optional<manifest::ImageManifest> image;
  std::string file;  // the local file ("" for a UUID)
  std::string sha1;  // of the local file
};

// Each agent instance on a server that ran the installer: the image its image_uuid names.
void read_back_agents(const Context& ctx, imgapi::Client& client, State& state,
                      const std::vector<ServerOutcome>& outcomes) {
  for (const ServerOutcome& done : outcomes) {
    if (done.result == ServerResult::failed) continue;
    const std::string sroot = server_root(ctx.root, done.server);
    for (common::Json& inst : state.instances()) {
      if (string_field(inst, "type") != "agent" || string_field(inst, "server") != done.server.uuid) continue;
      // dockerlogger is a SAPI-only agent with its own installer, never in node_modules
      // (sdcadm lib/sdcadm.js listInsts: CNAPI lists the others).
      if (string_field(inst, "service") == "dockerlogger") continue;
      const std::string uuid = installed_agent_image(sroot, string_field(inst, "service"));
      if (uuid.empty() || uuid == string_field(inst, "image")) continue;
      const auto image = client.find_image(uuid);
      inst["image"] = uuid;
      inst["version"] = image ? image->version() : "";
    }
  }
}

// An agentsshar image on one server: the shar's agents there move to the newest image of
// their names in the DC IMGAPI (the shar carries the agents of its agents.json only, not
// dockerlogger, cabase, ...).
ServerOutcome shar_on_server(imgapi::Client& client, State& state, const AgentServer& server) {
  for (common::Json& inst : state.instances()) {
    if (string_field(inst, "type") != "agent" || string_field(inst, "server") != server.uuid) continue;
    if (!manifest::is_shar_agent(string_field(inst, "service"))) continue;
    imgapi::ListFilter filter;
    filter.name = string_field(inst, "service");
    const auto newest = imgapi::latest_image(client.list_images(filter));
    if (!newest) continue;  // no image of this agent in the DC: the shar leaves it as it is
    inst["image"] = newest->uuid();
    inst["version"] = newest->version();
  }
  return {server, ServerResult::updated, ""};
}

// The plan and the question (do_update_agents.js:620-658).
bool confirmed(const Context& ctx, const AgentsOptions& o, const Shar& shar, const AgentsSelection& sel) {
  ctx.out << "\nThis update will make the following changes:\n    Ensure core agent SAPI services exist\n";
  if (shar.file.empty()) ctx.out << "    Download agentsshar " << shar.image->uuid() << "\n        (" << shar.image->version() << ")\n";
  ctx.out << "    Update GZ agents on " << sel.to_update.size() << " (of " << sel.all.size() << ") servers using\n"
          << "        agentsshar " << (shar.file.empty() ? shar.image->version() : o.agentsshar) << "\n\n";
  if (o.yes) return true;
  if (confirm("Would you like to continue?")) return true;
  ctx.out << "Aborting agents update\n";
  return false;
}

// updateCNAgents' per-server lines (do_update_agents.js:1029-1030) and the failures the
// real one collects for the MultiError (UpdateError, code "Update": 1052-1058).
void report_servers(const Context& ctx, const std::vector<ServerOutcome>& outcomes, std::vector<CodedError>& errors) {
  for (const ServerOutcome& r : outcomes) {
    const char* what = r.result == ServerResult::updated ? "updated"
                       : r.result == ServerResult::already_updated ? "already updated" : "error";
    ctx.out << "Server " << r.server.uuid << " (" << r.server.hostname << "): " << what
            << (r.message.empty() ? "" : " (" + r.message + ")") << "\n";
    if (r.result == ServerResult::failed) errors.push_back({"Update", r.message});
  }
}

void run_update(const Context& ctx, const AgentsOptions& o, State& state, imgapi::Client& client, const Shar& shar) {
  const auto start = std::chrono::steady_clock::now();
  ctx.out << "Finding servers to update\n";
  const AgentsSelection sel = select_agents_servers(server_list(state), o.all, o.servers, o.exclude, ctx.out);
  if (!confirmed(ctx, o, shar, sel)) return;
  fire_fault(active_fault(state), "update-agents", "",
             "error installing agents from " + o.agentsshar + ": simulated failure (fake-sdcadm fault knob)", state,
             ctx.root);
  if (noop_requested("update-agents")) {  // FAKE_SDCADM_NOOP (fault.hpp): every server skipped
    std::vector<ServerOutcome> skipped;
    for (const ServerInfo& s : sel.to_update) skipped.push_back({{s.uuid, s.hostname}, ServerResult::already_updated, ""});
    std::vector<CodedError> none;
    report_servers(ctx, skipped, none);
    ctx.out << "Updated agents on " << skipped.size() << "/" << sel.all.size() << " servers (0 failures, "
            << sel.excluded.size() << " excluded) (0s)\n";
    return;
  }
  const std::string installed = install_shar(ctx, client, shar.file.empty() ? &*shar.image : nullptr, shar.file);
  std::vector<AgentServer> targets;
  for (const ServerInfo& s : sel.to_update) targets.push_back({s.uuid, s.hostname});
  ctx.out << "Starting agentsshar update on " << targets.size() << " servers\n";
  std::vector<ServerOutcome> outcomes;
  if (shar.image) {
    for (const AgentServer& server : targets) outcomes.push_back(shar_on_server(client, state, server));
  } else {
    outcomes = install_on_servers(ctx.root, installed, shar.sha1, dc_imgapi_url(ctx.root), targets);
    read_back_agents(ctx, client, state, outcomes);
  }
  std::vector<CodedError> errors;
  for (const std::string& f : sel.failures) errors.push_back({"", f});  // plain Errors, no code
  report_servers(ctx, outcomes, errors);
  const auto updated = static_cast<std::size_t>(std::count_if(outcomes.begin(), outcomes.end(), [](const ServerOutcome& r) {
    return r.result != ServerResult::failed;
  }));
  if (updated > 0) {  // refreshSysinfo, refreshConfigAgents (1095-1192): on the servers that succeeded
    ctx.out << "Reloading sysinfo on updated servers\nSysinfo reloaded for all the running servers\n"
            << "Refreshing config-agent on all the updated servers\nConfig-agent refreshed on updated servers\n";
  }
  if (shar.image) {
    state.json()["agentsshar"] = {{"image", shar.image->uuid()}, {"version", shar.image->version()}};
  } else {
    state.json()["agentsshar"] = {{"image", nullptr}, {"version", nullptr}, {"file", fs::path(installed).filename().string()}};
  }
  if (errors.empty()) state.append_log(ctx.argv);
  state.save(ctx.root);  // what the servers that succeeded did stays done, as on a real DC
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ctx.out << "Updated agents on " << updated << "/" << sel.all.size() << " servers (" << errors.size() << " failures, "
          << sel.excluded.size() << " excluded) (" << human_duration_ms(ms.count()) << ")\n";
  if (!errors.empty()) throw Error(ExitCode::step_failed, multi_error_message(errors));
}

// The command line's own checks (do_update_agents.js:1232-1254).
void check_usage(const AgentsOptions& o) {
  if (!o.latest && o.agentsshar.empty()) {
    throw Error(ExitCode::usage, "must specify an AGENTSSHAR: --latest, an updates server UUID, or a "
                                 "download agentsshar package");
  }
  if (o.all && !o.servers.empty()) {
    std::string list;
    for (const std::string& s : o.servers) list += (list.empty() ? "" : " ") + s;
    throw Error(ExitCode::usage, "cannot specify \"--all\" and explicit servers: " + list);
  }
  if (!o.all && o.servers.empty()) {
    throw Error(ExitCode::usage, "either --all option or explicitly specifying SERVER(s) is required");
  }
  if (o.latest) {
    throw Error(ExitCode::network, "update-agents --latest needs the updates server, which this offline "
                                   "DC cannot reach: give the agentsshar file or its image UUID");
  }
}

}  // namespace

void cmd_update_agents(const Context& ctx, const AgentsOptions& o) {
  check_usage(o);
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  imgapi::Client client(dc_imgapi_url(ctx.root));
  Shar shar;
  if (manifest::is_uuid(o.agentsshar)) {
    shar.image = client.get_image(o.agentsshar);
    if (shar.image->name() != "agentsshar") {
      throw Error(ExitCode::bad_data,
                  "image " + shar.image->uuid() + " is \"" + shar.image->name() + "\", not an agentsshar");
    }
    ctx.out << "Found agentsshar " << shar.image->uuid() << " (" << shar.image->version() << ")\n";
  } else {
    shar.file = ctx.root.file_arg(o.agentsshar);
    if (!fs::is_regular_file(shar.file)) {  // setImageOrFilepath (do_update_agents.js:439-454)
      throw Error(ExitCode::not_found, "could not find agentsshar: \"" + o.agentsshar +
                                           "\" is not a UUID or an existing file (" + shar.file + ")");
    }
    shar.sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, shar.file);
    shar.image = shar_image_with(client, shar.sha1);
  }
  run_update(ctx, o, state, client, shar);
}

}  // namespace fake_sdcadm
