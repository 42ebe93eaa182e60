#include <installer/apply_run.hpp>

#include <installer/apply_steps.hpp>
#include <installer/delta_bases.hpp>
#include <installer/dc_key.hpp>
#include <installer/freeze_window.hpp>
#include <installer/check_env.hpp>
#include <installer/import_plan.hpp>
#include <installer/install_trust.hpp>
#include <installer/installer_version.hpp>
#include <installer/leftovers.hpp>
#include <installer/plan_inputs.hpp>
#include <installer/run_receipt.hpp>
#include <installer/self_update.hpp>
#include <installer/trust_store.hpp>
#include <installer/verify_bundle.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/stop_signal.hpp>
#include <signing/encoding.hpp>

#include <algorithm>
#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

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
ApplyReceiptInputs receipt_inputs(const ApplyRunOptions& options, const ApplyContext& ctx,
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
  f.force = options.force;
  f.yes = options.yes;
  f.allow_expired = options.trust.allow_expired;
  f.allow_rollback = options.trust.allow_rollback;
  f.change_channel = options.change_channel;
  f.include_rabbitmq = options.include_rabbitmq;
  f.no_self_update = options.no_self_update;
  f.spec = options.spec;
  f.exclude_servers = options.exclude_servers;
  in.sdcadm = options.host.sdcadm;
  in.imgapi_url = url;
  in.previous_run = previous_run;
  return in;
}

// The receipt of the run, said on the observer; a failure is a warning (the install's
// outcome and exit code stay what they are) and "".
std::string write_receipt(const Paths& paths, const ApplyReceiptInputs& in, ApplyObserver& observer) {
  try {
    const std::string path = write_apply_receipt(paths, in);
    if (!path.empty()) {
      observer.say("Receipt " + path + " (signed by this DC's key; export it with sdcadm-install receipt --last -o FILE)");
    }
    return path;
  } catch (const Error& e) {
    observer.warn(std::string("no install receipt was written: ") + e.what());
    return "";
  }
}

// The DC key signs the run's receipt; a DC set up before receipts existed gets it now. A key
// that cannot be read or made costs the receipt (said again at the end), not the install.
void ensure_receipt_key(const Paths& paths, ApplyObserver& observer) {
  try {
    if (const DcKey key = ensure_dc_key(paths); key.created) {
      observer.say("Created this DC's receipt key " + dc_key_files(paths).private_path + " (key id " + key.key.id() +
                   "); give " + dc_key_files(paths).public_path + " to the release side to check receipts");
    }
  } catch (const Error& e) {
    observer.warn(std::string("this run's receipt cannot be signed: ") + e.what());
  }
}

}  // namespace

PlanOptions plan_options_of(const PlanRunOptions& options) {
  PlanOptions o;
  o.force = options.force ? Force::yes : Force::no;
  o.policy.include_rabbitmq = options.include_rabbitmq;
  o.exclude_servers = options.exclude_servers;
  if (!options.spec.empty()) {
    std::string text;
    try {
      text = common::read_small_file(options.spec, 1u << 20);
    } catch (const Error& e) {
      throw Error(ExitCode::usage, std::string("-f ") + options.spec + ": " + e.what());
    }
    o.limit = parse_spec_limit(text, options.spec);
  }
  return o;
}

