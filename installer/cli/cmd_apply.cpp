// `sdcadm-install [apply] BUNDLE` and `sdcadm-install plan BUNDLE`: the plan of what the
// bundle changes in this DC (issue 5 item 7) and its application in Triton's order with
// the journal and the history (item 8, 9; installer/apply.hpp). `plan` and `apply -n` stop
// after printing the plan and change nothing.
//
// Locks: the sdcadm-install lock for the whole run; the sdcadm lock only around staging and
// importing (sdcadm takes it itself for up and self-update).

#include <installer/agents/seed.hpp>
#include <installer/applied_content.hpp>
#include <installer/apply.hpp>
#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/dc_channel.hpp>
#include <installer/dc_key.hpp>
#include <installer/freeze_window.hpp>
#include <installer/check_env.hpp>
#include <installer/import.hpp>
#include <installer/import_plan.hpp>
#include <installer/installer_version.hpp>
#include <installer/leftovers.hpp>
#include <installer/plan_inputs.hpp>
#include <installer/plan_text.hpp>
#include <installer/run_receipt.hpp>
#include <installer/self_update.hpp>
#include <installer/stage.hpp>
#include <installer/verify_bundle.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/progress.hpp>
#include <common/stop_signal.hpp>
#include <signing/encoding.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
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

PlanOptions plan_options(const ApplyArgs& args) {
  PlanOptions o;
  o.force = args.force ? Force::yes : Force::no;
  o.policy.include_rabbitmq = args.include_rabbitmq;
  o.exclude_servers = args.exclude_servers;
  if (!args.spec.empty()) {
    std::string text;
    try {
      text = common::read_small_file(args.spec, 1u << 20);
    } catch (const Error& e) {
      throw Error(ExitCode::usage, std::string("-f ") + args.spec + ": " + e.what());
    }
    o.limit = parse_spec_limit(text, args.spec);
  }
  return o;
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

// Stage and import, each under the sdcadm lock ([A]'s functions).
// Both take the checked bundle (verified_bundle.hpp): the types leave no other way.
// `planned` holds the uuids of the plan's imports once the plan is made: the import step
// says the count the plan said (the images already active are skipped, not imported).
ApplyHooks real_hooks(const GlobalOptions& globals, const ApplyArgs& args, const Paths& paths,
                      const VerifiedBundle& bundle, const std::string& url,
                      std::shared_ptr<const std::optional<std::set<std::string>>> planned) {
  ApplyHooks h;
  h.stage = [&globals, &args, &paths, &bundle] {
    const FileLock lock = take_lock(globals, paths.sdcadm_lock, "sdcadm lock");
    common::Progress bar("stage", bundle_file_size(bundle.path()), args.progress.mode(args.json));
    StageOptions options;
    options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar.update(done); };
    stage_bundle(bundle, paths, options);
    bar.finish();
  };
  h.import = [&globals, &args, &paths, &bundle, url, planned] {
    const FileLock lock = take_lock(globals, paths.sdcadm_lock, "sdcadm lock");
    const std::vector<ImportItem> items = plan_import(bundle, paths);
    ImportOptions options;
    options.concurrency = args.concurrency;
    ping_imgapi(url, options.client);
    const std::size_t count =
        !*planned ? items.size()
                  : static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const ImportItem& i) {
                      return (*planned)->count(i.image.uuid) != 0;
                    }));
    common::Progress bar("import " + std::to_string(count) + " image(s)", import_bytes(items),
                         args.progress.mode(args.json));
    options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar.update(done); };
    import_images(url, items, options);
    bar.finish();
  };
  return h;
}

// The seed-agents step (docs/agents.md): the agents bootstrap and set from the staged agent
// images. `latest` stays: update-agents moves it once the nodes have the agents.
void seed_agents(const GlobalOptions& globals, const Paths& paths, const VerifiedBundle& bundle,
                 const std::string& domain) {
  const FileLock lock = take_lock(globals, paths.sdcadm_lock, "sdcadm lock");
  const std::optional<agents::AgentSet> set = agents::agent_set_of(bundle, paths, domain);
  if (!set) throw Error(ExitCode::internal, "seed-agents: the staged bundle has no agent images");
  agents::write_seed(*set, paths, agents::LatestLink::keep);
}

