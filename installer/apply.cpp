#include <installer/apply.hpp>

#include <installer/amon_probes.hpp>
#include <installer/applied_content.hpp>
#include <installer/interrupt.hpp>
#include <installer/plan_text.hpp>
#include <installer/recheck.hpp>
#include <installer/resume.hpp>
#include <installer/step_checks.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <common/stop_signal.hpp>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <limits>
#include <sys/stat.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

const char* const k_ordered[] = {"sapi", "moray", "binder", "manatee"};

bool is_ordered(const std::string& s) {
  for (const char* o : k_ordered) if (s == o) return true;
  return false;
}

std::string count_of(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string names_of(const std::vector<const ServicePlan*>& services) {
  std::string s;
  for (const auto* sp : services) s += (s.empty() ? "" : ", ") + sp->service;
  return s;
}

ApplyStep up_step(const std::string& name, std::vector<const ServicePlan*> services, const SdcadmRunner& runner,
                  const CheckEnv& env) {
  const common::Json spec = up_spec(services);
  const auto moving = moving_instances(services);
  UpFlags flags;
  for (const auto* sp : services) {
    flags.force_same_image = flags.force_same_image || sp->forced_same_image();
    flags.force_rabbitmq = flags.force_rabbitmq || needs_force_rabbitmq(sp->service);
    flags.force_data_path = flags.force_data_path || needs_force_data_path(sp->service);
  }
  ApplyStep step{name, "sdcadm up: " + names_of(services), true, [&runner, spec, flags] { runner.up(spec, flags); }, {}};
  step.verify = [env, name, moving] { return verify_instances(env, name, moving); };
  return step;
}

// "/var/sdcadm/install/journal", "output" -> "/var/sdcadm/install/output".
std::string sibling_dir(const std::string& dir, const std::string& name) {
  const auto slash = dir.find_last_of('/');
  return (slash == std::string::npos ? std::string(".") : dir.substr(0, slash)) + "/" + name;
}

void say(const ApplyHooks& hooks, const std::string& line) {
  common::log::debug(line);
  if (hooks.say) hooks.say(line);
}

// Runs one step with the journal, the history and the health checks around it.
class StepRunner {
 public:
  StepRunner(Journal& journal, History& history, const SdcadmRunner& runner, const ApplyHooks& hooks,
             std::string run_id, ApplyResult& result)
      : m_journal(journal), m_history(history), m_runner(runner), m_hooks(hooks),
        m_run(std::move(run_id)), m_result(result) {}

  // check-health rows of these servers are ignored (the servers the plan leaves out).
  void ignore_health_of(const ServerChoice* servers) { m_servers = servers; }

  void run(const ApplyStep& step) {
    if (m_journal.is_done(step.name)) {
      say(m_hooks, "--- " + step.name + ": done in an earlier run, skipped");
      m_result.skipped.push_back(step.name);
      return;
    }
    common::throw_if_stopped("before step " + step.name);  // a safe point (interrupt.hpp)
    if (step.sdcadm) check_health("before " + step.name, nullptr);
    common::throw_if_stopped("before step " + step.name);
    say(m_hooks, "--- " + step.name + ": " + step.title);
    const auto t0 = std::chrono::steady_clock::now();
    // What an earlier attempt's check expected (step_started clears it): the step's new
    // evidence must cover it too (widen_evidence).
    const JournalStep* earlier = m_journal.find(step.name);
    const common::Json before = earlier != nullptr ? earlier->evidence : common::Json(nullptr);
    m_journal.step_started(step.name);
    const std::string started = m_journal.find(step.name)->started;  // the history's key for this attempt
    common::Json evidence;  // what the post-step check saw (step_checks.hpp)
    try {
      {
        const ChildWatch watch = step_child_watch(m_journal, step.name, m_output_dir, m_hooks.say);
        const ChildWatchScope scope(watch);
        step.run();
      }
      if (step.verify) evidence = widen_evidence(step.name, step.verify(), before, m_checks);
    } catch (const Error& e) {
      const JournalStep* js = m_journal.find(step.name);
      if (e.code() == ExitCode::interrupted && js != nullptr && js->child_left_running) {
        // Its command still runs: the journal keeps the step "started" for the re-run to wait on.
        record(step.name, "interrupted", started, t0, e.what());
        throw Error(e.code(), std::string("step ") + step.name + ": " + e.what());
      }
      // A failed post-step check keeps what it saw: the error names it, and a re-run checks
      // it again from there before anything else (resume.hpp).
      const auto* unverified = dynamic_cast<const Unverified*>(&e);
      const common::Json seen = unverified != nullptr ? unverified->evidence() : common::Json(nullptr);
      std::string what = e.what();
      if (unverified != nullptr) {
        what += step.sdcadm ? "; its sdcadm command exited 0 without carrying the step out (its output is above, "
                              "sdcadm's log in /var/log/sdcadm/logs)"
                            : "; the step finished without error, but the DC does not show it";
      }
      m_journal.step_failed(step.name, what, seen);
      record(step.name, e.code() == ExitCode::interrupted ? "interrupted" : "failed", started, t0, what, seen);
      throw Error(e.code(), std::string("step ") + step.name + (e.code() == ExitCode::interrupted ? ": " : " failed: ") +
                                what);
    }
    // The history before the journal: a kill between the two leaves a "done" record that the
    // re-run finds (resume.hpp), so the step is recorded done exactly once.
    record(step.name, "done", started, t0, "", evidence);
    m_journal.step_done(step.name, evidence);
    if (evidence.is_object()) say(m_hooks, "--- " + step.name + ": checked: " + describe_evidence(evidence));
    m_result.ran.push_back(step.name);
    common::throw_if_stopped("after step " + step.name + " finished (recorded as done)");
    if (step.sdcadm) check_health("after " + step.name, &step);
  }

  void set_output_dir(const std::string& dir) { m_output_dir = dir; }
  void set_check_env(const CheckEnv& env) { m_checks = env; }

 private:
  void check_health(const std::string& when, const ApplyStep* after) {
    const HealthReport report = m_runner.check_health();
    const ServerChoice* servers = m_servers;
    const auto problems =
        report.problems([servers](const std::string& host) { return servers != nullptr && servers->ignores(host); });
    if (problems.empty()) return;
    std::string list;
    for (const auto& p : problems) list += (list.empty() ? "" : "; ") + p;
    throw Error(ExitCode::health_failed,
                "sdcadm check-health " + when + ": " + std::to_string(problems.size()) +
                    " unhealthy instance" + (problems.size() == 1 ? "" : "s") + ": " + list +
                    (after ? "; the step itself finished and is recorded as done" : "; nothing was changed by it") +
                    ". Fix the instances (sdcadm check-health), or leave a server that is down out of this update "
                    "(--exclude-servers HOSTNAME), then run sdcadm-install again to go on");
  }

  void record(const std::string& name, const char* result, const std::string& started,
              std::chrono::steady_clock::time_point t0, const std::string& error,
              const common::Json& evidence = nullptr) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    common::Json r = {{"event", "step"}, {"run", m_run}, {"bundle_id", m_journal.bundle_id()},
                      {"step", name}, {"result", result}, {"started", started},
                      {"ended", utc_now_ms()}, {"seconds", secs}};
    if (!error.empty()) r["error"] = error;
    if (evidence.is_object()) r["evidence"] = evidence;
    m_history.append(r);
  }

  Journal& m_journal;
  History& m_history;
  const SdcadmRunner& m_runner;
  const ApplyHooks& m_hooks;
  std::string m_run;
  ApplyResult& m_result;
  const ServerChoice* m_servers = nullptr;
  std::string m_output_dir;
  CheckEnv m_checks;
};

