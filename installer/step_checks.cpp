#include <installer/step_checks.hpp>

#include <installer/plan.hpp>
#include <installer/service_answers.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

}  // namespace

common::Json verify_instances(const CheckEnv& env, const std::string& step, const Moves& moving,
                              const std::string& kind) {
  common::Json seen = common::Json::array();
  common::Json evidence = {{"check", kind}, {"step", step}, {"source", "sdcadm insts -j"}};
  if (moving.empty()) {
    evidence["instances"] = seen;
    return evidence;
  }
  const common::Json svcs = env.runner->svcs();
  const DcState now = parse_dc_state(svcs, env.runner->insts());
  std::vector<std::string> stale, problems;
  std::vector<AnswerTarget> answering;
  for (const auto& [id, target] : moving) {
    const auto it = std::find_if(now.instances.begin(), now.instances.end(),
                                 [&](const DcInstance& i) { return i.instance == id; });
    if (it == now.instances.end()) {
      seen.push_back({{"uuid", id}, {"target", target}, {"image", nullptr}});
      stale.push_back(id + " is gone");
      continue;
    }
    common::Json row = {{"uuid", id}, {"service", it->service}, {"alias", it->alias}, {"image", it->image},
                        {"target", target}};
    if (!it->hostname.empty()) row["server"] = it->hostname;
    seen.push_back(row);
    const std::string name = it->alias.empty() ? it->service + (it->hostname.empty() ? "" : " on " + it->hostname)
                                               : it->alias;
    if (it->image != target) {
      stale.push_back(name + " (" + id + ") runs " + it->image + ", not " + target);
    } else if (kind == "instances") {
      answering.push_back({id, it->service, it->alias});
    }
  }
  evidence["instances"] = seen;
  if (!answering.empty()) evidence["services"] = service_answers(env, answering, problems, sapi_ping_urls(svcs));
  if (stale.empty() && problems.empty()) return evidence;
  std::string message = step + ": post-step check \"" + kind + "\" failed: ";
  if (!stale.empty()) {
    message += std::to_string(stale.size()) + " of " + std::to_string(moving.size()) +
               (kind == "agents" ? " agent instance" : " instance") + (moving.size() == 1 ? "" : "s") +
               " not on the target (sdcadm insts -j): " + joined(stale);
  }
  if (!problems.empty()) {
    message += (stale.empty() ? "" : "; ") + std::string("the instances moved but their services do not answer: ") +
               joined(problems);
  }
  throw Unverified(message, evidence);
}

std::string platform_assign_command(const std::string& stamp) { return "sdcadm platform assign " + stamp + " --all"; }

common::Json verify_platform(const std::string& usbkey_os, const std::string& stamp) {
  struct stat st {};
  const std::string dir = usbkey_os + "/" + stamp;
  common::Json evidence = {{"check", "platform"}, {"stamp", stamp}, {"path", dir},
                           {"next", platform_assign_command(stamp) + " (then reboot the servers onto it)"}};
  const bool ok = !stamp.empty() && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  evidence["exists"] = ok;
  if (ok) return evidence;
  throw Unverified("platform-install: post-step check \"platform\" failed: " + dir +
                       " does not exist: the platform is not installed",
                   evidence);
}

common::Json verify_gz_tools(const std::string& file, const std::string& image) {
  common::Json evidence = {{"check", "gz-tools"}, {"file", file}, {"expected", image}};
  std::string seen;
  std::string why;
  try {
    const std::string text = common::read_small_file(file, 4096);
    seen = text.substr(0, text.find('\n'));
    seen.erase(0, seen.find_first_not_of(" \t\r"));
    seen.erase(seen.find_last_not_of(" \t\r") + 1);
  } catch (const Error& e) {
    why = e.what();
  }
  evidence["image"] = seen.empty() ? common::Json(nullptr) : common::Json(seen);
  if (!image.empty() && seen == image) return evidence;
  throw Unverified("update-gz-tools: post-step check \"gz-tools\" failed: " + file +
                       (why.empty() ? " names " + (seen.empty() ? std::string("no image") : seen) : " cannot be read (" + why + ")") +
                       ", not the bundle's gz-tools image " + image,
                   evidence);
}

common::Json verify_sdcadm(const SdcadmRunner& runner, const std::string& version, const std::string& buildstamp) {
  common::Json evidence = {{"check", "sdcadm"}, {"source", "sdcadm --version"},
                           {"expected", {{"version", version}, {"buildstamp", buildstamp}}}};
  const manifest::SdcadmVersion now = runner.version();
  evidence["version"] = now.version;
  evidence["buildstamp"] = now.buildstamp;
  if (now.version == version && now.buildstamp == buildstamp) return evidence;
  throw Unverified("sdcadm-self-update: post-step check \"sdcadm\" failed: sdcadm --version reports " + now.version +
                       " (" + now.buildstamp + "), not the bundle's " + version + " (" + buildstamp +
                       ")",
                   evidence);
}

}  // namespace installer
