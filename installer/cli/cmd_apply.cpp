// `sdcadm-install [apply] BUNDLE` and `sdcadm-install plan BUNDLE`: the plan of what the
// bundle changes in this DC (issue 5 item 7) and its application in Triton's order with
// the journal and the history (item 8, 9; installer/apply.hpp). `plan` and `apply -n` stop
// after printing the plan and change nothing.
//
// The workflows are the library's (installer/apply_run.hpp); this file turns the arguments
// into their options and prints what they say and return.

#include <installer/apply_run.hpp>
#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/installer_version.hpp>
#include <installer/plan_text.hpp>
#include <installer/step_checks.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <common/progress.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

struct ApplyArgs {
  std::string bundle;
  bool yes = false;
  bool dry_run = false;
  bool force = false;
  bool no_self_update = false;
  bool include_rabbitmq = false;
  std::vector<std::string> exclude_servers;
  std::string spec;
  bool json = false;
  unsigned concurrency = k_default_import_concurrency;
  ProgressFlags progress;
  TrustOverrides trust;
  bool change_channel = false;  // --change-channel (dc_channel.hpp)
};

// "channel: ..." for the plan text: the DC's channel, and the move --change-channel makes.
std::string channel_line(const ChannelCheck& c, const std::string& bundle_channel) {
  if (c.change_from) {
    return "channel: the DC moves from " + (c.change_from->empty() ? std::string("no channel") : "channel " + *c.change_from) +
           " to channel " + bundle_channel + " (--change-channel; apply runs sdcadm channel set " + bundle_channel + ")\n";
  }
  if (c.dc_channel.empty()) return "channel: " + bundle_channel + " (the DC has no update channel yet)\n";
  return "channel: " + bundle_channel + " (the DC's)\n";
}

common::Json channel_json(const ChannelCheck& c, const std::string& bundle_channel) {
  return {{"bundle", bundle_channel}, {"dc", c.dc_channel.empty() ? common::Json(nullptr) : common::Json(c.dc_channel)},
          {"change_from", c.change_from ? common::Json(*c.change_from) : common::Json(nullptr)}};
}