common::Json run_start(const ApplyContext& ctx, const std::string& run, const Plan& plan) {
  common::Json r = {{"event", "run-start"}, {"run", run}, {"time", utc_now_ms()}, {"bundle_id", ctx.bundle_id},
          {"bundle_digest", ctx.bundle_digest}, {"channel", ctx.channel}, {"signers", ctx.signers},
          {"user", current_user()},
          {"overrides", {{"force", ctx.force == Force::yes}, {"yes", ctx.confirm == Confirm::assume_yes},
                         {"allow_expired", ctx.allow_expired}, {"allow_rollback", ctx.allow_rollback},
                         {"change_channel", ctx.channel_change_from.has_value()},
                         {"spec", ctx.spec_file.empty() ? common::Json(nullptr) : common::Json(ctx.spec_file)}}},
          {"plan", plan_json(plan)}};
  if (!ctx.content_id.empty()) r["content_id"] = ctx.content_id;
  if (ctx.channel_change_from) r["channel_change"] = {{"from", *ctx.channel_change_from}, {"to", ctx.channel}};
  return r;
}

void run_end(History& history, const ApplyContext& ctx, const std::string& run, const char* result,
             ExitCode code, const std::string& error, const std::string& stopped_at) {
  common::Json r = {{"event", "run-end"}, {"run", run}, {"bundle_id", ctx.bundle_id}, {"time", utc_now_ms()},
                    {"result", result}, {"exit_code", common::to_int(code)}};
  if (!error.empty()) r["error"] = error;
  if (!stopped_at.empty()) r["stopped_at"] = stopped_at;
  history.append(r);
}

