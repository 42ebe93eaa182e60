// sdcadm experimental update-agents AGENTSSHAR --all|SERVER... [-y] (sdcadm.md §6.4).
// AGENTSSHAR is a local file (a headnode path, under the root) or an image UUID of the DC
// IMGAPI. Either way the file lands in /usbkey/extra/agents/ (a fetched image as
// agents-<uuid>.sh, a local file under its own name, as the real one names them) with the
// "latest" link moved to it. Then:
//  * an agentsshar image (a UUID, or a file whose SHA-1 is an agentsshar image's): every
//    agent instance on the chosen servers moves to the newest image of its service's name
//    in the DC IMGAPI (the shar's own agent list is not read here);
//  * any other file (issue 6's bootstrap installer; the real command runs any file, it
//    never needs an image for one): it is run on every chosen server with agent instances
//    (agents_install.hpp) and each agent instance then runs what the server's
//    node_modules/<agent>/image_uuid says.
// No sdcadm lock, like the real one.
#include <tools/fake_sdcadm/agents_install.hpp>
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/prompt.hpp>
#include <tools/fake_sdcadm/state.hpp>

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

bool on_servers(const common::Json& inst, const AgentsOptions& o) {
  if (o.all) return true;
  return std::any_of(o.servers.begin(), o.servers.end(), [&](const std::string& s) {
    return string_field(inst, "server") == s || string_field(inst, "hostname") == s;
  });
}