// The bundle's installer, when it carries one (self_update.hpp). The step runs every time
// for such a bundle (journaled once done); it installs only a newer installer, and never in
// a process re-executed for this bundle.
void add_self_update(ApplyHooks& hooks, const VerifiedBundle& bundle, FileLock& install_lock) {
  if (carried_installer(bundle.index()) == nullptr) return;
  auto target = std::make_shared<std::string>();
  hooks.self_update = [&bundle, &hooks, target] {
    const manifest::BundleArtifact* newer = installer_to_install(bundle.index(), running_version());
    if (newer == nullptr) {
      hooks.say("sdcadm-install " + std::string(running_version()) + " is not older than the bundle's; kept");
      return false;
    }
    *target = running_binary_path();
    install_installer(bundle, *newer, *target);
    hooks.say("sdcadm-install " + newer->version + " installed at " + *target + " (the previous " +
              running_version() + " kept as " + *target + ".prev); restarting it");
    return true;
  };
  hooks.reexec = [&bundle, &install_lock, target] {
    std::cout << std::flush;  // exec drops what the streams still buffer
    std::cerr << std::flush;
    install_lock.keep_across_exec(k_install_lock_fd_env);  // no moment without the lock
    reexec(*target, invocation(), bundle.index().bundle_id);
  };
}

// A resumed run whose plan is empty now may still have finished sdcadm steps an earlier run
// began: then the bundle was applied, not only staged and imported.
bool changed_more_than_images(const ApplyResult& r) {
  auto beyond_images = [](const std::string& step) {
    return step != "stage" && step != "import" && step != "installer-self-update";
  };
  return std::any_of(r.ran.begin(), r.ran.end(), beyond_images) ||
         std::any_of(r.skipped.begin(), r.skipped.end(), beyond_images);
}

// What the run's receipt says besides the history and the journal (run_receipt.hpp).
ApplyReceiptInputs receipt_inputs(const GlobalOptions& globals, const ApplyArgs& args, const ApplyContext& ctx,
                                  const VerifiedBundle& trusted, const std::string& url, const std::string& previous_run) {
  ApplyReceiptInputs in;
  in.header.installer_version = running_version();
  in.header.bundle_id = ctx.bundle_id;
  in.header.content_id = ctx.content_id;
  in.header.index_sha256 = signing::sha256_hex(trusted.index_bytes());
  in.header.bundle_digest = ctx.bundle_digest;
  in.header.channel = ctx.channel;
  in.header.signers = ctx.signers;
  ReceiptFlags& f = in.header.flags;
  f.force = args.force;
  f.yes = args.yes;
  f.allow_expired = args.trust.allow_expired;
  f.allow_rollback = args.trust.allow_rollback;
  f.change_channel = args.change_channel;
  f.include_rabbitmq = args.include_rabbitmq;
  f.no_self_update = args.no_self_update;
  f.spec = args.spec;
  f.exclude_servers = args.exclude_servers;
  in.sdcadm = globals.sdcadm;
  in.imgapi_url = url;
  in.previous_run = previous_run;
  return in;
}