// Where a step comes in a run (the order all_steps builds), so that the steps an earlier
// run finished and this run's plan no longer has are reported where they belong, not
// before everything else (issue 12 item 6).
int step_rank(const std::string& name) {
  static const char* const k_order[] = {"installer-self-update", "stage", "import", "seed-agents",
                                        "sdcadm-self-update", "update-agents", "update-agents-experimental",
                                        "update-other", "update-gz-tools", "up-services"};
  int rank = 0;
  for (const char* n : k_order) {
    if (name == n) return rank;
    ++rank;
  }
  for (const char* o : k_ordered) {
    if (name == std::string("up-") + o) return rank;
    ++rank;
  }
  if (name == "alarm-config") return rank;  // after the last instance change
  ++rank;
  return name == "platform-install" ? rank : rank + 1;
}

// A resumed run rebuilds its plan from the DC, so an sdcadm step an earlier run finished
// (its instances are on their targets now) is no longer among `planned`. The journal still
// has it: say it was skipped rather than letting it vanish from the operator's view. Runs
// `planned` with those reports in run order.
void run_with_done_elsewhere(const Journal& journal, const std::vector<ApplyStep>& planned, StepRunner& steps,
                             const ApplyHooks& hooks, ApplyResult& result) {
  std::vector<std::string> elsewhere;
  for (const JournalStep& js : journal.steps()) {
    if (js.state != StepState::done || js.name == "installer-self-update") continue;  // run before the plan
    const bool listed = std::any_of(planned.begin(), planned.end(), [&](const ApplyStep& st) { return st.name == js.name; });
    if (!listed) elsewhere.push_back(js.name);
  }
  std::stable_sort(elsewhere.begin(), elsewhere.end(),
                   [](const std::string& a, const std::string& b) { return step_rank(a) < step_rank(b); });
  auto next = elsewhere.begin();
  auto report_before = [&](int rank) {
    for (; next != elsewhere.end() && step_rank(*next) < rank; ++next) {
      say(hooks, "--- " + *next + ": done in an earlier run, skipped");
      result.skipped.push_back(*next);
    }
  };
  for (const auto& step : planned) {
    report_before(step_rank(step.name));
    steps.run(step);
  }
  report_before(std::numeric_limits<int>::max());
}

