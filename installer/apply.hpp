#pragma once
// Apply (issue 5 item 8): runs a bundle's plan in the order Triton documents (DESIGN.md
// "Installer flow" step 8, reference sdcadm.md §8 docs/update.md):
//
//   [installer-self-update] -> stage -> import -> [seed-agents] -> sdcadm-self-update -> update-agents
//   -> update-agents-experimental (dockerlogger, firewall-logger-agent) -> update-other -> update-gz-tools
//   -> up-services (all but sapi, moray, binder, manatee, one `sdcadm up`) -> up-sapi ->
//   up-moray -> up-binder -> up-manatee -> alarm-config (sdc-amonadm update, amon_probes.hpp)
//   -> platform-install
//
// Every step is journaled before and after it runs (journal.hpp) and recorded in the
// history; steps the journal has as done are skipped, so a re-run after a failure or a
// kill -9 finishes the job without repeating finished steps, and a re-run of a finished
// bundle changes nothing. A resumed run rebuilds its plan from the DC, in which a step an
// earlier run finished usually has nothing left to do; the journal's done steps missing from
// the new plan are still reported ("done in an earlier run, skipped"). Each sdcadm step
// has `sdcadm check-health` before and after it: an unhealthy DC stops the run
// (Error(health_failed)) before the step, or after it with the step recorded as done.
//
// Locks: the caller holds the installer's own lock for the whole run. The stage and import
// hooks take the sdcadm lock around their own work; sdcadm commands run without it (they
// take it themselves: holding it here would deadlock).
//
// The pieces apply does not own are hooks, so tests drive apply with their own functions.

#include <installer/history.hpp>
#include <installer/journal.hpp>
#include <installer/plan.hpp>
#include <installer/sdcadm_runner.hpp>
#include <installer/step_checks.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace installer {

enum class Confirm { ask, assume_yes };

// One step of the run, in order.
struct ApplyStep {
  std::string name;    // journal key: "up-services", "platform-install", ...
  std::string title;   // what the operator reads: "sdcadm up: imgapi, cnapi"
  bool sdcadm = true;  // runs an sdcadm command: check-health around it
  std::function<void()> run;
  // Checks, after `run` returned, that the DC shows the step's outcome (sdcadm can exit 0
  // having done nothing); throws Error(step_unverified) naming the evidence, else returns
  // the evidence (a JSON object, step_checks.hpp) recorded with the step. Optional.
  std::function<common::Json()> verify;
};

struct ApplyHooks {
  // Only when the bundle carries a newer sdcadm-install (self_update.hpp): installs it and
  // returns true when it did; then `reexec` replaces the process (never returns normally).
  // The step is journaled ("installer-self-update") and recorded in the history before the
  // re-exec, so the new binary skips it and continues.
  std::function<bool()> self_update;
  std::function<void()> reexec;
  std::function<void()> stage;   // stage the bundle under /usbkey (takes the sdcadm lock)
  std::function<void()> import;  // import the staged images into the DC IMGAPI (same)
  // The import step's post-step check (image_checks.hpp): every bundle image active in the
  // DC IMGAPI with its signed sha1 and size. Optional.
  std::function<common::Json()> verify_import;
  // Writes the agents' bootstrap and agent set from the staged agent images
  // (installer/agents/seed.hpp), without moving `latest` (update-agents does). Needed when
  // the plan has an agent_set to run.
  std::function<void()> seed_agents;
  // Reads the DC and builds the plan; called once per run, before anything changes.
  std::function<Plan()> make_plan;
  // Throws Error(no_space) when the stage and the import of this plan do not fit; called
  // before `confirm`, so a plan is never shown, or agreed to, that cannot run. Optional.
  std::function<void(const Plan&)> check_space;
  // Shows the plan and asks; false stops the run (exit usage... see apply_bundle).
  std::function<bool(const Plan&)> confirm;
  // Status lines for the operator ("--- update-agents").
  std::function<void(const std::string&)> say;
};