void run_apply(const GlobalOptions& globals, const ApplyArgs& args) {
  const common::StopSignals stop_signals;  // SIGINT/TERM/HUP stop at a safe point, exit 12 (interrupt.hpp)
  const Paths paths = start_run(globals, args.json);
  const std::string url = imgapi_url(globals, paths);
  const PlanOptions options = plan_options(args);
  std::ostream& talk = args.json ? std::cerr : std::cout;
  const SdcadmRunner runner(globals.sdcadm, [&talk](Stream, std::string_view line) { talk << "    " << line << "\n" << std::flush; });
  FileLock install = take_install_lock(globals, paths);
  remove_stale_atomic_temps({paths.state_dir, paths.journal_dir, paths.staged_manifests, paths.usbkey_extra_agents,
                             paths.var_sdcadm + "/trust"});  // a kill -9's leftovers (leftovers.hpp)
  check_reprov_lock(paths.reprov_fail_lock);
  const VerifiedBundle trusted = check_trust_or_throw(paths, bundle_path_argument(args.bundle), args.trust, args.json);
  if (args.no_self_update) check_installer_version(trusted.index(), running_version(), SelfUpdate::refused);
  const OpenBundle bundle = open_bundle(bundle_path_argument(args.bundle));
  if (bundle.reader->index_bytes() != trusted.index_bytes()) {
    throw Error(ExitCode::trust_mismatch, "the bundle changed while it was being checked; run again");
  }
  const ChannelCheck channel = check_channel(trusted.index().channel, read_dc_channel(runner),
                                            TrustStore(paths).rollback(), args.change_channel);
  const std::string frozen = check_freeze_window(trusted.index(), load_accepted(paths), args.trust.allow_rollback);
  if (!frozen.empty()) talk << "warning: " << frozen << "; accepted because of --allow-rollback\n";

  ApplyContext ctx;
  ctx.bundle_id = bundle.index().bundle_id;
  ctx.bundle_digest = bundle.digest;
  ctx.channel = bundle.index().channel;
  ctx.content_id = manifest::content_id_of(bundle.index());
  ctx.usbkey_os = paths.usbkey_os;
  ctx.imgapi_url = url;
  ctx.sdc_amonadm = globals.sdc_amonadm.empty()
                        ? (paths.root == "/" ? std::string() : paths.root) + "/opt/smartdc/bin/sdc-amonadm"
                        : globals.sdc_amonadm;
  ctx.checks = check_env(paths, url);
  ctx.checks.sdc_amonadm = ctx.sdc_amonadm;
  ctx.sdcadm_buildstamp = sdcadm_buildstamp(bundle);
  ctx.reprov_fail_lock = paths.reprov_fail_lock;
  ctx.journal_dir = paths.journal_dir;
  ctx.confirm = args.yes ? Confirm::assume_yes : Confirm::ask;
  ctx.force = options.force;
  ctx.spec_file = args.spec;
  for (const auto& s : trusted.verdict().signers) ctx.signers.push_back(s.keyid);
  ctx.allow_expired = args.trust.allow_expired;
  ctx.allow_rollback = args.trust.allow_rollback;
  ctx.lock_wait = std::chrono::milliseconds(static_cast<long long>(globals.lock_wait_s * 1000));
  ctx.channel_change_from = channel.change_from;

  auto planned = std::make_shared<std::optional<std::set<std::string>>>();
  ApplyHooks hooks = real_hooks(globals, args, paths, trusted, url, planned);
  const std::string agents_domain = agents_imgapi_domain(globals, paths);
  hooks.make_plan = [&, planned] {
    Plan plan = make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_domain, globals.sdc_server), options);
    planned->emplace();
    for (const auto& i : plan.imports) (*planned)->insert(i.uuid);
    return plan;
  };
  hooks.seed_agents = [&] { seed_agents(globals, paths, trusted, agents_domain); };
  hooks.verify_import = [&] { return verify_images(url, expected_images(plan_import(trusted, paths))); };
  // A re-executed installer continues a run the operator has confirmed already.
  const bool continuing = reexecuted_for(ctx.bundle_id);
  hooks.confirm = [&](const Plan& plan) {
    // The predecessor showed this plan and had it confirmed: say so instead of showing it again.
    if (continuing) {
      if (!args.json) std::cout << "sdcadm-install " << running_version() << " continues the confirmed plan\n" << std::flush;
      return true;
    }
    if (!args.json) std::cout << channel_line(channel, ctx.channel) << plan_text(plan) << std::flush;
    if (!args.yes && !ask(plan)) return false;
    // Confirmed: the DC's channel moves first, so that sdcadm's own steps (self-update,
    // update-gz-tools -C) and the next bundles see the new one.
    if (channel.change_from) {
      hooks.say("--- channel-set: sdcadm channel set " + ctx.channel + " (--change-channel, from " +
                (channel.change_from->empty() ? std::string("no channel") : *channel.change_from) + ")");
      set_dc_channel(runner, ctx.channel);
    }
    return true;
  };
  hooks.say = [&talk](const std::string& line) { talk << line << "\n" << std::flush; };
  if (args.no_self_update) {
    if (carried_installer(bundle.index()) != nullptr) {
      hooks.say("--no-self-update: the bundle's sdcadm-install is not installed; going on with " +
                std::string(running_version()));
    }
  } else {
    add_self_update(hooks, trusted, install);
  }
  History history(paths.history_file);
  // The DC key signs the run's receipt; a DC set up before receipts existed gets it now. A
  // key that cannot be read or made costs the receipt (said again at the end), not the install.
  try {
    if (const DcKey key = ensure_dc_key(paths); key.created) {
      talk << "Created this DC's receipt key " << dc_key_files(paths).private_path << " (key id " << key.key.id()
           << "); give " << dc_key_files(paths).public_path << " to the release side to check receipts\n";
    }
  } catch (const Error& e) {
    std::cerr << "warning: this run's receipt cannot be signed: " << e.what() << "\n";
  }
  const ApplyReceiptInputs receipt_in = receipt_inputs(globals, args, ctx, trusted, url, newest_run(history.read_all()));
  ApplyResult r;
  try {
    r = apply_bundle(ctx, hooks, runner, history);
  } catch (const Error&) {
    write_apply_receipt_or_warn(paths, receipt_in, talk);
    throw;
  }
  // Installed (or already in place): remember its sequence against rollback, and keep a
  // newer trust root it carried.
  if (r.outcome != ApplyOutcome::declined) {
    TrustStore(paths).accept(trusted.verdict(), trusted.index());
    record_accepted(paths, trusted.index());
  }
  const std::string receipt = write_apply_receipt_or_warn(paths, receipt_in, talk);
  if (args.json) {
    print_json({{"ok", true}, {"bundle_id", ctx.bundle_id}, {"outcome", to_string(r.outcome)}, {"ran", r.ran},
                {"skipped", r.skipped}, {"journal", r.journal_path},
                {"receipt", receipt.empty() ? common::Json(nullptr) : common::Json(receipt)},
                {"plan", r.outcome == ApplyOutcome::up_to_date ? common::Json(nullptr) : plan_json(r.plan)}});
    return;
  }
  switch (r.outcome) {
    case ApplyOutcome::applied:
      if (r.plan.has_changes() || changed_more_than_images(r)) {
        std::cout << "Bundle " << ctx.bundle_id << " applied.\n";
        if (r.plan.platform && std::find(r.ran.begin(), r.ran.end(), "platform-install") != r.ran.end()) {
          const std::string stamp = manifest::buildstamp_time(r.plan.platform->target.version).value_or("");
          std::cout << "Platform " << stamp << " is installed on the USB key, not yet booted: run `"
                    << platform_assign_command(stamp) << "`, then reboot the servers onto it.\n";
        }
      } else {  // the plan said: only stage and import
        std::cout << "Bundle " << ctx.bundle_id << " staged and its images imported; nothing else changed.\n";
      }
      break;
    case ApplyOutcome::up_to_date: break;  // said by apply
    case ApplyOutcome::nothing_to_do: std::cout << "Up-to-date.\n"; break;
    case ApplyOutcome::declined: std::cout << "Aborting; nothing was changed.\n"; break;
  }
  std::cout << std::flush;
}

