// `sdcadm-install import BUNDLE`: step 5 of apply on its own: loads the images staged by
// `sdcadm-install stage BUNDLE` into the DC IMGAPI, origins first, skipping active ones
// and replacing unactivated leftovers. Reads only the bundle's index. Holds the
// sdcadm-install lock and the sdcadm lock while it runs. The workflow is the library's
// (installer/import_run.hpp); this file prints its report.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/import_run.hpp>

#include <common/progress.hpp>

#include <iostream>

namespace installer {
namespace {

struct ImportArgs {
  std::string bundle;
  bool json = false;
  unsigned concurrency = k_default_import_concurrency;
  int attempts = 3;
  ProgressFlags progress;
  TrustOverrides trust;
};

void print_report(const ImportArgs& args, const std::string& url, const ImportReport& r) {
  if (args.json) {
    common::Json images = common::Json::array();
    for (const auto& i : r.images) {
      images.push_back({{"uuid", i.uuid}, {"name", i.name}, {"version", i.version},
                        {"outcome", to_string(i.outcome)}, {"size", i.size}, {"attempts", i.attempts}});
    }
    print_json({{"ok", true}, {"bundle", args.bundle}, {"imgapi", url}, {"images", images},
                {"bytes_uploaded", r.bytes_uploaded}});
    return;
  }
  std::size_t imported = 0, active = 0;
  for (const auto& i : r.images) (i.outcome == ImportOutcome::already_active ? active : imported)++;
  std::cout << "imported " << imported << " image(s) (" << common::format_bytes(r.bytes_uploaded)
            << ") into " << url << "; " << active << " already active\n"
            << std::flush;
}

void run_import(const HostOptions& host, const ImportArgs& args) {
  ImportRunOptions options;
  options.host = host;
  options.bundle = bundle_path_argument(args.bundle);
  options.concurrency = args.concurrency;
  options.attempts = args.attempts;
  options.trust = args.trust;
  options.quiet = args.json;
  TrustAndProgress printer(args.json, args.progress);
  const ImportRunResult r = installer::run_import(options, printer);
  print_report(args, r.imgapi_url, r.report);
}

}  // namespace

void register_import(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Step of apply: load the images staged by `stage` into the DC IMGAPI "
                "(origins first; active images skipped, unactivated leftovers replaced)");
  cmd->add_option("BUNDLE", args->bundle, "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split)")
      ->required();
  cmd->add_flag("-j,--json", args->json, "The result as JSON on stdout (also on failure)");
  add_import_flags(*cmd, args->concurrency, args->attempts);
  add_progress_flags(*cmd, args->progress);
  add_trust_flags(*cmd, args->trust);
  using common::ExitCode;
  cmd->footer("A failed image is removed from IMGAPI; run the command again to finish. " +
              common::exit_code_footer(
                  {{ExitCode::ok, "imported"},
                   {ExitCode::config, "no IMGAPI configured"},
                   {ExitCode::no_space},
                   {ExitCode::network, "IMGAPI unreachable"},
                   {ExitCode::remote_error, "IMGAPI error reply"},
                   {ExitCode::integrity, "IMGAPI stored other bytes, or a staged file is not the signed one (run `stage` again)"},
                   {ExitCode::not_found, "not staged"},
                   {ExitCode::conflict, "a different image with that uuid exists"},
                   {ExitCode::locked}}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_import(host_options(*globals), *args); }); });
}

}  // namespace installer
