#include <installer/agents/seed.hpp>

#include <installer/agents/agent_tarball.hpp>
#include <installer/agents/bootstrap_script.hpp>
#include <installer/agents/files.hpp>
#include <installer/stage_plan.hpp>
#include <installer/staged_check.hpp>

#include <common/atomic_file.hpp>
#include <common/json.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <common/safe_dir.hpp>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace installer::agents {

using common::Error;
using common::ExitCode;

namespace {

constexpr const char* k_extra_agents = "/usbkey/extra/agents/";

std::string link_target(const std::string& link) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

// Points `dir`/latest at `file_name` (relative, as update-agents leaves it) through a
// temp link renamed over the old one, so `latest` always names a whole script.
bool move_latest(const std::string& dir, const std::string& file_name) {
  const std::string latest = dir + "/latest";
  if (link_target(latest) == file_name) return false;
  const std::string temp = temp_path_for(latest);
  ::unlink(temp.c_str());
  if (::symlink(file_name.c_str(), temp.c_str()) != 0 || ::rename(temp.c_str(), latest.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    throw Error(ExitCode::io, "cannot point " + latest + " at " + file_name + ": " + why);
  }
  return true;
}

}  // namespace

std::optional<AgentSet> agent_set_of(const VerifiedBundle& bundle, const Paths& paths,
                                     const std::string& imgapi_domain) {
  std::vector<AgentImage> images;
  for (const StagedImage& staged : plan_stage(bundle.index(), paths).images) {
    if (staged.role != "agent") continue;
    if (!is_known_agent(staged.name)) {
      // sdcadm's service list still names agents the agentsshar no longer installs
      // (cabase, cainstsvc, dockerlogger ...): imported like any image, not bootstrapped.
      // Debug only: the plan already says how each of them is handled.
      common::log::debug("agent image " + staged.name + " " + staged.uuid +
                        " is not one of the agents a node bootstraps; imported, not in the bootstrap");
      continue;
    }
    const std::string what = "agent image " + staged.uuid + " (" + staged.manifest_path + ")";
    // The signed manifest's bytes or a refusal: the bootstrap names each agent's SHA-1.
    const std::string text = verified_staged_manifest(bundle, staged);
    const manifest::ImageManifest m = manifest::ImageManifest::parse(text, what);
    if (m.uuid() != staged.uuid) {
      throw Error(ExitCode::integrity, what + " has uuid " + m.uuid() + "; stage the bundle again");
    }
    images.push_back(agent_image_of(m, what));
  }
  if (images.empty()) return std::nullopt;
  return make_agent_set(std::move(images), imgapi_domain);
}

void check_staged_agents(const AgentSet& set, const Paths& paths) {
  for (const AgentImage& a : set.agents) {
    check_agent_file(a, paths.usbkey_images + "/" + a.uuid + ".imgfile");
  }
}

SeedResult write_seed(const AgentSet& set, const Paths& paths, LatestLink latest) {
  check_staged_agents(set, paths);
  SeedResult r;
  r.set = set;
  const std::string name = bootstrap_file_name(set);
  const std::string json_name = "agents-" + set.stamp + ".json";
  r.bootstrap_headnode_path = std::string(k_extra_agents) + name;
  r.bootstrap_path = paths.usbkey_extra_agents + "/" + name;
  r.set_path = paths.usbkey_extra_agents + "/" + json_name;
  // No link anywhere from the root down (common/safe_dir.hpp); created when missing.
  common::SafeDir::open(paths.root, paths.usbkey_extra_agents, common::SafeDir::Create::yes);
  // The set first: a script is never there without the set it was made from.
  const bool set_written = write_if_changed(r.set_path, common::dump_json(to_json(set)) + "\n", 0644);
  const bool script_written = write_if_changed(r.bootstrap_path, bootstrap_script(set), 0755);
  r.written = set_written || script_written;
  if (latest == LatestLink::move) r.latest_moved = move_latest(paths.usbkey_extra_agents, name);
  common::log::info("agents bootstrap " + r.bootstrap_headnode_path + (r.written ? " written" : " already in place") +
                    (r.latest_moved ? ", latest moved to it" : ""));
  return r;
}

}  // namespace installer::agents
