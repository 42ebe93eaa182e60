#pragma once
// `sdcadm-install apply` and `plan` as workflows (issue 14): everything between the command
// line's options and what the front end prints. apply_bundle (apply.hpp) runs the steps;
// around it a run takes the installer lock, checks the bundle's trust, the DC's update channel
// and the freeze window, reads the plan, makes sure the DC has a receipt key, runs the steps
// (apply_steps.hpp and sdcadm's) and, once installed, accepts the bundle's sequence and trust
// root and writes the receipt. plan stops after the plan and writes nothing.
//
// Locks: the sdcadm-install lock for the whole apply; the sdcadm lock only around staging,
// importing and seeding agents (sdcadm takes it itself for up and self-update).

#include <installer/apply.hpp>
#include <installer/apply_observer.hpp>
#include <installer/applied_content.hpp>
#include <installer/dc_channel.hpp>
#include <installer/host_options.hpp>
#include <installer/import.hpp>
#include <installer/verified_bundle.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

// What plan and apply are asked (the options both commands share).
struct PlanRunOptions {
  HostOptions host;
  std::string bundle;  // NAME.sdc, NAME.sdc.parts.json or its first part
  bool force = false;  // --force: also same-image and downgrade moves
  std::string spec;    // -f SPEC.json: limits the plan to its services; "" = none
  bool include_rabbitmq = false;
  std::vector<std::string> exclude_servers;
  TrustOverrides trust;         // --allow-expired, --allow-rollback
  bool change_channel = false;  // --change-channel (dc_channel.hpp)
  bool quiet = false;           // only warnings on stderr (the front end prints JSON)
};

struct ApplyRunOptions : PlanRunOptions {
  bool yes = false;             // apply without asking
  bool no_self_update = false;  // keep this installer even when the bundle carries a newer one
  unsigned concurrency = k_default_import_concurrency;  // images imported at the same time
};

// The plan options of `options`: -f SPEC.json read and parsed (Error(usage) naming the file).
PlanOptions plan_options_of(const PlanRunOptions& options);

struct PlanRunResult {
  Plan plan;
  std::string bundle_id, bundle_channel, content_id;
  ChannelCheck channel;
  bool applied = false;    // an apply of this bundle finished ...
  std::string applied_at;  // ... then
  bool stopped = false;    // else an earlier apply stopped ...
  std::string stopped_at;  // ... at this step
  std::optional<AppliedBuild> same_content;  // another build with this content was applied
};

// What applying the bundle would change; changes nothing (the journal is only read when an
// apply made one). Errors: the trust, channel and freeze-window checks', the plan's.
PlanRunResult run_plan(const PlanRunOptions& options, ApplyObserver& observer);

struct ApplyRunResult {
  std::string bundle_id;
  ApplyResult result;
  std::string receipt;  // the receipt's path, "" when none was written
  // The run changed the DC beyond staging and importing (a resumed run with an empty plan
  // may have finished sdcadm steps an earlier run began).
  bool changed_beyond_images = false;
};

// Applies the bundle (apply.hpp's apply_bundle with the real steps). Errors: those of
// run_plan, Error(locked), Error(reprov_lock), Error(trust_mismatch) when the bundle changes
// while it is read, apply_bundle's. A run that fails still writes its receipt; SIGINT, SIGTERM
// and SIGHUP stop it at a safe point (interrupt.hpp).
ApplyRunResult run_apply(const ApplyRunOptions& options, ApplyObserver& observer);

}  // namespace installer