void run_plan(const GlobalOptions& globals, const ApplyArgs& args) {
  const Paths paths = start_run(globals, args.json);
  const std::string url = imgapi_url(globals, paths);
  const PlanOptions options = plan_options(args);
  const SdcadmRunner runner(globals.sdcadm);
  check_trust_or_throw(paths, bundle_path_argument(args.bundle), args.trust, args.json);
  const OpenBundle bundle = open_bundle(bundle_path_argument(args.bundle));
  const ChannelCheck channel = check_channel(bundle.index().channel, read_dc_channel(runner),
                                            TrustStore(paths).rollback(), args.change_channel);
  check_freeze_window(bundle.index(), load_accepted(paths), args.trust.allow_rollback);
  Plan plan =
      make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_imgapi_domain(globals, paths), globals.sdc_server),
                options);
  // plan writes nothing: the journal is only read when an apply has made one. A journal of
  // another build with this (pre-content_id) id is not this bundle's: apply moves it away.
  const std::string& id = bundle.index().bundle_id;
  const bool has_journal = ::access(paths.journal_dir.c_str(), F_OK) == 0;
  const bool other_build = has_journal && other_build_journal(paths.journal_dir, id, bundle.digest).has_value();
  const std::optional<Journal> journal =
      has_journal && !other_build ? std::optional<Journal>(Journal::open(paths.journal_dir, id, bundle.digest))
                                  : std::nullopt;
  const bool finished = journal && journal->finished();
  if (journal) rerun_unfinished_alarms(*journal, plan);  // what apply would run (apply.hpp)
  const std::optional<AppliedBuild> same =
      has_journal && !(journal && journal->exists_on_disk())
          ? find_applied_content(paths.journal_dir, manifest::content_id_of(bundle.index()), id)
          : std::nullopt;
  if (args.json) {
    common::Json j = plan_json(plan);
    j["ok"] = true;
    j["applied"] = finished;
    j["content_id"] = manifest::content_id_of(bundle.index());
    j["same_content_as"] = same ? common::Json(same->bundle_id) : common::Json(nullptr);
    j["channel"] = channel_json(channel, bundle.index().channel);
    print_json(j);
    return;
  }
  std::cout << channel_line(channel, bundle.index().channel) << plan_text(plan);
  if (finished) std::cout << "note: this bundle was applied completely (" << journal->finished_at() << ")\n";
  else if (journal && journal->exists_on_disk()) {
    std::cout << "note: an earlier apply stopped at " << journal->stopped_at() << "; apply resumes there\n";
  }
  if (same) {
    std::cout << "note: bundle " << same->bundle_id << " with the same content was applied completely ("
              << same->finished_at << "); this build carries nothing new\n";
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
              {ExitCode::unsafe_path}},
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
                                        {ExitCode::installer_too_old}},
                                       {common::CodeFamily::bundle, common::CodeFamily::trust}));
  cmd->callback([globals, args] { run_reporting(args->json, [&] { run_plan(*globals, *args); }); });
}

}  // namespace installer
