// `sdcadm-install check [BUNDLE] [-j]` (issue 13 part 1): the post-step checks on demand.
//   * Without BUNDLE: the last applied bundle's journal (the one under
//     /var/sdcadm/install/journal written last). Each step's recorded evidence says what the
//     step brought about (recheck.hpp); each is checked against the DC now. Steps without a
//     check (stage, seed-agents, update-other) are listed, not counted.
//   * With BUNDLE: the bundle, checked like `plan` checks it (the trust check), and its
//     targets as the plan reads them now: every instance of its services that the plan does
//     not leave out (held services, instances on newer images, left-out servers) runs the
//     bundle's image and answers, every image is active in the DC IMGAPI with the bundle's
//     sha1 and size, gz-tools, the platform on the USB key, sdcadm's version.
// One line per check (pass/FAIL and the evidence), or -j one JSON document. Exit 0 when all
// pass, 46 (step_unverified) naming the failing checks. Changes nothing, takes no lock.

#include <installer/check_env.hpp>
#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/journal.hpp>
#include <installer/plan_inputs.hpp>
#include <installer/recheck.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/json.hpp>

#include <manifest/image_manifest.hpp>

#include <dirent.h>
#include <iostream>
#include <memory>
#include <optional>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

struct CheckArgs {
  std::string bundle;
  bool json = false;
  TrustOverrides trust;
};

struct CheckLine {
  std::string step, kind;
  bool ran = false, ok = false;
  common::Json evidence;
  std::string error;
  std::string note;  // for a step without a check: why
};

// Runs `check`, keeping what it saw whether it passes or not.
CheckLine run_one(const std::string& step, const std::string& kind, const std::function<common::Json()>& check) {
  CheckLine line{step, kind, true, false, nullptr, "", ""};
  try {
    line.evidence = check();
    line.ok = true;
  } catch (const Unverified& e) {
    line.evidence = e.evidence();
    line.error = e.what();
  } catch (const Error& e) {  // the DC could not be read (IMGAPI down, sdcadm failing): not a pass
    line.error = e.what();
  }
  return line;
}

// "<id>.json" of the journal written last; nullopt when there is none.
std::optional<std::pair<std::string, std::string>> last_journal(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return std::nullopt;
  std::optional<std::pair<std::string, std::string>> best;  // (bundle_id, digest)
  std::string best_updated;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (name.size() < 6 || name[0] == '.' || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    common::Json doc;
    try {
      doc = common::parse_json(common::read_small_file(dir + "/" + name, 1u << 20), dir + "/" + name, 8, 1u << 20);
    } catch (const Error&) {
      continue;
    }
    auto str = [&](const char* key) {
      return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : std::string();
    };
    // Another build's journal kept aside (<id>.<digest>.json, applied_content.hpp) is not the last applied.
    if (str("bundle_id").empty() || str("bundle_id") + ".json" != name) continue;
    if (!best || str("updated") > best_updated) {  // RFC 3339 UTC, fixed width: text order is time order
      best = std::make_pair(str("bundle_id"), str("bundle_digest"));
      best_updated = str("updated");
    }
  }
  return best;
}

std::vector<CheckLine> check_journal(const Paths& paths, const CheckEnv& env, common::Json& about) {
  const auto last = last_journal(paths.journal_dir);
  if (!last) {
    throw Error(ExitCode::not_found, "no bundle has been applied here (no journal under " + paths.journal_dir +
                                         "); give the BUNDLE to check its targets");
  }
  const Journal journal = Journal::open(paths.journal_dir, last->first, last->second);
  about = {{"source", "journal"}, {"bundle_id", journal.bundle_id()}, {"journal", journal.path()},
           {"finished", journal.finished() ? common::Json(journal.finished_at()) : common::Json(nullptr)}};
  std::vector<CheckLine> lines;
  for (const JournalStep& s : journal.steps()) {
    if (!rechecks(s.evidence)) {
      lines.push_back({s.name, "", false, false, nullptr, "",
                       s.state == StepState::done
                           ? "no post-step check"
                           : std::string("not done (") + to_string(s.state) + "), no check recorded" +
                                 (s.error.empty() ? "" : ": " + s.error.substr(0, 200))});
      continue;
    }
    lines.push_back(run_one(s.name, s.evidence["check"].get<std::string>(),
                            [&] { return recheck(s.name, s.evidence, env); }));
  }
  return lines;
}

// Every instance of `services` the plan does not leave out, with its target.
Moves all_on_target(const std::vector<const ServicePlan*>& services) {
  Moves out;
  for (const ServicePlan* sp : services) {
    for (const InstanceGroup& g : sp->groups) {
      for (const std::string& id : g.instances) out.emplace_back(id, sp->target.uuid);
    }
  }
  return out;
}

std::vector<ExpectedImage> bundle_images(const OpenBundle& bundle) {
  std::vector<ExpectedImage> out;
  for (const manifest::BundleArtifact& a : bundle.index().artifacts) {
    if (a.role == "platform" || a.manifest_member.empty()) continue;  // platforms stay out of IMGAPI
    const auto m = manifest::ImageManifest::parse(bundle.reader->read_member(a.manifest_member, 1u << 20),
                                                  "bundle member " + a.manifest_member);
    const auto file = m.file();
    if (!file) throw Error(ExitCode::bad_data, "bundle member " + a.manifest_member + " has no files[0]");
    out.push_back({m.uuid(), m.name(), m.version(), file->sha1, file->size});
  }
  return out;
}

