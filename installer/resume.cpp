#include <installer/resume.hpp>

#include <installer/process_identity.hpp>
#include <installer/recheck.hpp>
#include <installer/step_checks.hpp>

#include <common/error.hpp>
#include <common/stop_signal.hpp>

#include <manifest/version_order.hpp>

#include <algorithm>
#include <thread>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

std::string describe(const JournalStep& s) {
  return "step " + s.name + "'s command `" + s.child_command + "` (pid " + std::to_string(s.child_pid) + ")";
}

std::string str(const common::Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// The history has this attempt's "done" record: same bundle, step and start time.
bool recorded_done(const std::vector<common::Json>& records, const std::string& bundle_id, const JournalStep& s) {
  return std::any_of(records.begin(), records.end(), [&](const common::Json& r) {
    return str(r, "event") == "step" && str(r, "bundle_id") == bundle_id && str(r, "step") == s.name &&
           str(r, "result") == "done" && !s.started.empty() && str(r, "started") == s.started;
  });
}

// Why the DC does not show the step's outcome, "" when it does.
std::string outcome_missing(const JournalStep& s, const Plan& plan, const SettleContext& ctx) {
  if (std::find(ctx.planned.begin(), ctx.planned.end(), s.name) != ctx.planned.end()) {
    return "interrupted before the DC showed its outcome (the plan still has work for it)";
  }
  if (s.name == "platform-install" && plan.platform) {
    const std::string stamp = manifest::buildstamp_time(plan.platform->target.version).value_or("");
    try {
      verify_platform(ctx.usbkey_os, stamp);
    } catch (const Error& e) {
      return e.what();
    }
  }
  return {};
}

}  // namespace

void wait_for_earlier_commands(const Journal& journal, std::chrono::milliseconds wait, const SayFn& say) {
  for (const JournalStep& s : journal.steps()) {
    if (s.state != StepState::started || s.child_pid <= 0) continue;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    bool told = false;
    while (process_alive(s.child_pid, s.child_start)) {
      common::throw_if_stopped("while waiting for " + describe(s) + " from an earlier run; it still runs");
      if (std::chrono::steady_clock::now() >= deadline) {
        throw Error(ExitCode::locked,
                    describe(s) + ", started by an earlier sdcadm-install run, is still running (output: " +
                        s.child_output + "); starting the step again now would run it twice at once. Wait for pid " +
                        std::to_string(s.child_pid) + " to finish, or give --lock-wait SECONDS to wait for it, then "
                        "run sdcadm-install again");
      }
      if (!told && say) {
        say("Waiting for " + describe(s) + ", started by an earlier run, to finish (up to --lock-wait " +
            std::to_string(wait.count() / 1000) + " s)");
        told = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (told && say) say("pid " + std::to_string(s.child_pid) + " finished; checking what step " + s.name + " did");
  }
}

void settle_started_steps(Journal& journal, History& history, const Plan& plan, const SettleContext& ctx,
                          const SayFn& say) {
  std::vector<std::string> started;
  for (const JournalStep& s : journal.steps()) {
    if (s.state == StepState::started) started.push_back(s.name);
  }
  if (started.empty()) return;
  const std::vector<common::Json> records = history.read_all();
  for (const std::string& name : started) {
    const JournalStep s = *journal.find(name);
    if (recorded_done(records, journal.bundle_id(), s)) {
      journal.step_done(name);
      if (say) say("--- " + name + ": finished in an earlier run (recorded in the history), now in the journal too");
      continue;
    }
    const std::string missing = outcome_missing(s, plan, ctx);
    common::Json r = {{"event", "step"}, {"run", ctx.run}, {"bundle_id", journal.bundle_id()},
                      {"step", name}, {"result", missing.empty() ? "done" : "failed"},
                      {"started", s.started}, {"ended", utc_now_ms()}, {"seconds", 0},
                      {"checked_on_resume", true}};
    if (!missing.empty()) r["error"] = missing;
    // History first: a kill between the two leaves a "done" record the next run finds.
    history.append(r);
    if (missing.empty()) {
      journal.step_done(name);
      if (say) say("--- " + name + ": interrupted in an earlier run; the DC shows its outcome, recorded as done");
    } else {
      journal.step_failed(name, missing);
      if (say) say("--- " + name + ": interrupted in an earlier run; " + missing + ": recorded as failed");
    }
  }
}

void recheck_unverified_steps(Journal& journal, History& history, const CheckEnv& env, const SettleContext& ctx,
                              const SayFn& say) {
  auto planned = [&](const std::string& name) {
    return std::find(ctx.planned.begin(), ctx.planned.end(), name) != ctx.planned.end();
  };
  std::vector<std::string> failed, done;
  for (const JournalStep& s : journal.steps()) {
    if (!rechecks(s.evidence)) continue;
    if (s.state == StepState::failed) failed.push_back(s.name);
    if (s.state == StepState::done && planned(s.name)) done.push_back(s.name);
  }
  for (const std::string& name : done) {
    const JournalStep s = *journal.find(name);
    try {
      recheck(name, s.evidence, env);
    } catch (const Unverified& e) {
      const std::string why = std::string("done in an earlier run, but the DC no longer shows its outcome (") +
                              e.what() + ")";
      history.append({{"event", "step"}, {"run", ctx.run}, {"bundle_id", journal.bundle_id()}, {"step", name},
                      {"result", "failed"}, {"started", s.started}, {"ended", utc_now_ms()}, {"seconds", 0},
                      {"checked_on_resume", true}, {"error", why}, {"evidence", e.evidence()}});
      journal.step_failed(name, why, e.evidence());
      if (say) say("--- " + name + ": " + why + "; it runs again");
    } catch (const Error& e) {
      if (say) say("--- " + name + ": done in an earlier run; its post-step check could not be run again (" +
                   e.what() + "); left done");
    }
  }
  for (const std::string& name : failed) {
    const JournalStep s = *journal.find(name);
    common::Json evidence;
    try {
      evidence = recheck(name, s.evidence, env);
    } catch (const Unverified& e) {
      if (say) {
        say("--- " + name + ": its post-step check failed in an earlier run and still fails (" + e.what() + "); " +
            (planned(name) ? "it runs again" : "the plan has no work for it"));
      }
      continue;
    } catch (const Error& e) {  // unreadable evidence, an IMGAPI that does not answer: run it again
      if (say) say("--- " + name + ": its post-step check could not be run again (" + e.what() + "); it runs again");
      continue;
    }
    common::Json r = {{"event", "step"}, {"run", ctx.run}, {"bundle_id", journal.bundle_id()},
                      {"step", name}, {"result", "done"}, {"started", s.started}, {"ended", utc_now_ms()},
                      {"seconds", 0}, {"checked_on_resume", true}, {"evidence", evidence}};
    history.append(r);  // history first, as everywhere (a kill between leaves a record the re-run finds)
    journal.step_done(name, evidence);
    if (say) {
      say("--- " + name + ": its post-step check failed in an earlier run; the DC shows its outcome now (" +
          describe_evidence(evidence) + "): recorded as done, not run again");
    }
  }
}

}  // namespace installer
