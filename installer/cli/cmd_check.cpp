// `sdcadm-install check [BUNDLE] [-j]` (issue 13 part 1): the post-step checks on demand
// (installer/dc_check.hpp), against the last applied bundle's journal or BUNDLE's targets.
// One line per check (pass/FAIL and the evidence), or -j one JSON document. Exit 0 when all
// pass, 46 (step_unverified) naming the failing checks. Changes nothing, takes no lock.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/dc_check.hpp>
#include <installer/recheck.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <iostream>
#include <memory>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

struct CheckArgs {
  std::string bundle;
  bool json = false;
  TrustOverrides trust;
};

void run_check(const HostOptions& host, const CheckArgs& args) {
  DcCheckOptions options;
  options.host = host;
  options.bundle = args.bundle;
  options.trust = args.trust;
  options.quiet = args.json;
  DcCheckReport report;
  run_reporting(args.json, [&] {
    report = check_dc(options, [&args](const manifest::BundleIndex& index, const signing::TrustVerdict& verdict) {
      report_trust(index, verdict, args.json);
    });
  });
  const std::string source = args.bundle.empty() ? "the journal of the last applied bundle" : "the targets of " + args.bundle;
  common::Json checks = common::Json::array();
  for (const DcCheckLine& l : report.lines) {
    common::Json j = {{"step", l.step}, {"check", l.kind.empty() ? common::Json(nullptr) : common::Json(l.kind)},
                      {"result", !l.ran ? "none" : l.ok ? "pass" : "fail"}, {"evidence", l.evidence}};
    if (!l.error.empty()) j["error"] = l.error;
    if (!l.note.empty()) j["note"] = l.note;
    checks.push_back(j);
    if (args.json) continue;
    if (!l.ran) {
      std::cout << "-     " << l.step << ": " << l.note << "\n";
    } else {
      std::cout << (l.ok ? "pass  " : "FAIL  ") << l.step << " (" << l.kind << "): "
                << (l.ok ? describe_evidence(l.evidence) : l.error) << "\n";
    }
  }
  const bool bad = report.failed != 0;
  if (args.json) {
    common::Json out = report.about;
    out["ok"] = !bad;
    out["exit_code"] = bad ? common::to_int(ExitCode::step_unverified) : 0;
    out["checks"] = checks;
    if (bad) out["error"] = report.error;
    print_json(out);
  } else {
    std::cout << (bad ? report.error : "All " + std::to_string(report.ran) + " checks pass") << " (" << source << ")\n";
  }
  std::cout << std::flush;
  if (bad) throw Error(ExitCode::step_unverified, report.error);
}

}  // namespace

void register_check(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check the DC against the last applied bundle (each step's recorded post-step evidence, checked "
               "again now), or against BUNDLE's targets: instances and their services, images, agents, "
               "gz-tools, platform, sdcadm");
  cmd->add_option("BUNDLE", args->bundle,
                  "Check this bundle's targets instead (checked like `plan` checks it: signatures and trust)");
  cmd->add_flag("-j,--json", args->json, "The checks as one JSON document on stdout (also on failure)");
  add_trust_flags(*cmd, args->trust);
  cmd->footer("One line per check: pass or FAIL with what it saw. Changes nothing. " +
              common::exit_code_footer({{ExitCode::ok, "every check passes"},
                                        {ExitCode::config, "no IMGAPI configured or sdcadm not found"},
                                        {ExitCode::not_found, "no bundle was applied here (give BUNDLE)"},
                                        {ExitCode::step_unverified, "a check fails (named)"}},
                                       {common::CodeFamily::trust}));
  cmd->callback([globals, args] { run_check(host_options(*globals), *args); });
}

}  // namespace installer