std::vector<CheckLine> check_bundle(const GlobalOptions& globals, const CheckArgs& args, const Paths& paths,
                                    const CheckEnv& env, common::Json& about) {
  check_trust_or_throw(paths, bundle_path_argument(args.bundle), args.trust, args.json);
  const OpenBundle bundle = open_bundle(bundle_path_argument(args.bundle));
  const Plan plan = make_plan(gather_plan_inputs(bundle, *env.runner, env.imgapi_url, paths,
                                                 agents_imgapi_domain(globals, paths), globals.sdc_server),
                              PlanOptions{});
  about = {{"source", "bundle"}, {"bundle_id", bundle.index().bundle_id}, {"bundle", args.bundle}};
  std::vector<const ServicePlan*> vms, agents, held;
  for (const ServicePlan& sp : plan.services) {
    if (sp.held()) {
      held.push_back(&sp);
    } else if (sp.type == "agent") {
      if (agent_route(sp.service) != AgentRoute::none) agents.push_back(&sp);
    } else {
      vms.push_back(&sp);
    }
  }
  common::Json held_names = common::Json::array();
  for (const ServicePlan* sp : held) held_names.push_back(sp->service + ": " + sp->route.reason);
  about["not_checked"] = held_names;
  std::vector<CheckLine> lines;
  lines.push_back(run_one("images", "images", [&] { return verify_images(env.imgapi_url, bundle_images(bundle)); }));
  if (plan.sdcadm) {
    const std::string stamp = sdcadm_buildstamp(bundle);
    lines.push_back(run_one("sdcadm", "sdcadm", [&] { return verify_sdcadm(*env.runner, plan.sdcadm->target.version, stamp); }));
  }
  lines.push_back(run_one("agents", "agents", [&] { return verify_instances(env, "agents", all_on_target(agents), "agents"); }));
  if (plan.gz_tools) {
    lines.push_back(run_one("gz-tools", "gz-tools", [&] { return verify_gz_tools(env.gz_tools_image_file, plan.gz_tools->target.uuid); }));
  }
  lines.push_back(run_one("services", "instances", [&] { return verify_instances(env, "services", all_on_target(vms)); }));
  if (plan.platform) {
    const std::string stamp = manifest::buildstamp_time(plan.platform->target.version).value_or("");
    lines.push_back(run_one("platform", "platform", [&] { return verify_platform(env.usbkey_os, stamp); }));
  }
  return lines;
}

void run_check(const GlobalOptions& globals, const CheckArgs& args) {
  std::vector<CheckLine> lines;
  common::Json about;
  run_reporting(args.json, [&] {
    const Paths paths = start_run(globals, args.json);
    const SdcadmRunner runner(globals.sdcadm);
    CheckEnv env = check_env(paths, imgapi_url(globals, paths));
    env.runner = &runner;
    if (!globals.sdc_amonadm.empty()) env.sdc_amonadm = globals.sdc_amonadm;
    lines = args.bundle.empty() ? check_journal(paths, env, about) : check_bundle(globals, args, paths, env, about);
  });
  const std::string source = args.bundle.empty() ? "the journal of the last applied bundle" : "the targets of " + args.bundle;
  std::string failed;
  std::size_t ran = 0, bad = 0;
  common::Json checks = common::Json::array();
  for (const CheckLine& l : lines) {
    common::Json j = {{"step", l.step}, {"check", l.kind.empty() ? common::Json(nullptr) : common::Json(l.kind)},
                      {"result", !l.ran ? "none" : l.ok ? "pass" : "fail"}, {"evidence", l.evidence}};
    if (!l.error.empty()) j["error"] = l.error;
    if (!l.note.empty()) j["note"] = l.note;
    checks.push_back(j);
    if (!l.ran) {
      if (!args.json) std::cout << "-     " << l.step << ": " << l.note << "\n";
      continue;
    }
    ++ran;
    if (!l.ok) {
      ++bad;
      failed += (failed.empty() ? "" : ", ") + l.step + " (" + l.kind + ")";
    }
    if (!args.json) {
      std::cout << (l.ok ? "pass  " : "FAIL  ") << l.step << " (" << l.kind << "): "
                << (l.ok ? describe_evidence(l.evidence) : l.error) << "\n";
    }
  }
  const std::string error = bad == 0 ? "" : std::to_string(bad) + " of " + std::to_string(ran) + " check" +
                                               (ran == 1 ? "" : "s") + " failed: " + failed +
                                               "; the DC does not show what was applied (each line says what it saw)";
  if (args.json) {
    common::Json out = about;
    out["ok"] = bad == 0;
    out["exit_code"] = bad == 0 ? 0 : common::to_int(ExitCode::step_unverified);
    out["checks"] = checks;
    if (bad != 0) out["error"] = error;
    print_json(out);
  } else {
    std::cout << (bad == 0 ? "All " + std::to_string(ran) + " checks pass" : error) << " (" << source << ")\n";
  }
  std::cout << std::flush;
  if (bad != 0) throw Error(ExitCode::step_unverified, error);
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
  cmd->callback([globals, args] { run_check(*globals, *args); });
}

}  // namespace installer
