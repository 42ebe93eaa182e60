#include <installer/dc_check.hpp>

#include <installer/check_env.hpp>
#include <installer/journal.hpp>
#include <installer/plan_inputs.hpp>
#include <installer/recheck.hpp>

#include <bundles/part_source.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <dirent.h>
#include <memory>
#include <optional>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// Runs `check`, keeping what it saw whether it passes or not.
DcCheckLine run_one(const std::string& step, const std::string& kind, const std::function<common::Json()>& check) {
  DcCheckLine line{step, kind, true, false, nullptr, "", ""};
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

std::vector<DcCheckLine> check_journal(const Paths& paths, const CheckEnv& env, common::Json& about) {
  const auto last = last_journal(paths.journal_dir);
  if (!last) {
    throw Error(ExitCode::not_found, "no bundle has been applied here (no journal under " + paths.journal_dir +
                                         "); give the BUNDLE to check its targets");
  }
  const Journal journal = Journal::open(paths.journal_dir, last->first, last->second);
  about = {{"source", "journal"}, {"bundle_id", journal.bundle_id()}, {"journal", journal.path()},
           {"finished", journal.finished() ? common::Json(journal.finished_at()) : common::Json(nullptr)}};
  std::vector<DcCheckLine> lines;
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

std::vector<DcCheckLine> check_bundle_targets(const DcCheckOptions& options, const TrustReport& report,
                                             const Paths& paths, const CheckEnv& env, common::Json& about) {
  const HostOptions& host = options.host;
  const std::string path = bundles::bundle_path_argument(options.bundle);
  check_bundle_to_install(paths, path, options.trust, report);
  const OpenBundle bundle = open_bundle(path);
  const Plan plan = make_plan(gather_plan_inputs(bundle, *env.runner, env.imgapi_url, paths,
                                                 agents_imgapi_domain(host, paths), host.sdc_server),
                              PlanOptions{});
  about = {{"source", "bundle"}, {"bundle_id", bundle.index().bundle_id}, {"bundle", options.bundle}};
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
  std::vector<DcCheckLine> lines;
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

}  // namespace

DcCheckReport check_dc(const DcCheckOptions& options, const TrustReport& report) {
  const HostOptions& host = options.host;
  DcCheckReport r;
  const Paths paths = start_run(host, options.quiet);
  const SdcadmRunner runner(host.sdcadm);
  CheckEnv env = check_env(paths, imgapi_url(host, paths));
  env.runner = &runner;
  if (!host.sdc_amonadm.empty()) env.sdc_amonadm = host.sdc_amonadm;
  r.lines = options.bundle.empty() ? check_journal(paths, env, r.about)
                                   : check_bundle_targets(options, report, paths, env, r.about);
  std::string failed;
  for (const DcCheckLine& l : r.lines) {
    if (!l.ran) continue;
    ++r.ran;
    if (!l.ok) {
      ++r.failed;
      failed += (failed.empty() ? "" : ", ") + l.step + " (" + l.kind + ")";
    }
  }
  if (r.failed != 0) {
    r.error = std::to_string(r.failed) + " of " + std::to_string(r.ran) + " check" + (r.ran == 1 ? "" : "s") +
              " failed: " + failed + "; the DC does not show what was applied (each line says what it saw)";
  }
  return r;
}

}  // namespace installer