PlanRunResult run_plan(const PlanRunOptions& options, ApplyObserver& observer) {
  const HostOptions& host = options.host;
  const Paths paths = start_run(host, options.quiet);
  const std::string url = imgapi_url(host, paths);
  const PlanOptions plan_options = plan_options_of(options);
  const SdcadmRunner runner(host.sdcadm);
  check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer));
  const OpenBundle bundle = open_bundle(options.bundle);
  PlanRunResult r;
  r.bundle_id = bundle.index().bundle_id;
  r.bundle_channel = bundle.index().channel;
  r.content_id = manifest::content_id_of(bundle.index());
  r.channel = check_channel(bundle.index().channel, read_dc_channel(runner), TrustStore(paths).rollback(),
                            options.change_channel);
  check_freeze_window(bundle.index(), load_accepted(paths), options.trust.allow_rollback);
  r.plan = make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_imgapi_domain(host, paths), host.sdc_server),
                     plan_options);
  // Deltas whose base this DC lacks refuse the bundle here already (delta_bases.hpp).
  for (auto& line : check_delta_bases(plan_stage(bundle.index(), paths), paths, {url, {}})) {
    r.plan.notes.push_back("delta: " + line);
  }
  // plan writes nothing: the journal is only read when an apply has made one. A journal of
  // another build with this (pre-content_id) id is not this bundle's: apply moves it away.
  const std::string& id = r.bundle_id;
  const bool has_journal = ::access(paths.journal_dir.c_str(), F_OK) == 0;
  const bool other_build = has_journal && other_build_journal(paths.journal_dir, id, bundle.digest).has_value();
  const std::optional<Journal> journal =
      has_journal && !other_build ? std::optional<Journal>(Journal::open(paths.journal_dir, id, bundle.digest))
                                  : std::nullopt;
  r.applied = journal && journal->finished();
  if (r.applied) r.applied_at = journal->finished_at();
  r.stopped = !r.applied && journal && journal->exists_on_disk();
  if (r.stopped) r.stopped_at = journal->stopped_at();
  if (journal) rerun_unfinished_alarms(*journal, r.plan);  // what apply would run (apply.hpp)
  r.same_content = has_journal && !(journal && journal->exists_on_disk())
                       ? find_applied_content(paths.journal_dir, r.content_id, id)
                       : std::nullopt;
  return r;
}