// Every server of the DC (the servers of its instances) and the chosen ones with agent
// instances, in first-seen order. Error(usage) for a SERVER argument no server has.
std::pair<std::vector<AgentServer>, std::vector<AgentServer>> servers_of(const State& state, const AgentsOptions& o) {
  std::vector<AgentServer> all, chosen;
  auto add = [](std::vector<AgentServer>& list, const common::Json& inst) {
    const std::string uuid = string_field(inst, "server");
    if (std::none_of(list.begin(), list.end(), [&](const AgentServer& s) { return s.uuid == uuid; })) {
      list.push_back({uuid, string_field(inst, "hostname")});
    }
  };
  for (const common::Json& inst : state.instances()) {
    add(all, inst);
    if (string_field(inst, "type") == "agent" && on_servers(inst, o)) add(chosen, inst);
  }
  std::vector<std::string> missing;
  for (const std::string& s : o.servers) {
    if (std::none_of(all.begin(), all.end(), [&](const AgentServer& a) { return a.uuid == s || a.hostname == s; })) {
      missing.push_back(s);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw Error(ExitCode::usage, std::to_string(missing.size()) + " of " + std::to_string(o.servers.size()) +
                                     " selected servers were not found in CNAPI: " + list);
  }
  return {all, chosen};
}

// Each agent instance on a server that ran the installer: the image its image_uuid names.
void read_back_agents(const Context& ctx, imgapi::Client& client, State& state,
                      const std::vector<ServerOutcome>& outcomes) {
  for (const ServerOutcome& done : outcomes) {
    if (done.result == ServerResult::failed) continue;
    const std::string sroot = server_root(ctx.root, done.server);
    for (common::Json& inst : state.instances()) {
      if (string_field(inst, "type") != "agent" || string_field(inst, "server") != done.server.uuid) continue;
      const std::string uuid = installed_agent_image(sroot, string_field(inst, "service"));
      if (uuid.empty() || uuid == string_field(inst, "image")) continue;
      const auto image = client.find_image(uuid);
      inst["image"] = uuid;
      inst["version"] = image ? image->version() : "";
    }
  }
}

// A file that is no agentsshar image: run it on the servers, as the ur scripts would.
void update_with_installer(const Context& ctx, const AgentsOptions& o, State& state, imgapi::Client& client,
                           const std::string& file, const std::string& sha1) {
  const auto start = std::chrono::steady_clock::now();
  const auto [all, chosen] = servers_of(state, o);
  ctx.out << "\nThis update will make the following changes:\n    Ensure core agent SAPI services exist\n"
          << "    Update GZ agents on " << chosen.size() << " (of " << all.size() << ") servers using\n"
          << "        agentsshar " << o.agentsshar << "\n\n";
  if (!o.yes && !confirm("Would you like to continue?")) {
    ctx.out << "Aborting agents update\n";
    return;
  }
  fire_fault(active_fault(state), "update-agents", "",
             "error installing agents from " + o.agentsshar + ": simulated failure (fake-sdcadm fault knob)", state,
             ctx.root);
  const std::string installer = install_shar(ctx, client, nullptr, file);
  ctx.out << "Starting agentsshar update on " << chosen.size() << " servers\n";
  const auto outcomes = install_on_servers(ctx.root, installer, sha1, dc_imgapi_url(ctx.root), chosen);
  std::string first_error;  // MultiError's message names the first; each server's is on stdout
  std::size_t failures = 0;
  for (const ServerOutcome& r : outcomes) {
    const char* what = r.result == ServerResult::updated ? "updated" : r.result == ServerResult::already_updated
                                                                           ? "already updated" : "error";
    ctx.out << "Server " << r.server.uuid << " (" << r.server.hostname << "): " << what
            << (r.message.empty() ? "" : " (" + r.message + ")") << "\n";
    if (r.result == ServerResult::failed && failures++ == 0) first_error = r.message;
  }
  read_back_agents(ctx, client, state, outcomes);
  state.json()["agentsshar"] = {{"image", nullptr}, {"version", nullptr}, {"file", fs::path(installer).filename().string()}};
  if (failures == 0) state.append_log(ctx.argv);
  state.save(ctx.root);  // what the servers that succeeded did stays done, as on a real DC
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  ctx.out << "Updated agents on " << chosen.size() - failures << "/" << all.size() << " servers (" << failures
          << " failures, 0 excluded) (" << secs.count() << "s)\n";
  if (failures > 0) {
    throw Error(ExitCode::step_failed,
                (failures > 1 ? "first of " + std::to_string(failures) + " errors: " : std::string()) + first_error);
  }
}

// An agentsshar image: every agent instance on the chosen servers moves to the newest image
// of its service's name in the DC IMGAPI.
void update_with_shar(const Context& ctx, const AgentsOptions& o, State& state, imgapi::Client& client,
                      const manifest::ImageManifest& image, const std::string& file) {
  if (image.name() != "agentsshar") {
    throw Error(ExitCode::bad_data, "image " + image.uuid() + " is \"" + image.name() + "\", not an agentsshar");
  }
  ctx.out << "Using agentsshar " << image.uuid() << " (" << image.version() << ")\n";
  if (!o.yes && !confirm("Would you like to continue?")) {
    ctx.out << "Aborting agents update\n";
    return;
  }
  fire_fault(active_fault(state), "update-agents", "",
             "error installing agentsshar " + image.uuid() + ": simulated failure (fake-sdcadm fault knob)",
             state, ctx.root);
  install_shar(ctx, client, &image, file);
  int updated = 0;
  for (common::Json& inst : state.instances()) {
    if (inst.at("type").get<std::string>() != "agent" || !on_servers(inst, o)) continue;
    // The shar carries the agents of its agents.json only (not dockerlogger, cabase, ...).
    if (!manifest::is_shar_agent(inst.at("service").get<std::string>())) continue;
    imgapi::ListFilter filter;
    filter.name = inst.at("service").get<std::string>();
    const auto newest = imgapi::latest_image(client.list_images(filter));
    if (!newest) continue;  // no image of this agent in the DC: the shar leaves it as it is
    inst["image"] = newest->uuid();
    inst["version"] = newest->version();
    ++updated;
  }
  state.json()["agentsshar"] = {{"image", image.uuid()}, {"version", image.version()}};
  state.append_log(ctx.argv);
  state.save(ctx.root);
  ctx.out << "Updated " << updated << " agent instance" << (updated == 1 ? "" : "s")
          << "\nSuccessfully updated agents\n";
}

}  // namespace

void cmd_update_agents(const Context& ctx, const AgentsOptions& o) {
  if (o.agentsshar.empty()) {
    throw Error(ExitCode::network, "update-agents --latest needs the updates server, which this offline "
                                   "DC cannot reach: give the agentsshar file or its image UUID");
  }
  if (o.all == !o.servers.empty()) throw Error(ExitCode::usage, "must specify either --all or a list of servers");
  const StateLock state_lock(ctx.root);
  State state = State::load(ctx.root);
  imgapi::Client client(dc_imgapi_url(ctx.root));
  if (manifest::is_uuid(o.agentsshar)) {
    update_with_shar(ctx, o, state, client, client.get_image(o.agentsshar), "");
    return;
  }
  const std::string file = ctx.root.file_arg(o.agentsshar);
  if (!fs::is_regular_file(file)) {
    throw Error(ExitCode::not_found, "could not find agentsshar: \"" + o.agentsshar +
                                         "\" is not a UUID or an existing file (" + file + ")");
  }
  const std::string sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, file);
  if (const auto image = shar_image_with(client, sha1)) {
    update_with_shar(ctx, o, state, client, *image, file);
  } else {
    update_with_installer(ctx, o, state, client, file, sha1);
  }
}

}  // namespace fake_sdcadm
