#pragma once
// What a resumed apply does with the steps an earlier run left "started" (issue 12 items
// 2, 3). A step is "started" in the journal when that run died (kill -9, power) or left
// its sdcadm command running on a second Ctrl-C (child_watch.hpp). Two questions follow:
//
//   1. Is its sdcadm command still running? The journal has the child's pid and start time
//      (process_identity.hpp tells a reused pid apart). Starting the step again alongside
//      it would run e.g. two `update-agents` on every node at once (they take no sdcadm
//      lock), so the re-run waits for it, up to --lock-wait, and otherwise refuses with
//      Error(locked) naming the pid and the command. This happens before the plan is made,
//      so the plan sees what that command did.
//   2. Did it finish? Its outcome is checked against the DC and recorded as done or failed
//      in the journal and the history, even when the rebuilt plan no longer needs the step
//      (otherwise a step killed after its command finished vanishes from both):
//        * the history already has this attempt's "done" record (killed between the
//          history append and the journal update): the journal is set to done, nothing
//          new is recorded;
//        * the rebuilt plan (made from `sdcadm insts -j`, the usbkey's platforms, the DC
//          IMGAPI and the agents as the plan knows them) has no work left for it, and for
//          platform-install <usbkey>/os/<stamp> exists (step_checks.hpp): done;
//        * otherwise failed ("interrupted before the DC showed its outcome"); the step
//          runs again in this run when the plan still lists it.

#include <installer/history.hpp>
#include <installer/journal.hpp>
#include <installer/plan.hpp>
#include <installer/step_checks.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace installer {

using SayFn = std::function<void(const std::string&)>;

// Question 1. Error(locked) after `wait`; Error(interrupted) on a stop signal while waiting.
void wait_for_earlier_commands(const Journal& journal, std::chrono::milliseconds wait, const SayFn& say);

struct SettleContext {
  std::string run;         // this run's id, for the history records
  std::string usbkey_os;   // where platform install leaves <stamp>/
  std::vector<std::string> planned;  // the steps this run's plan has, in order
};

// Question 2, for every "started" step of `journal`.
void settle_started_steps(Journal& journal, History& history, const Plan& plan, const SettleContext& ctx,
                          const SayFn& say);

// Issue 13: a step an earlier run left "failed" by its post-step check (exit 46; the journal
// keeps what the check saw, which says what was expected, recheck.hpp) is checked again
// against the DC before anything else runs. When its outcome shows now (the operator
// finished it by hand, say) it is recorded done with the new evidence ("checked_on_resume"
// in the history) and not run again; otherwise it stays failed and runs again when the
// plan lists it. Steps that failed for another reason (no evidence) are left to run again.
// A step the journal has done that the rebuilt plan lists again (a step whose outcome shows
// is not in a plan made from the DC, but for stage and import) is checked too: when the DC
// no longer shows its outcome (an instance moved back between two runs) it is recorded
// failed with what was seen, so that it runs again instead of being skipped as done.
void recheck_unverified_steps(Journal& journal, History& history, const CheckEnv& env, const SettleContext& ctx,
                              const SayFn& say);

}  // namespace installer
