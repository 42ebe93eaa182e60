// `sdcadm-install seed-agents BUNDLE` (issue 6): makes new nodes get their agents from the
// bundle's agent images instead of the agentsshar. On the headnode: stage the bundle, import
// its agent images into the DC IMGAPI, write /usbkey/extra/agents/agents-<stamp>.sh (the
// bootstrap) and .json (the agent set), and point `latest` at the bootstrap. With --media
// DIR: the images and the bootstrap into a headnode USB-key tree instead (no DC needed).
// Holds the sdcadm-install lock and the sdcadm lock while it writes, like stage and import.
// The workflow is the library's (installer/seed_agents_run.hpp); this file prints its result.

#include <installer/agents/bootstrap_script.hpp>
#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/seed_agents_run.hpp>

#include <common/progress.hpp>

#include <iostream>

namespace installer {
namespace {

struct SeedArgs {
  std::string bundle;
  std::string media;
  bool no_latest = false;
  bool json = false;
  ProgressFlags progress;
  TrustOverrides trust;
};

void print_media(const SeedArgs& args, const MediaSeed& seed) {
  const agents::AgentSet& set = seed.set;
  const agents::MediaResult& r = seed.result;
  if (args.json) {
    print_json({{"ok", true}, {"bundle", args.bundle}, {"media", args.media}, {"script", r.script_path},
                {"script_written", r.script_written}, {"images_written", r.images_written},
                {"images_already", r.images_already}, {"bytes_written", r.bytes_written},
                {"stale_removed", r.stale_removed}, {"set", agents::to_json(set)}});
    return;
  }
  std::cout << "install media " << args.media << ": " << r.images_written << " agent image(s) written ("
            << common::format_bytes(r.bytes_written) << "), " << r.images_already << " already there; "
            << r.script_path << (r.script_written ? " written" : " unchanged") << "\n";
  if (r.stale_removed > 0) {
    std::cout << r.stale_removed << " agent image file(s) removed from " << args.media
              << "/images/ (the first boot's imgadm install cannot install agent images)\n";
  }
  std::cout << std::flush;
}

void print_seed(const SeedArgs& args, const agents::SeedResult& r) {
  if (args.json) {
    print_json({{"ok", true}, {"bundle", args.bundle}, {"bootstrap", r.bootstrap_headnode_path},
                {"set_file", r.set_path}, {"written", r.written}, {"latest_moved", r.latest_moved},
                {"set", agents::to_json(r.set)}});
    return;
  }
  std::cout << "agents bootstrap " << r.bootstrap_headnode_path << (r.written ? " written" : " already in place")
            << " (" << r.set.agents.size() << " agent images, imgapi " << r.set.imgapi_domain << ")\n";
  if (args.no_latest) {
    std::cout << "latest not moved (--no-latest): new nodes still get the previous installer\n";
  } else {
    std::cout << "/usbkey/extra/agents/latest -> " << agents::bootstrap_file_name(r.set)
              << (r.latest_moved ? "" : " (already)") << "\n";
  }
  std::cout << std::flush;
}

void run_seed(const HostOptions& host, const SeedArgs& args) {
  SeedAgentsOptions options;
  options.host = host;
  options.bundle = args.bundle;
  options.media = args.media;
  options.no_latest = args.no_latest;
  options.trust = args.trust;
  options.quiet = args.json;
  TrustAndProgress printer(args.json, args.progress);
  if (!args.media.empty()) {
    print_media(args, seed_agents_media(options, printer));
  } else {
    print_seed(args, seed_agents(options, printer));
  }
}

}  // namespace

void register_seed_agents(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<SeedArgs>();
  CLI::App* cmd = app.add_subcommand(
      "seed-agents",
      "Install agents on new nodes from the bundle's agent images instead of the agentsshar: stage the "
      "bundle (the full stage pass), import its agent images (only those) into the DC IMGAPI, write "
      "/usbkey/extra/agents/agents-<stamp>.sh (a bootstrap that stock agentsetup.sh runs) and "
      "agents-<stamp>.json (the agent set), and point /usbkey/extra/agents/latest at the bootstrap. "
      "With --media DIR: write the agent images and the bootstrap into a headnode USB-key tree "
      "instead (DIR/agent-images/, DIR/ur-scripts/; no DC IMGAPI needed). See docs/agents.md");
  cmd->add_option("BUNDLE", args->bundle, "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split)")->required();
  cmd->add_option("--media", args->media,
                  "A headnode USB-key tree (the mounted key or a copy) to write the agent images and "
                  "ur-scripts/agents-<stamp>.sh into (lower-case names, no links)")
      ->option_text("DIR");
  cmd->add_flag("--no-latest", args->no_latest,
                "Write the bootstrap but leave /usbkey/extra/agents/latest alone (new nodes keep "
                "getting the current installer until it is moved)");
  cmd->add_flag("-j,--json", args->json, "The result as JSON on stdout (also on failure)");
  add_progress_flags(*cmd, args->progress);
  add_trust_flags(*cmd, args->trust);
  using common::ExitCode;
  cmd->footer("Holds the sdcadm-install and sdcadm locks (not with --media, which changes nothing on "
              "the headnode). The bootstrap's own exit codes: docs/agents.md. " +
              common::exit_code_footer({{ExitCode::ok, "done"},
                                        {ExitCode::config, "no IMGAPI or a bad imgapi_domain"},
                                        {ExitCode::io},
                                        {ExitCode::no_space},
                                        {ExitCode::network, "IMGAPI unreachable"},
                                        {ExitCode::remote_error, "IMGAPI error reply"},
                                        {ExitCode::integrity, "an agent image fails its checks (size, SHA-1, <name>/image_uuid)"},
                                        {ExitCode::bad_data, "a bad agent manifest or no agents_core"},
                                        {ExitCode::not_found, "no agent images"},
                                        {ExitCode::locked}},
                                       {common::CodeFamily::bundle, common::CodeFamily::trust}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_seed(host_options(*globals), *args); }); });
}

}  // namespace installer