bool ask(const Plan& plan) {
  if (!plan.has_changes() && plan.imports.empty()) return true;
  if (!::isatty(STDIN_FILENO)) {
    throw Error(ExitCode::usage, "no terminal to confirm the plan on; pass -y to apply it without asking");
  }
  std::cout << "\nWould you like to continue? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

// The library's options for plan and apply, from the command line's.
void fill_plan_options(PlanRunOptions& o, const GlobalOptions& globals, const ApplyArgs& args) {
  o.host = host_options(globals);
  o.bundle = bundle_path_argument(args.bundle);
  o.force = args.force;
  o.spec = args.spec;
  o.include_rabbitmq = args.include_rabbitmq;
  o.exclude_servers = args.exclude_servers;
  o.trust = args.trust;
  o.change_channel = args.change_channel;
  o.quiet = args.json;
}

// What the run says: status lines on stdout (on stderr with -j, where stdout is the JSON),
// warnings on stderr, the plan and its question on the terminal.
class ApplyPrinter final : public ApplyObserver {
 public:
  explicit ApplyPrinter(const ApplyArgs& args) : m_args(args), m_talk(args.json ? std::cerr : std::cout) {}

  void trusted(const manifest::BundleIndex& index, const signing::TrustVerdict& verdict) override {
    report_trust(index, verdict, m_args.json);
  }
  void say(const std::string& line) override { m_talk << line << "\n" << std::flush; }
  // On stderr, and in the log (docs/logs.md): a frozen bundle accepted, a receipt not written...
  void warn(const std::string& text) override {
    std::cerr << "warning: " << text << "\n" << std::flush;
    common::log::to_file(common::log::Level::warn, text);
  }
  std::unique_ptr<PhaseProgress> phase(const std::string& label, std::uint64_t total) override {
    return progress_bar(label, total, m_args.progress.mode(m_args.json));
  }
  bool confirm(const Plan& plan, const ChannelCheck& channel, const std::string& bundle_channel, bool asking) override {
    if (!m_args.json) std::cout << channel_line(channel, bundle_channel) << plan_text(plan) << std::flush;
    return !asking || ask(plan);
  }
  void continuing() override {
    if (!m_args.json) std::cout << "sdcadm-install " << running_version() << " continues the confirmed plan\n" << std::flush;
  }
  void before_exec() override {
    std::cout << std::flush;
    std::cerr << std::flush;
  }

 private:
  const ApplyArgs& m_args;
  std::ostream& m_talk;
};

void run_apply(const GlobalOptions& globals, const ApplyArgs& args) {
  ApplyRunOptions options;
  fill_plan_options(options, globals, args);
  options.yes = args.yes;
  options.no_self_update = args.no_self_update;
  options.concurrency = args.concurrency;
  ApplyPrinter printer(args);
  const ApplyRunResult run = installer::run_apply(options, printer);
  const ApplyResult& r = run.result;
  if (args.json) {
    print_json({{"ok", true}, {"bundle_id", run.bundle_id}, {"outcome", to_string(r.outcome)}, {"ran", r.ran},
                {"skipped", r.skipped}, {"journal", r.journal_path},
                {"receipt", run.receipt.empty() ? common::Json(nullptr) : common::Json(run.receipt)},
                {"plan", r.outcome == ApplyOutcome::up_to_date ? common::Json(nullptr) : plan_json(r.plan)}});
    return;
  }
  switch (r.outcome) {
    case ApplyOutcome::applied:
      if (r.plan.has_changes() || run.changed_beyond_images) {
        std::cout << "Bundle " << run.bundle_id << " applied.\n";
        if (r.plan.platform && std::find(r.ran.begin(), r.ran.end(), "platform-install") != r.ran.end()) {
          const std::string stamp = manifest::buildstamp_time(r.plan.platform->target.version).value_or("");
          std::cout << "Platform " << stamp << " is installed on the USB key, not yet booted: run `"
                    << platform_assign_command(stamp) << "`, then reboot the servers onto it.\n";
        }
      } else {  // the plan said: only stage and import
        std::cout << "Bundle " << run.bundle_id << " staged and its images imported; nothing else changed.\n";
      }
      break;
    case ApplyOutcome::up_to_date: break;  // said by apply
    case ApplyOutcome::nothing_to_do: std::cout << "Up-to-date.\n"; break;
    case ApplyOutcome::declined: std::cout << "Aborting; nothing was changed.\n"; break;
  }
  std::cout << std::flush;
}

void run_plan(const GlobalOptions& globals, const ApplyArgs& args) {
  PlanRunOptions options;
  fill_plan_options(options, globals, args);
  ApplyPrinter printer(args);
  const PlanRunResult r = installer::run_plan(options, printer);
  if (args.json) {
    common::Json j = plan_json(r.plan);
    j["ok"] = true;
    j["applied"] = r.applied;
    j["content_id"] = r.content_id;
    j["same_content_as"] = r.same_content ? common::Json(r.same_content->bundle_id) : common::Json(nullptr);
    j["channel"] = channel_json(r.channel, r.bundle_channel);
    print_json(j);
    return;
  }
  std::cout << channel_line(r.channel, r.bundle_channel) << plan_text(r.plan);
  if (r.applied) std::cout << "note: this bundle was applied completely (" << r.applied_at << ")\n";
  else if (r.stopped) {
    std::cout << "note: an earlier apply stopped at " << r.stopped_at << "; apply resumes there\n";
  }
  if (r.same_content) {
    std::cout << "note: bundle " << r.same_content->bundle_id << " with the same content was applied completely ("
              << r.same_content->finished_at << "); this build carries nothing new\n";
  }
  std::cout << "[dry-run] nothing was changed\n" << std::flush;
}

// apply's and plan's options; only apply records the overrides (history, receipt).
void add_plan_options(CLI::App* cmd, ApplyArgs& a, OverridesRecorded recorded) {
  cmd->add_option("BUNDLE", a.bundle, "NAME.sdc, NAME.sdc.parts.json or NAME.sdc.001 (split)")->required();
  cmd->add_flag("--force", a.force,
                "Also reprovision instances already on the bundle's image (same-image) and move "
                "instances on newer images back to it (downgrade); shown as forced in the plan");
  cmd->add_option("-f,--spec", a.spec,
                  "Limit the plan to the services named in SPEC.json (sdcadm's update-spec format: "
                  "[{\"service\": NAME [, \"image\": UUID]}...])")
      ->option_text("SPEC.json");
  cmd->add_flag("--include-rabbitmq", a.include_rabbitmq,
                "Also update rabbitmq (sdcadm up --force-rabbitmq); by default it is held back, as sdcadm "
                "holds it back (`rabbitmq updates are locked`)");
  cmd->add_option("--exclude-servers", a.exclude_servers,
                  "Leave these servers (hostnames or uuids, comma-separated) out of this update: their agents "
                  "and gz-tools stay as they are and their check-health rows are ignored. Servers that are "
                  "not set up or not running are left out without it; the plan lists them all")
      ->delimiter(',')
      ->option_text("NAMES");
  cmd->add_flag("-j,--json", a.json, "The plan (and result) as JSON on stdout (also on failure)");
  add_trust_flags(*cmd, a.trust, recorded);
  cmd->add_flag("--change-channel", a.change_channel,
                recorded == OverridesRecorded::yes
                    ? "Accept a bundle of another update channel than the DC's and move the DC to it (sdcadm "
                      "channel set; recorded in the history and the receipt). Without it such a bundle is refused (38)"
                    : "Plan for a bundle of another update channel than the DC's, as apply --change-channel would "
                      "(which moves the DC to it). Without it such a bundle is refused (38)");
}

// apply's exit codes (the footer of its --help).
std::string apply_exit_codes() {
  return "After a failure, fix the cause and run the same command again: the journal resumes where it "
         "stopped. " +
         common::exit_code_footer(
             {{ExitCode::ok, "done (or nothing to do)"},
              {ExitCode::usage, "usage error (bad SPEC.json, -y needed without a terminal)"},
              {ExitCode::config, "no IMGAPI configured or sdcadm not found"},
              {ExitCode::no_space},
              {ExitCode::interrupted, "stopped by SIGINT, SIGTERM or SIGHUP (nothing half-written kept; run again to resume)"},
              {ExitCode::locked, "a lock is held (or an sdcadm command an earlier run left running still runs)"},
              {ExitCode::reprov_lock},
              {ExitCode::step_failed},
              {ExitCode::health_failed},
              {ExitCode::installer_too_old},
              {ExitCode::installer_unusable, "the bundle's sdcadm-install does not run here (--no-self-update)"},
              {ExitCode::step_unverified, "a step exited 0 but its post-step check does not find its outcome "
                                          "(`sdcadm-install check`)"},
              {ExitCode::unsafe_path},
              {ExitCode::delta_base_missing, "a delta's base image is not on this DC: ask for a full bundle (--no-delta)"}},
             {common::CodeFamily::bundle, common::CodeFamily::trust}) +
         " Also the stage and import codes.";
}

}  // namespace

