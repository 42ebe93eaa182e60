// `sdcadm-install verify BUNDLE`: is the bundle intact, and does it fit on this headnode?
// Every member is checked against the index (in parallel through the seek table; "-"
// streams standard input), then the free space for staging under /usbkey and for the
// IMGAPI import (images the DC IMGAPI lacks, when it answers). Writes nothing and takes
// no lock. The bundle is first checked against the DC's trust root (docs/trust.md): a file
// before its payload is read, standard input as soon as its index and signatures arrive.
// The workflow is the library's (installer/verify_run.hpp); this file prints its result.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/verify_run.hpp>

#include <common/progress.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace installer {
namespace {

using common::ExitCode;

struct VerifyArgs {
  std::string bundle;
  bool json = false;
  unsigned threads = 0;
  ProgressFlags progress;
  TrustOverrides trust;
};

common::Json space_json(const SpacePlan& s) {
  common::Json systems = common::Json::array();
  for (const auto& fs : s.file_systems) {
    systems.push_back({{"path", fs.path}, {"available", fs.available}, {"needed", fs.needed}});
  }
  return {{"stage_files", s.stage_files}, {"stage_bytes", s.stage_bytes},
          {"import_images", s.import_images}, {"import_bytes", s.import_bytes},
          {"imgapi_consulted", s.imgapi_consulted}, {"file_systems", systems}};
}

void print_result(const VerifyArgs& args, const VerifyResult& r, double seconds) {
  if (args.json) {
    print_json({{"ok", true}, {"bundle", args.bundle}, {"bundle_id", r.bundle_id},
                {"members", r.members}, {"payload_size", r.payload_bytes},
                {"payload_checked", r.payload_checked}, {"signatures_checked", r.signatures_checked},
                {"signers", r.signers},
                {"not_staged", r.stage.not_staged}, {"deltas", r.deltas}, {"space", space_json(r.space)},
                {"elapsed_seconds", seconds}});
    return;
  }
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2fs", seconds);
  std::cout << "ok: " << (args.bundle == "-" ? std::string("standard input") : args.bundle) << ": "
            << r.members << " members (" << common::format_bytes(r.payload_bytes)
            << ") match the index of bundle " << r.bundle_id << ", " << elapsed << "\n";
  std::cout << "space: stage " << r.space.stage_files << " file(s) ("
            << common::format_bytes(r.space.stage_bytes) << "), import " << r.space.import_images
            << " image(s) (" << common::format_bytes(r.space.import_bytes) << ")"
            << (r.space.imgapi_consulted ? "" : " (DC IMGAPI not consulted: every image counted)")
            << "\n";
  for (const auto& fs : r.space.file_systems) {
    std::cout << "  " << fs.path << ": need " << common::format_bytes(fs.needed) << ", "
              << common::format_bytes(fs.available) << " free\n";
  }
  for (const auto& n : r.stage.not_staged) std::cout << "not staged: " << n << "\n";
  for (const auto& d : r.deltas) std::cout << "delta: " << d << "\n";
  std::cout << "signatures: checked against the DC's trust root (" << r.signers.size() << " signer(s))\n"
            << std::flush;
}

void run_verify(const HostOptions& host, const VerifyArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  VerifyRunOptions options;
  options.host = host;
  options.bundle = bundle_path_argument(args.bundle);
  options.label = "verify " + args.bundle;
  options.threads = args.threads;
  options.trust = args.trust;
  options.quiet = args.json;
  TrustAndProgress printer(args.json, args.progress);
  const VerifyResult result = installer::run_verify(options, printer);
  print_result(args, result,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

void register_verify(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check every member of a bundle against its index and the free space it needs "
                "under /usbkey and in the DC IMGAPI; writes nothing");
  cmd->add_option("BUNDLE", args->bundle,
                  "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split), or - for standard input")
      ->required();
  cmd->add_flag("-j,--json", args->json, "The verdict as JSON on stdout (also on failure)");
  cmd->add_option("--threads", args->threads, "Verify threads (default: one per core)")
      ->option_text("N")
      ->check(CLI::Range(0, 256));
  add_progress_flags(*cmd, args->progress);
  add_trust_flags(*cmd, args->trust);
  // Tests set SDCB_TEST_FREE_BYTES=N to make every file system report N free bytes; the help
  // does not mention it: it is no operator's setting.
  cmd->footer(common::exit_code_footer(with_bundle_trust_codes({{ExitCode::ok, "good"},
                                        {ExitCode::no_space},
                                        {ExitCode::not_found, "no such file"},
                                        {ExitCode::input_timeout},
                                        {ExitCode::installer_too_old},
                                        {ExitCode::delta_base_missing, "a delta's base image is not on this DC"}}),
                                       {common::CodeFamily::bundle}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_verify(host_options(*globals), *args); }); });
}

}  // namespace installer