// Everything after the self-update, in order: stage, import, seeding the agents' bootstrap
// (a local file, before sdcadm runs it), then the sdcadm steps.
std::vector<ApplyStep> all_steps(const Plan& plan, const SdcadmRunner& runner, const ApplyContext& ctx,
                                 const ApplyHooks& hooks) {
  std::vector<ApplyStep> all = {{"stage", "stage the bundle under /usbkey, importing its images as they verify", false, hooks.stage, {}},
                                {"import", "import " + count_of(plan.imports.size(), "image") + " into the DC IMGAPI", false, hooks.import,
                                 hooks.verify_import}};
  if (plan.agent_set && plan.agent_set->run) {
    if (!hooks.seed_agents) throw Error(ExitCode::internal, "apply: the plan seeds agents but no seed hook is set");
    all.push_back({"seed-agents", "write the agents bootstrap " + plan.agent_set->stage_as, false, hooks.seed_agents, {}});
  }
  for (auto& step : sdcadm_steps(plan, runner, ctx)) all.push_back(std::move(step));
  return all;
}

// "rabbitmq, dapi": the services the plan holds back although they are not on their target.
std::string held_services(const Plan& plan) {
  std::string out;
  for (const auto& sp : plan.services) {
    if (sp.held() && sp.needs_update()) out += (out.empty() ? "" : ", ") + sp.service;
  }
  return out;
}

// A new build of content this DC applied already (applied_content.hpp): say so. When the
// DC still runs all of it (the plan changes nothing, imports nothing) the run ends here,
// up to date, and this build's journal is finished too; otherwise it goes on as any bundle.
bool same_content_applied(const ApplyContext& ctx, Journal& journal, const ApplyHooks& hooks, History& history,
                          const std::string& run, ApplyResult& result) {
  if (journal.exists_on_disk() || ctx.content_id.empty()) return false;
  const std::optional<AppliedBuild> earlier = find_applied_content(ctx.journal_dir, ctx.content_id, ctx.bundle_id);
  if (!earlier) return false;
  const std::string same = "Bundle " + ctx.bundle_id + " has the same content as bundle " + earlier->bundle_id +
                           ", applied completely (finished " + earlier->finished_at + ")";
  if (result.plan.has_changes() || !result.plan.imports.empty()) {
    say(hooks, same + ", but its plan has more to do now");
    return false;
  }
  say(hooks, same + "; nothing to do. Up-to-date.");
  if (const std::string held = held_services(result.plan); !held.empty()) {
    say(hooks, "Held back: " + held + " (`sdcadm-install plan` says why)");
  }
  common::Json start = run_start(ctx, run, result.plan);
  start["same_content_as"] = earlier->bundle_id;
  history.append(start);
  journal.begin_run();
  journal.finish();
  run_end(history, ctx, run, "up-to-date", ExitCode::ok, "", "");
  result.outcome = ApplyOutcome::up_to_date;
  return true;
}

}  // namespace

const char* to_string(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::applied: return "applied";
    case ApplyOutcome::up_to_date: return "up-to-date";
    case ApplyOutcome::nothing_to_do: return "nothing-to-do";
    case ApplyOutcome::declined: return "declined";
  }
  return "applied";
}

std::vector<std::string> plan_step_names(const Plan& plan) {
  if (!plan.has_changes() && plan.imports.empty()) return {};
  std::vector<std::string> names = {"stage", "import"};
  if (plan.agent_set && plan.agent_set->run) names.push_back("seed-agents");
  const SdcadmRunner never_run("");  // the steps are built for their names only
  const ApplyContext ctx;
  for (const auto& step : sdcadm_steps(plan, never_run, ctx)) names.push_back(step.name);
  return names;
}

void rerun_unfinished_alarms(const Journal& journal, Plan& plan) {
  if (plan.alarms.run || !plan.alarms.possible || journal.finished() || journal.is_done("alarm-config")) return;
  if (journal.find("alarm-config") != nullptr) {
    plan.alarms.run = true;
    plan.alarms.reason = "an earlier run of this bundle did not finish it";
    return;
  }
  // Killed after its last `up` and before alarm-config started: the instances are on their
  // targets, so the rebuilt plan moves none, but the probes were never brought up to date.
  for (const JournalStep& s : journal.steps()) {
    if (s.name.rfind("up-", 0) == 0 || s.name == "update-agents-experimental") {
      plan.alarms.run = true;
      plan.alarms.reason = "an earlier run of this bundle changed instances (" + s.name + ")";
      return;
    }
  }
}