struct ApplyContext {
  std::string bundle_id, bundle_digest, channel;
  std::string content_id;           // manifest::content_id_of (same-content detection, applied_content.hpp)
  // --change-channel: the DC's update channel before this bundle's ("" unset), recorded in
  // the history; nullopt when the channel stays (dc_channel.hpp).
  std::optional<std::string> channel_change_from;
  std::string usbkey_os;            // /usbkey/os under the root: where platform install leaves <stamp>/
  std::string imgapi_url;           // for sdcadm self-update -S
  std::string sdc_amonadm = "/opt/smartdc/bin/sdc-amonadm";  // the alarm-config step's program (amon_probes.hpp)
  // What the post-step checks read (step_checks.hpp); `runner` is set by sdcadm_steps.
  // Without gz_tools_image_file / sdcadm_buildstamp those two steps go unchecked (tests).
  CheckEnv checks;
  std::string sdcadm_buildstamp;    // tags.buildstamp of the bundle's sdcadm image
  std::string reprov_fail_lock;     // /var/sdcadm/reprovFailLock.json under the root
  std::string journal_dir;
  Confirm confirm = Confirm::ask;
  Force force = Force::no;
  std::string spec_file;            // -f SPEC.json as given, "" = none
  std::vector<std::string> signers; // key ids that signed the bundle
  bool allow_expired = false;       // trust overrides used (recorded in the history)
  bool allow_rollback = false;
  // How long a re-run waits for an sdcadm command an earlier run left running before it
  // refuses with Error(locked) (--lock-wait; resume.hpp).
  std::chrono::milliseconds lock_wait{std::chrono::minutes(10)};
};

enum class ApplyOutcome { applied, up_to_date, nothing_to_do, declined };
const char* to_string(ApplyOutcome outcome);

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::applied;
  std::vector<std::string> ran, skipped;  // step names
  Plan plan;
  std::string journal_path;
};

// The sdcadm steps for `plan`, in Triton's order (stage and import excluded). Steps with
// nothing to do are left out. Each step has its post-step check (step_checks.hpp): the
// `sdcadm up` / `experimental update` steps and update-agents against `sdcadm insts -j`
// (and check-health, /ping), gz-tools against /opt/smartdc/etc/gz-tools.image, platform
// install against ctx.usbkey_os/<stamp>, self-update against `sdcadm --version`,
// alarm-config (plan.alarms.run) against `sdc-amonadm probes -H`; update-other has none
// (its work, the DC's own config, has no outcome to read back).
std::vector<ApplyStep> sdcadm_steps(const Plan& plan, const SdcadmRunner& runner,
                                    const ApplyContext& ctx);

// The names of the steps apply runs for `plan`, in order (stage, import, seed-agents, then
// sdcadm_steps'), for the plan's summary; the installer's own self-update is not a plan step.
// Empty when apply would run none (no change and nothing to import).
std::vector<std::string> plan_step_names(const Plan& plan);

// A resumed run's plan is rebuilt from the DC, where the instances an earlier run moved are
// on their targets now: the plan has no core zone change left, and alarm-config would be
// skipped. While the DC has amon and sdc and the journal is not finished, alarm-config runs
// (sdc-amonadm update is idempotent) when the journal has it failed or started, or has an
// instance-changing step (up-*, update-agents-experimental) but no alarm-config at all (a
// run killed between the two): sets plan.alarms.run, with the reason.
void rerun_unfinished_alarms(const Journal& journal, Plan& plan);

// Refuses while reprovFailLock.json exists: Error(reprov_lock) with its reason and what
// to do (sdcadm.md §7, TOOLS-1241).
void check_reprov_lock(const std::string& path);

// Applies the bundle. Errors: Error(reprov_lock); Error(health_failed); the failing step's
// error (sdcadm failures are Error(step_failed)) with context naming the step and the
// journal; anything the hooks throw. The history gets a record per run and per step
// whatever happens.
ApplyResult apply_bundle(const ApplyContext& ctx, const ApplyHooks& hooks, const SdcadmRunner& runner,
                         History& history);

}  // namespace installer
