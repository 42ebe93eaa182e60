// `sdcadm-install avail BUNDLE [SERVICE...] [-c|--changes] [-j]`: what the bundle offers
// against what runs, per service, like `sdcadm avail` but from the bundle (issue 5 item 7).
// With -c, the changelog entries the bundle carries for each offered image. The workflow is
// the library's (installer/avail.hpp); this file prints its rows.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/avail.hpp>

#include <cstdio>
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

void run_avail(const HostOptions& host, const AvailArgs& args) {
  AvailOptions options;
  options.host = host;
  options.bundle = bundle_path_argument(args.bundle);
  options.services = args.services;
  options.changes = args.changes;
  options.trust = args.trust;
  options.quiet = args.json;
  TrustAndProgress printer(args.json, ProgressFlags{});
  const AvailResult avail = installer::run_avail(options, printer);
  common::Json rows = common::Json::array();
  for (const AvailService& sp : avail.services) {
    common::Json current = common::Json::array();
    for (const AvailCurrent& c : sp.current) current.push_back({{"image", c.image}, {"version", c.version}, {"count", c.count}});
    common::Json row = {{"service", sp.service}, {"image", sp.image}, {"version", sp.version},
                        {"published_at", sp.published_at}, {"current", current}, {"offer", sp.offer}};
    if (args.changes) {
      common::Json entries = common::Json::array();
      for (const auto& e : sp.changes) entries.push_back({{"version", e.version}, {"description", e.description}});
      row["changes"] = entries;
    }
    rows.push_back(row);
  }
  if (args.json) {
    print_json({{"ok", true}, {"bundle_id", avail.bundle_id}, {"services", rows}, {"not_deployed", avail.not_deployed}});
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
  for (const auto& s : avail.not_deployed) std::cout << s << ": not deployed in this DC\n";
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
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_avail(host_options(*globals), *args); }); });
}

}  // namespace installer