void check_reprov_lock(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  std::string reason;
  try {
    const common::Json j = common::parse_json(common::read_small_file(path, 1u << 20), path, 8, 1u << 20);
    if (j.is_object() && j.contains("reason") && j["reason"].is_string()) reason = j["reason"].get<std::string>();
  } catch (const Error&) {
    reason = "(the file could not be read as JSON)";
  }
  throw Error(ExitCode::reprov_lock,
              "Update is locked because of an earlier core zone reprovision failure" +
                  (reason.empty() ? std::string() : ": " + reason) +
                  ". Check that the instance named there is healthy (sdcadm check-health), then remove \"" +
                  path + "\" and run sdcadm-install again (see TOOLS-1241)");
}

std::vector<ApplyStep> sdcadm_steps(const Plan& plan, const SdcadmRunner& runner, const ApplyContext& ctx) {
  std::vector<ApplyStep> steps;
  CheckEnv env = ctx.checks;
  env.runner = &runner;
  if (plan.sdcadm && plan.sdcadm->run) {
    const std::string url = ctx.imgapi_url, channel = ctx.channel, uuid = plan.sdcadm->target.uuid;
    const std::string version = plan.sdcadm->target.version, stamp = ctx.sdcadm_buildstamp;
    steps.push_back({"sdcadm-self-update", "sdcadm self-update to " + plan.sdcadm->target.version, true,
                     [&runner, url, channel, uuid] { runner.self_update(url, channel, uuid); }, {}});
    if (!stamp.empty()) {
      steps.back().verify = [&runner, version, stamp] { return verify_sdcadm(runner, version, stamp); };
    }
  }
  const ArtifactPlan* agents = plan.agent_set && plan.agent_set->run    ? &*plan.agent_set
                               : plan.agentsshar && plan.agentsshar->run ? &*plan.agentsshar
                                                                         : nullptr;
  if (agents != nullptr) {
    const std::string file = agents->stage_as;
    std::vector<std::string> servers;
    for (const DcServer& s : plan.servers.targets) servers.push_back(s.uuid);
    steps.push_back({"update-agents",
                     "sdcadm experimental update-agents " + file + " on " + std::to_string(servers.size()) + " server" +
                         (servers.size() == 1 ? "" : "s") + " -y",
                     true, [&runner, file, servers] { runner.update_agents(file, servers); }, {}});
    // The agents it installs, as `sdcadm insts -j` reads them back per server (CNAPI's
    // agents, refreshed by update-agents' sysinfo reload, do_update_agents.js:1095-1192):
    // the moving instances of the shar's agents; the left-out servers' are not among them.
    std::vector<const ServicePlan*> installed;
    for (const auto& sp : plan.services) {
      if (sp.type == "agent" && agent_route(sp.service) == AgentRoute::installer && sp.changes()) installed.push_back(&sp);
    }
    const Moves moving = moving_instances(installed);
    // The servers the plan leaves out, and why, go with the evidence: not checked, said so.
    common::Json left_out = common::Json::array();
    for (const LeftOutServer& l : plan.servers.left_out) {
      left_out.push_back({{"server", l.server.hostname}, {"uuid", l.server.uuid}, {"why", l.why}});
    }
    steps.back().verify = [env, moving, left_out] {
      try {
        common::Json evidence = verify_instances(env, "update-agents", moving, "agents");
        evidence["servers_left_out"] = left_out;
        return evidence;
      } catch (const Unverified& e) {
        common::Json evidence = e.evidence();
        evidence["servers_left_out"] = left_out;
        throw Unverified(e.what(), evidence);
      }
    };
  }
  if (const auto extra = experimental_update_services(plan); !extra.empty()) {
    const common::Json spec = up_spec(extra);
    const auto moving = moving_instances(extra);
    steps.push_back({"update-agents-experimental", "sdcadm experimental update: " + names_of(extra), true,
                     [&runner, spec] { runner.experimental_update(spec); },
                     [env, moving] { return verify_instances(env, "update-agents-experimental", moving); }});
  }
  if (plan.has_changes()) {
    steps.push_back({"update-other", "sdcadm experimental update-other", true, [&runner] { runner.update_other(); }, {}});
  }
  if (plan.gz_tools && plan.gz_tools->run) {
    const std::string file = plan.gz_tools->stage_as, channel = ctx.channel;
    const std::vector<std::string> exclude = plan.servers.gz_tools_exclusions();
    steps.push_back({"update-gz-tools", "sdcadm experimental update-gz-tools " + file, true,
                     [&runner, file, channel, exclude] { runner.update_gz_tools(file, channel, exclude); }, {}});
    const std::string image = plan.gz_tools->target.uuid, where = env.gz_tools_image_file;
    if (!where.empty()) steps.back().verify = [where, image] { return verify_gz_tools(where, image); };
  }
  std::vector<const ServicePlan*> rest;
  for (const auto& sp : plan.services) {
    if (sp.type != "agent" && !is_ordered(sp.service) && sp.changes()) rest.push_back(&sp);
  }
  if (!rest.empty()) steps.push_back(up_step("up-services", rest, runner, env));
  for (const char* name : k_ordered) {
    for (const auto& sp : plan.services) {
      if (sp.service == name && sp.changes()) steps.push_back(up_step(std::string("up-") + name, {&sp}, runner, env));
    }
  }
  if (plan.alarms.run) {
    // After the last step that changes instances (up-*), before platform install, which
    // changes none. Not an sdcadm command: no check-health around it.
    const std::string program = ctx.sdc_amonadm;
    steps.push_back({"alarm-config", "sdc-amonadm update (amon probes, " + plan.alarms.reason + ")", false,
                     [program] { amonadm_update(program); },
                     [program, &runner] { return verify_probes(program, runner); }});
  }
  if (plan.platform && plan.platform->run) {
    const std::string file = plan.platform->stage_as, channel = ctx.channel, os = ctx.usbkey_os;
    const std::string stamp = manifest::buildstamp_time(plan.platform->target.version).value_or("");
    steps.push_back({"platform-install", "sdcadm platform install " + file + " -y", true,
                     [&runner, file, channel] { runner.platform_install(file, channel); },
                     [os, stamp] { return verify_platform(os, stamp); }});
  }
  return steps;
}

