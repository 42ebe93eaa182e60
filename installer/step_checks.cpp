#include <installer/step_checks.hpp>

#include <installer/plan.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

common::Json verify_instances(const SdcadmRunner& runner, const std::string& step,
                      const std::vector<std::pair<std::string, std::string>>& moving) {
  common::Json seen = common::Json::array();
  if (moving.empty()) return {{"check", "instances"}, {"instances", seen}};
  const DcState now = parse_dc_state(runner.svcs(), runner.insts());
  std::string stale;
  std::size_t count = 0;
  for (const auto& [id, target] : moving) {
    const auto it = std::find_if(now.instances.begin(), now.instances.end(),
                                 [&](const DcInstance& i) { return i.instance == id; });
    if (it != now.instances.end()) seen.push_back({{"uuid", id}, {"image", it->image}});
    if (it == now.instances.end()) {
      stale += (count++ ? "; " : "") + id + " is gone";
    } else if (it->image != target) {
      stale += (count++ ? "; " : "") + (it->alias.empty() ? it->service : it->alias) + " (" + id + ") runs " +
               it->image + ", not " + target;
    }
  }
  if (count == 0) return {{"check", "instances"}, {"source", "sdcadm insts -j"}, {"instances", seen}};
  throw Error(ExitCode::step_unverified,
              step + ": sdcadm exited 0, but " + std::to_string(count) + " of " + std::to_string(moving.size()) +
                  " instance" + (moving.size() == 1 ? "" : "s") + " did not move (sdcadm insts -j): " + stale +
                  ". sdcadm did not carry the change out; see its log in /var/log/sdcadm/logs");
}

common::Json verify_platform(const std::string& usbkey_os, const std::string& stamp) {
  struct stat st {};
  const std::string dir = usbkey_os + "/" + stamp;
  if (!stamp.empty() && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return {{"check", "platform"}, {"stamp", stamp}, {"path", dir}};
  }
  throw Error(ExitCode::step_unverified, "platform-install: sdcadm exited 0, but " + dir +
                                             " does not exist: the platform was not installed");
}

}  // namespace installer
