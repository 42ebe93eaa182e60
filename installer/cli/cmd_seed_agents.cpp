// `sdcadm-install seed-agents BUNDLE` (issue 6): makes new nodes get their agents from the
// bundle's agent images instead of the agentsshar. On the headnode: stage the bundle, import
// its agent images into the DC IMGAPI, write /usbkey/extra/agents/agents-<stamp>.sh (the
// bootstrap) and .json (the agent set), and point `latest` at the bootstrap. With --media
// DIR: the images and the bootstrap into a headnode USB-key tree instead (no DC needed).
// Holds the sdcadm-install lock and the sdcadm lock while it writes, like stage and import.

#include <installer/agents/bootstrap_script.hpp>
#include <installer/agents/media.hpp>
#include <installer/agents/seed.hpp>
#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/import.hpp>
#include <installer/import_plan.hpp>
#include <installer/stage.hpp>
#include <installer/usbkey_config.hpp>

#include <bundles/seekable_reader.hpp>
#include <common/error.hpp>
#include <common/progress.hpp>

#include <algorithm>
#include <iostream>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

struct SeedArgs {
  std::string bundle;
  std::string media;
  bool no_latest = false;
  bool json = false;
  ProgressFlags progress;
  TrustOverrides trust;
};

agents::AgentSet require_set(std::optional<agents::AgentSet> set, const std::string& bundle) {
  if (!set) {
    throw Error(ExitCode::not_found, bundle + " carries no agent images (role agent); build it without "
                                     "--no-agent-images, or keep using the agentsshar");
  }
  if (const auto missing = agents::missing_agents(*set); !missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    throw Error(ExitCode::not_found, bundle + " lacks the agent images of " + names + ": a bootstrap for new "
                "nodes must install all " + std::to_string(agents::known_agents().size()) + " agents. Build the "
                "bundle with --all and without trimming by an inventory, or keep using the agentsshar");
  }
  return std::move(*set);
}

void run_media(const GlobalOptions& globals, const SeedArgs& args, const Paths& paths) {
  const std::string bundle = bundle_path_argument(args.bundle);
  const VerifiedBundle trusted = check_trust_or_throw(paths, bundle, args.trust, args.json);
  const bundles::SeekableReader& reader = trusted.reader();  // the one the check used
  const agents::AgentSet set =
      require_set(agents::agent_set_of_bundle(reader, agents_imgapi_domain(globals, paths)), args.bundle);
  const agents::MediaResult r = agents::write_media(reader, set, args.media);
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

// Stage (the full pass: it keeps what is in place), then the agent images into IMGAPI.
void stage_and_import(const GlobalOptions& globals, const SeedArgs& args, const Paths& paths,
                      const VerifiedBundle& trusted) {
  const std::string url = imgapi_url(globals, paths);
  common::Progress bar("stage " + args.bundle, bundle_file_size(trusted.path()), args.progress.mode(args.json));
  StageOptions stage;
  stage.progress = [&bar](std::uint64_t done, std::uint64_t) { bar.update(done); };
  stage_bundle(trusted, paths, stage);
  bar.finish();
  std::vector<ImportItem> all = plan_import(trusted, paths), items;
  for (ImportItem item : all) {  // a copy: `all` stays whole for origin look-ups
    if (item.image.role != "agent") continue;
    if (item.origin) {  // agents have none; if one did, it must already be in IMGAPI
      item.external_origin = all[*item.origin].image.uuid;
      item.origin.reset();
    }
    items.push_back(std::move(item));
  }
  ImportOptions options;
  ping_imgapi(url, options.client);
  import_images(url, items, options);
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

void run_seed(const GlobalOptions& globals, const SeedArgs& args) {
  const Paths paths = start_run(globals, args.json);
  if (!args.media.empty()) {
    // Nothing on the headnode changes: no lock (the media may be prepared on another machine).
    run_media(globals, args, paths);
    return;
  }
  const RunLocks locks = take_locks(globals, paths);
  const std::string bundle = bundle_path_argument(args.bundle);
  const VerifiedBundle trusted = check_trust_or_throw(paths, bundle, args.trust, args.json);
  const std::string domain = agents_imgapi_domain(globals, paths);
  if (!agents::is_safe_domain(domain)) {  // before anything is staged
    throw Error(ExitCode::config, "imgapi_domain '" + domain.substr(0, 80) + "' is not a host name or address "
                                  "with an optional :port; fix it in /usbkey/config");
  }
  // a bundle without (all) agent images is refused before anything is staged
  require_set(agents::agent_set_of_bundle(trusted.reader(), domain), args.bundle);
  stage_and_import(globals, args, paths, trusted);
  const agents::AgentSet set = require_set(agents::agent_set_of(trusted, paths, domain), args.bundle);
  const agents::SeedResult r = agents::write_seed(
      set, paths, args.no_latest ? agents::LatestLink::keep : agents::LatestLink::move);
  print_seed(args, r);
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
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_seed(*globals, *args); }); });
}

}  // namespace installer
