// `sdcadm-install stage BUNDLE`: step 4 of apply on its own, for operators who go step by
// step: one streaming pass that verifies every byte and writes the images, agentsshar,
// gz-tools and platform files under /usbkey, committing nothing unless the whole bundle
// is good. Holds the sdcadm-install lock and the sdcadm lock while it writes. The workflow
// is the library's (installer/stage_run.hpp); this file prints its report.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/stage_run.hpp>

#include <common/progress.hpp>

#include <iostream>

namespace installer {
namespace {

struct StageArgs {
  std::string bundle;
  bool json = false;
  ProgressFlags progress;
  TrustOverrides trust;
};

common::Json report_json(const StageArgs& args, const StageReport& r) {
  common::Json images = common::Json::array();
  for (const auto& i : r.plan.images) {
    images.push_back({{"uuid", i.uuid}, {"name", i.name}, {"version", i.version}, {"role", i.role},
                      {"manifest", i.manifest_path}, {"file", i.file_path},
                      {"stage_as", i.file_headnode_path},
                      {"delta", i.delta ? common::Json(i.delta->base_uuid) : common::Json(nullptr)}});
  }
  return {{"ok", true}, {"bundle", args.bundle}, {"bundle_id", r.bundle_id},
          {"files", r.files}, {"written", r.written}, {"already", r.already},
          {"bytes_written", r.bytes_written}, {"bytes_already", r.bytes_already},
          {"payload_read", r.payload_read}, {"rebuilt", r.rebuilt}, {"rebuilt_bytes", r.rebuilt_bytes},
          {"base_bytes", r.base_bytes}, {"rebuild_seconds", r.rebuild_seconds},
          {"not_staged", r.plan.not_staged}, {"images", images}};
}

void run_stage(const HostOptions& host, const StageArgs& args) {
  StageRunOptions options;
  options.host = host;
  options.bundle = bundle_path_argument(args.bundle);
  options.label = "stage " + args.bundle;
  options.trust = args.trust;
  options.quiet = args.json;
  TrustAndProgress printer(args.json, args.progress);
  const StageReport r = installer::run_stage(options, printer);
  if (args.json) {
    print_json(report_json(args, r));
    return;
  }
  std::cout << "staged bundle " << r.bundle_id << ": " << r.files << " file(s), " << r.written
            << " written (" << common::format_bytes(r.bytes_written) << "), " << r.already
            << " already in place (" << common::format_bytes(r.bytes_already) << ")\n";
  if (!r.payload_read) std::cout << "everything was in place: the bundle's payload was not read\n";
  for (const auto& n : r.plan.not_staged) std::cout << "not staged: " << n << "\n";
  std::cout << std::flush;
}

}  // namespace

void register_stage(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<StageArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stage", "Step of apply: verify the bundle in one pass and write its files under /usbkey "
               "(images/<uuid>.imgmanifest + .imgfile, extra/agents, gz-tools, platforms); "
               "nothing is written from a bad bundle, and a re-run keeps what is in place");
  cmd->add_option("BUNDLE", args->bundle,
                  "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split), or - for standard input")
      ->required();
  cmd->add_flag("-j,--json", args->json, "The result as JSON on stdout (also on failure)");
  add_progress_flags(*cmd, args->progress);
  add_trust_flags(*cmd, args->trust);
  using common::ExitCode;
  cmd->footer("A damaged bundle stages nothing. " +
              common::exit_code_footer(with_bundle_trust_codes({{ExitCode::ok, "staged"},
                                        {ExitCode::io},
                                        {ExitCode::no_space, "not enough space (checked before writing)"},
                                        {ExitCode::integrity, "manifest and file disagree (or a delta does not rebuild)"},
                                        {ExitCode::delta_base_missing, "a delta's base image is not on this DC"},
                                        {ExitCode::not_found, "no such file"},
                                        {ExitCode::input_timeout},
                                        {ExitCode::locked},
                                        {ExitCode::unsafe_path, "a directory under /usbkey is a symlink"}}),
                                       {common::CodeFamily::bundle}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_stage(host_options(*globals), *args); }); });
}

}  // namespace installer
