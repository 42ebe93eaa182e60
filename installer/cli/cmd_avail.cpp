// `sdcadm-install avail BUNDLE [SERVICE...] [-c|--changes] [-j]`: what the bundle offers
// against what runs, per service, like `sdcadm avail` but from the bundle (issue 5 item 7).
// With -c, the changelog entries the bundle carries for each offered image.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/plan_inputs.hpp>

#include <common/error.hpp>
#include <manifest/changelog.hpp>

#include <iostream>

namespace installer {
namespace {

struct AvailArgs {
  std::string bundle;
  std::vector<std::string> services;
  bool changes = false;
  bool json = false;
  TrustOverrides trust;
};

std::optional<manifest::Changelog> read_changelog(const OpenBundle& b) {
  if (!b.index().find_member("changelog.json")) return std::nullopt;
  return manifest::Changelog::parse(b.reader->read_member("changelog.json", manifest::k_changelog_max_bytes));
}

// "newer", "same", "older" or "" (no current image to compare with).
std::string compare_label(const ServicePlan& sp) {
  if (sp.changes()) return "newer";
  if (!sp.dropped.empty()) return "older";
  return sp.groups.empty() ? "" : "same";
}

void run_avail(const GlobalOptions& globals, const AvailArgs& args) {
  const Paths paths = start_run(globals, args.json);
  const std::string url = imgapi_url(globals, paths);
  const SdcadmRunner runner(globals.sdcadm);
  check_trust_or_throw(paths, bundle_path_argument(args.bundle), args.trust, args.json);
  const OpenBundle bundle = open_bundle(bundle_path_argument(args.bundle));
  PlanOptions options;
  if (!args.services.empty()) {
    SpecLimit limit;
    for (const auto& s : args.services) limit.entries.push_back({s, std::nullopt, std::nullopt});
    options.limit = limit;
  }
  const Plan plan =
      make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_imgapi_domain(globals, paths), globals.sdc_server),
                options);
  const auto changelog = args.changes ? read_changelog(bundle) : std::nullopt;
  common::Json rows = common::Json::array();
  for (const auto& sp : plan.services) {
    common::Json current = common::Json::array();
    for (const auto& g : sp.groups) current.push_back({{"image", g.from_image}, {"version", g.from_version}, {"count", g.instances.size()}});
    for (const auto& d : sp.dropped) current.push_back({{"image", d.from_image}, {"version", d.from_version}, {"count", d.count}});
    common::Json row = {{"service", sp.service}, {"image", sp.target.uuid}, {"version", sp.target.version},
                        {"published_at", sp.target.published_at}, {"current", current}, {"offer", compare_label(sp)}};
    const manifest::ChangelogArtifact* log = changelog ? changelog->find(sp.target.name) : nullptr;
    if (args.changes) {
      common::Json entries = common::Json::array();
      if (log) for (const auto& e : log->entries) entries.push_back({{"version", e.version}, {"description", e.description}});
      row["changes"] = entries;
    }
    rows.push_back(row);
  }
  if (args.json) {
    print_json({{"ok", true}, {"bundle_id", plan.bundle_id}, {"services", rows}, {"not_deployed", plan.not_deployed}});
    return;
  }
  std::cout << "SERVICE              OFFER  BUNDLE VERSION                                 RUNNING\n";
  for (const auto& r : rows) {
    std::string running;
    for (const auto& c : r["current"]) running += (running.empty() ? "" : ", ") + c["version"].get<std::string>();
    char line[512];
    std::snprintf(line, sizeof line, "%-20s %-6s %-46s %s\n", r["service"].get<std::string>().c_str(),
                  r["offer"].get<std::string>().c_str(), r["version"].get<std::string>().c_str(), running.c_str());
    std::cout << line;
    if (args.changes) {
      for (const auto& e : r["changes"]) {
        std::cout << "    " << e["version"].get<std::string>()
                  << (e["description"].get<std::string>().empty() ? "" : ": " + e["description"].get<std::string>()) << "\n";
      }
    }
  }
  for (const auto& s : plan.not_deployed) std::cout << s << ": not deployed in this DC\n";
  std::cout << std::flush;
}

}  // namespace

void register_avail(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<AvailArgs>();
  CLI::App* cmd = app.add_subcommand("avail", "What BUNDLE offers against what this DC runs, per service");
  cmd->add_option("BUNDLE", args->bundle, "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split)")->required();
  cmd->add_option("SERVICE", args->services, "Only these services");
  cmd->add_flag("-c,--changes", args->changes, "Show the changelog entries of each offered image");
  cmd->add_flag("-j,--json", args->json, "JSON on stdout");
  add_trust_flags(*cmd, args->trust);
  using common::ExitCode;
  cmd->footer("OFFER: newer (an update), same (already running it), older (the DC runs newer). " +
              common::exit_code_footer({{ExitCode::usage, "usage error, or a SERVICE the bundle has no image for"},
                                        {ExitCode::config, "no IMGAPI configured"}}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_avail(*globals, *args); }); });
}

}  // namespace installer
