// `sdcadm-install stage BUNDLE`: step 4 of apply on its own, for operators who go step by
// step: one streaming pass that verifies every byte and writes the images, agentsshar,
// gz-tools and platform files under /usbkey, committing nothing unless the whole bundle
// is good. With --import, the images also go into the DC IMGAPI, each uploaded as soon as it
// has verified and activated once the whole bundle has: apply's stage and import steps in
// one pass. Holds the sdcadm-install lock and the sdcadm lock while it writes. The workflow
// is the library's (installer/stage_run.hpp); this file prints its report.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/stage_run.hpp>

#include <common/progress.hpp>

#include <algorithm>
#include <iostream>

namespace installer {
namespace {

struct StageArgs {
  std::string bundle;
  bool json = false;
  bool import = false;
  unsigned concurrency = k_default_import_concurrency;
  int attempts = 3;
  ProgressFlags progress;
  TrustOverrides trust;
};

common::Json import_json(const StagedImport& i) {
  common::Json images = common::Json::array();
  const auto add = [&](const ImportedImage& image, const char* when) {
    images.push_back({{"uuid", image.uuid}, {"name", image.name}, {"version", image.version},
                      {"outcome", to_string(image.outcome)}, {"size", image.size}, {"attempts", image.attempts},
                      {"when", when}});
  };
  for (const auto& image : i.during.images) add(image, "during-stage");
  for (const auto& image : i.after.images) {
    if (image.outcome != ImportOutcome::already_active) add(image, "after-stage");
  }
  return {{"imgapi", i.imgapi_url}, {"images", images},
          {"bytes_uploaded", i.during.bytes_uploaded + i.after.bytes_uploaded},
          {"leftovers_removed", i.during.leftovers_removed}};
}

common::Json report_json(const StageArgs& args, const StageRunResult& run) {
  const StageReport& r = run.stage;
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
          {"not_staged", r.plan.not_staged}, {"images", images},
          {"import", run.import ? import_json(*run.import) : common::Json(nullptr)}};
}

void print_import(const StagedImport& i) {
  std::size_t during = 0, after = 0, after_active = 0;
  for (const auto& image : i.during.images) during += image.outcome != ImportOutcome::already_active;
  for (const auto& image : i.after.images) (image.outcome == ImportOutcome::already_active ? after_active : after)++;
  // The import after the pass finds the pass's images active too; the rest were active before.
  const std::size_t active_before = after_active - std::min(after_active, during);
  std::cout << "imported " << during + after << " image(s) ("
            << common::format_bytes(i.during.bytes_uploaded + i.after.bytes_uploaded) << ") into " << i.imgapi_url
            << ": " << during << " while staging, " << after << " after; " << active_before << " already active\n";
}

void run_stage(const HostOptions& host, const StageArgs& args) {
  StageRunOptions options;
  options.host = host;
  options.bundle = bundle_path_argument(args.bundle);
  options.label = "stage " + args.bundle;
  options.trust = args.trust;
  options.quiet = args.json;
  options.import = args.import;
  options.concurrency = args.concurrency;
  options.attempts = args.attempts;
  TrustAndProgress printer(args.json, args.progress);
  const StageRunResult run = installer::run_stage(options, printer);
  if (args.json) {
    print_json(report_json(args, run));
    return;
  }
  const StageReport& r = run.stage;
  std::cout << "staged bundle " << r.bundle_id << ": " << r.files << " file(s), " << r.written
            << " written (" << common::format_bytes(r.bytes_written) << "), " << r.already
            << " already in place (" << common::format_bytes(r.bytes_already) << ")\n";
  if (!r.payload_read) std::cout << "everything was in place: the bundle's payload was not read\n";
  for (const auto& n : r.plan.not_staged) std::cout << "not staged: " << n << "\n";
  if (run.import) print_import(*run.import);
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
  cmd->add_flag("--import", args->import,
                "Also load the images into the DC IMGAPI: each is uploaded as soon as its bytes have "
                "verified and activated once the whole bundle has (a bundle that fails imports nothing); "
                "apply's stage and import steps in one pass. Not with -");
  add_import_flags(*cmd, args->concurrency, args->attempts, "With --import: ");
  add_progress_flags(*cmd, args->progress);
  add_trust_flags(*cmd, args->trust);
  using common::ExitCode;
  cmd->footer("A damaged bundle stages nothing and imports nothing. " +
              common::exit_code_footer(with_bundle_trust_codes({{ExitCode::ok, "staged"},
                                        {ExitCode::io},
                                        {ExitCode::no_space, "not enough space (checked before writing)"},
                                        {ExitCode::integrity, "manifest and file disagree (or a delta does not rebuild)"},
                                        {ExitCode::delta_base_missing, "a delta's base image is not on this DC"},
                                        {ExitCode::not_found, "no such file"},
                                        {ExitCode::input_timeout},
                                        {ExitCode::config, "--import without an IMGAPI configured"},
                                        {ExitCode::network, "--import: IMGAPI unreachable"},
                                        {ExitCode::remote_error, "--import: IMGAPI error reply"},
                                        {ExitCode::conflict, "--import: a different image with that uuid exists"},
                                        {ExitCode::locked},
                                        {ExitCode::unsafe_path, "a directory under /usbkey is a symlink"}}),
                                       {common::CodeFamily::bundle}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_stage(host_options(*globals), *args); }); });
}

}  // namespace installer
