// sdcadm experimental update-agents AGENTSSHAR --all|SERVER... [-y] (sdcadm.md §6.4).
// AGENTSSHAR is a local file (a headnode path, under the root) or an image UUID, found in
// the DC IMGAPI (by files[0].sha1 for a file). The shar lands in /usbkey/extra/agents/ with
// the "latest" link moved to it, and every agent instance on the chosen servers moves to
// the newest image of its service's name in the DC IMGAPI (the shar itself does not list
// its agents here). No sdcadm lock, like the real one.
#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/prompt.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
namespace fs = std::filesystem;

namespace {

const char* k_agents_dir = "/usbkey/extra/agents";

// The agentsshar image for a file: the DC image named agentsshar with the file's SHA-1.
manifest::ImageManifest image_for_file(imgapi::Client& client, const std::string& path) {
  if (!fs::is_regular_file(path)) throw Error(ExitCode::not_found, "agentsshar file " + path + " does not exist");
  const std::string sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, path);
  imgapi::ListFilter filter;
  filter.name = "agentsshar";
  for (const auto& image : client.list_images(filter)) {
    if (image.file() && image.file()->sha1 == sha1) return image;
  }
  throw Error(ExitCode::not_found, "no agentsshar image with SHA-1 " + sha1 + " (the file " + path +
                                       ") in the DC IMGAPI: import its image first");
}

// Puts the shar in /usbkey/extra/agents (if not there yet) and points "latest" at it.
void install_shar(const Context& ctx, imgapi::Client& client, const manifest::ImageManifest& image,
                  const std::string& file) {
  const std::string dir = ctx.root.path(k_agents_dir);
  fs::create_directories(dir);
  std::string name = file.empty() ? "agents-" + image.uuid() + ".sh" : fs::path(file).filename().string();
  const std::string dest = dir + "/" + name;
  if (file.empty()) {
    client.get_image_file_to_path(image.uuid(), *image.file(), dest);
  } else if (!fs::exists(dest) || !fs::equivalent(file, dest)) {
    fs::copy_file(file, dest, fs::copy_options::overwrite_existing);
  }
  const std::string tmp = dir + "/.latest.tmp." + std::to_string(::getpid());
  fs::remove(tmp);
  fs::create_symlink(name, tmp);
  fs::rename(tmp, dir + "/latest");  // atomic replacement of the link
}

bool on_servers(const common::Json& inst, const AgentsOptions& o) {
  if (o.all) return true;
  return std::any_of(o.servers.begin(), o.servers.end(), [&](const std::string& s) {
    return string_field(inst, "server") == s || string_field(inst, "hostname") == s;
  });
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
  const bool is_uuid = manifest::is_uuid(o.agentsshar);
  const std::string file = is_uuid ? "" : ctx.root.file_arg(o.agentsshar);
  const manifest::ImageManifest image = is_uuid ? client.get_image(o.agentsshar) : image_for_file(client, file);
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
  install_shar(ctx, client, image, file);
  int updated = 0;
  for (common::Json& inst : state.instances()) {
    if (inst.at("type").get<std::string>() != "agent" || !on_servers(inst, o)) continue;
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

}  // namespace fake_sdcadm