ApplyResult apply_bundle(const ApplyContext& ctx, const ApplyHooks& hooks, const SdcadmRunner& runner,
                         History& history) {
  check_reprov_lock(ctx.reprov_fail_lock);
  make_directories(ctx.journal_dir);
  if (const std::string kept = retire_other_build(ctx.journal_dir, ctx.bundle_id, ctx.bundle_digest); !kept.empty()) {
    say(hooks, "The journal of another build of bundle " + ctx.bundle_id + " (the same content) is kept as " + kept +
                   "; this build gets its own");
  }
  Journal journal = Journal::open(ctx.journal_dir, ctx.bundle_id, ctx.bundle_digest, ctx.content_id);
  ApplyResult result;
  result.journal_path = journal.path();
  const std::string run = new_run_id();
  // sdcadm commands a killed run left running finish before the plan reads the DC (resume.hpp).
  wait_for_earlier_commands(journal, ctx.lock_wait, hooks.say);
  result.plan = hooks.make_plan();
  rerun_unfinished_alarms(journal, result.plan);
  if (same_content_applied(ctx, journal, hooks, history, run, result)) return result;
  const bool follow_up = journal.finished() && result.plan.has_changes();
  if (journal.finished() && !follow_up) {
    say(hooks, "Bundle " + ctx.bundle_id + " was applied completely (finished " + journal.finished_at() +
                   "); nothing to do. Up-to-date.");
    if (const std::string held = held_services(result.plan); !held.empty()) {
      say(hooks, "Held back: " + held + " (`sdcadm-install plan` says why)");
    }
    common::Json start = {{"event", "run-start"}, {"run", run}, {"time", utc_now_ms()},
                          {"bundle_id", ctx.bundle_id}, {"bundle_digest", ctx.bundle_digest},
                          {"channel", ctx.channel}, {"signers", ctx.signers}, {"user", current_user()}};
    history.append(start);
    run_end(history, ctx, run, "up-to-date", ExitCode::ok, "", "");
    result.outcome = ApplyOutcome::up_to_date;
    return result;
  }
  const bool resumed = journal.exists_on_disk();
  if (follow_up) {
    say(hooks, "Bundle " + ctx.bundle_id + " was applied (finished " + journal.finished_at() +
                   "), but its plan has more to do now (a held-back service included, a server back)");
  } else if (resumed) {
    say(hooks, "Resuming bundle " + ctx.bundle_id + " (stopped at " +
                   (journal.stopped_at().empty() ? std::string("the end") : journal.stopped_at()) + ")");
  }
  if (hooks.check_space && (resumed || result.plan.has_changes() || !result.plan.imports.empty())) {
    hooks.check_space(result.plan);
  }
  if (hooks.confirm && !hooks.confirm(result.plan)) {
    common::throw_if_stopped("at the question; nothing was changed");  // Ctrl-C at the prompt is no "no"
    result.outcome = ApplyOutcome::declined;
    return result;
  }
  if (follow_up) {
    std::vector<std::string> again;
    for (const auto& step : all_steps(result.plan, runner, ctx, hooks)) again.push_back(step.name);
    journal.reopen(again);
  }
  journal.begin_run();
  history.append(run_start(ctx, run, result.plan));
  const bool nothing = !result.plan.has_changes() && result.plan.imports.empty() && !resumed;
  StepRunner steps(journal, history, runner, hooks, run, result);
  steps.ignore_health_of(&result.plan.servers);
  steps.set_output_dir(sibling_dir(ctx.journal_dir, "output"));
  CheckEnv check_env = ctx.checks;
  check_env.runner = &runner;
  steps.set_check_env(check_env);
  try {
    if (hooks.self_update) {
      bool installed = false;
      steps.run({"installer-self-update", "install the bundle's newer sdcadm-install", false,
                 [&] { installed = hooks.self_update(); }, {}});
      if (installed && hooks.reexec) {
        run_end(history, ctx, run, "re-exec", ExitCode::ok, "", "");
        hooks.reexec();
      }
    }
    if (!nothing) {
      const std::vector<ApplyStep> all = all_steps(result.plan, runner, ctx, hooks);
      SettleContext settle{run, ctx.usbkey_os, {}};
      for (const auto& step : all) settle.planned.push_back(step.name);
      settle_started_steps(journal, history, result.plan, settle, hooks.say);
      recheck_unverified_steps(journal, history, check_env, settle, hooks.say);
      run_with_done_elsewhere(journal, all, steps, hooks, result);
    }
  } catch (const Error& caught) {
    const std::string where = journal.stopped_at();
    // After a stop signal, whatever failed failed because of it (an EINTR read, a cut upload).
    const Error e = common::stop_count() > 0 && caught.code() != ExitCode::interrupted
                        ? Error(ExitCode::interrupted, "stopped by " + common::signal_name(common::stop_signal()) +
                                                           " (" + caught.what() + ")")
                        : caught;
    if (e.code() == ExitCode::interrupted) {
      run_end(history, ctx, run, "interrupted", e.code(), e.what(), where);
      throw Error(e.code(), std::string(e.what()) + "; nothing half-written was kept (temp files removed, images "
                                "this run left unactivated deleted). The journal " + journal.path() +
                                " records where it stopped; run sdcadm-install again to resume");
    }
    run_end(history, ctx, run, "failed", e.code(), e.what(), where);
    throw Error(e.code(), std::string(e.what()) + ". The journal " + journal.path() +
                              " records where it stopped; fix the cause and run sdcadm-install again to resume");
  }
  journal.finish();
  result.outcome = nothing ? ApplyOutcome::nothing_to_do : ApplyOutcome::applied;
  run_end(history, ctx, run, nothing ? "nothing-to-do" : "ok", ExitCode::ok, "", "");
  return result;
}

}  // namespace installer