ApplyRunResult run_apply(const ApplyRunOptions& options, ApplyObserver& observer) {
  const common::StopSignals stop_signals;  // SIGINT/TERM/HUP stop at a safe point, exit 12 (interrupt.hpp)
  const HostOptions& host = options.host;
  const Paths paths = start_run(host, options.quiet);
  const std::string url = imgapi_url(host, paths);
  const PlanOptions plan_options = plan_options_of(options);
  const SdcadmRunner runner(host.sdcadm,
                            [&observer](Stream, std::string_view line) { observer.say("    " + std::string(line)); });
  FileLock install = take_install_lock(host, paths);
  remove_stale_atomic_temps({paths.state_dir, paths.journal_dir, paths.staged_manifests, paths.usbkey_extra_agents,
                             paths.var_sdcadm + "/trust"});  // a kill -9's leftovers (leftovers.hpp)
  check_reprov_lock(paths.reprov_fail_lock);
  const VerifiedBundle trusted = check_bundle_to_install(paths, options.bundle, options.trust, trust_report_to(observer));
  if (options.no_self_update) check_installer_version(trusted.index(), running_version(), SelfUpdate::refused);
  const OpenBundle bundle = open_bundle(options.bundle);
  if (bundle.reader->index_bytes() != trusted.index_bytes()) {
    throw Error(ExitCode::trust_mismatch, "the bundle changed while it was being checked; run again");
  }
  const ChannelCheck channel = check_channel(trusted.index().channel, read_dc_channel(runner),
                                            TrustStore(paths).rollback(), options.change_channel);
  const std::string frozen = check_freeze_window(trusted.index(), load_accepted(paths), options.trust.allow_rollback);
  if (!frozen.empty()) observer.say("warning: " + frozen + "; accepted because of --allow-rollback");

  ApplyContext ctx;
  ctx.bundle_id = bundle.index().bundle_id;
  ctx.bundle_digest = bundle.digest;
  ctx.channel = bundle.index().channel;
  ctx.content_id = manifest::content_id_of(bundle.index());
  ctx.usbkey_os = paths.usbkey_os;
  ctx.imgapi_url = url;
  ctx.sdc_amonadm = sdc_amonadm_path(host, paths);
  ctx.checks = check_env(paths, url);
  ctx.checks.sdc_amonadm = ctx.sdc_amonadm;
  ctx.sdcadm_buildstamp = sdcadm_buildstamp(bundle);
  ctx.reprov_fail_lock = paths.reprov_fail_lock;
  ctx.journal_dir = paths.journal_dir;
  ctx.confirm = options.yes ? Confirm::assume_yes : Confirm::ask;
  ctx.force = plan_options.force;
  ctx.spec_file = options.spec;
  for (const auto& s : trusted.verdict().signers) ctx.signers.push_back(s.keyid);
  ctx.allow_expired = options.trust.allow_expired;
  ctx.allow_rollback = options.trust.allow_rollback;
  ctx.lock_wait = host.lock_wait;
  ctx.channel_change_from = channel.change_from;

  // The installer's own steps (apply_steps.hpp); sdcadm's are apply_bundle's.
  const StepContext steps{host, paths, trusted, observer};
  const PlannedImports planned = std::make_shared<std::optional<std::set<std::string>>>();
  ApplyHooks hooks;
  hooks.stage = StageStep(steps, url, options.concurrency);
  hooks.import = ImportStep(steps, url, options.concurrency, planned);
  const std::string agents_domain = agents_imgapi_domain(host, paths);
  hooks.make_plan = [&, planned] {
    Plan plan = make_plan(gather_plan_inputs(bundle, runner, url, paths, agents_domain, host.sdc_server), plan_options);
    // Before the plan is shown and anything is staged: a delta whose base this DC lacks
    // refuses the bundle (Error(delta_base_missing), delta_bases.hpp).
    for (auto& line : check_delta_bases(plan_stage(bundle.index(), paths), paths, {url, {}})) {
      plan.notes.push_back("delta: " + line);
    }
    planned->emplace();
    for (const auto& i : plan.imports) (*planned)->insert(i.uuid);
    return plan;
  };
  hooks.seed_agents = SeedAgentsStep(steps, agents_domain);
  hooks.verify_import = [&] { return verify_images(url, expected_images(plan_import(trusted, paths))); };
  // Room for the staged copies and the imports, checked before the plan is shown and confirmed.
  hooks.check_space = [&](const Plan&) { check_space(plan_stage(bundle.index(), paths), paths, url); };
  // A re-executed installer continues a run the operator has confirmed already.
  const bool continuing = reexecuted_for(ctx.bundle_id);
  hooks.confirm = [&](const Plan& plan) {
    // The predecessor showed this plan and had it confirmed: say so instead of showing it again.
    if (continuing) {
      observer.continuing();
      return true;
    }
    if (!observer.confirm(plan, channel, ctx.channel, !options.yes)) return false;
    // Confirmed: the DC's channel moves first, so that sdcadm's own steps (self-update,
    // update-gz-tools -C) and the next bundles see the new one.
    if (channel.change_from) {
      observer.say("--- channel-set: sdcadm channel set " + ctx.channel + " (--change-channel, from " +
                   (channel.change_from->empty() ? std::string("no channel") : *channel.change_from) + ")");
      set_dc_channel(runner, ctx.channel);
    }
    return true;
  };
  hooks.say = [&observer](const std::string& line) { observer.say(line); };
  // The bundle's installer, when it carries one (self_update.hpp). The step runs every time
  // for such a bundle (journaled once done); it installs only a newer installer, and never in
  // a process re-executed for this bundle.
  if (options.no_self_update) {
    if (carried_installer(bundle.index()) != nullptr) {
      observer.say("--no-self-update: the bundle's sdcadm-install is not installed; going on with " +
                   std::string(running_version()));
    }
  } else if (carried_installer(trusted.index()) != nullptr) {
    auto self_update = std::make_shared<InstallerSelfUpdate>(steps, install);
    hooks.self_update = [self_update] { return self_update->install(); };
    hooks.reexec = [self_update] { self_update->reexec(); };
  }
  History history(paths.history_file);
  ensure_receipt_key(paths, observer);
  const ApplyReceiptInputs receipt_in = receipt_inputs(options, ctx, trusted, url, newest_run(history.read_all()));
  ApplyRunResult run;
  run.bundle_id = ctx.bundle_id;
  try {
    run.result = apply_bundle(ctx, hooks, runner, history);
  } catch (const Error&) {
    write_receipt(paths, receipt_in, observer);
    throw;
  }
  // Installed (or already in place): remember its sequence against rollback, and keep a
  // newer trust root it carried.
  if (run.result.outcome != ApplyOutcome::declined) {
    TrustStore(paths).accept(trusted.verdict(), trusted.index());
    record_accepted(paths, trusted.index());
  }
  run.receipt = write_receipt(paths, receipt_in, observer);
  run.changed_beyond_images = changed_more_than_images(run.result);
  return run;
}

}  // namespace installer