void register_apply(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "Apply a bundle: stage, import, self-update sdcadm, then update agents, gz-tools, "
               "services and the platform in Triton's order (the default command)");
  add_plan_options(cmd, *args, OverridesRecorded::yes);
  cmd->add_flag("-y,--yes", args->yes, "Do not ask for confirmation");
  cmd->add_flag("-n,--dry-run", args->dry_run, "Print the plan and stop (same as `plan`)");
  cmd->add_flag("--no-self-update", args->no_self_update,
                "Do not install the newer sdcadm-install the bundle carries; go on with this one (refused "
                "when the bundle needs a newer installer than this)");
  cmd->add_option("--concurrency", args->concurrency, "Images imported at the same time (default 4, as sdcadm's own image downloads)")
      ->option_text("N")
      ->check(CLI::Range(1, 16));
  add_progress_flags(*cmd, args->progress);
  cmd->footer(apply_exit_codes());
  cmd->callback([globals, args] {
    run_reporting(args->json, [&] { args->dry_run ? run_plan(*globals, *args) : run_apply(*globals, *args); });
  });
}

void register_plan(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "What applying BUNDLE would change in this DC, per service (same as apply -n)");
  add_plan_options(cmd, *args, OverridesRecorded::no);
  cmd->footer("Nothing is changed. " +
              common::exit_code_footer({{ExitCode::ok, "the plan was printed"},
                                        {ExitCode::usage, "usage error (bad SPEC.json)"},
                                        {ExitCode::config, "no IMGAPI configured or sdcadm not found"},
                                        {ExitCode::installer_too_old},
                                        {ExitCode::delta_base_missing, "a delta's base image is not on this DC"}},
                                       {common::CodeFamily::bundle, common::CodeFamily::trust}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_plan(*globals, *args); }); });
}

}  // namespace installer
