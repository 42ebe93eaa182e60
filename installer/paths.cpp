#include <installer/paths.hpp>

#include <common/error.hpp>
#include <common/safe_dir.hpp>

namespace installer {

Paths Paths::under(const std::string& root) {
  Paths p;
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  p.root = r.empty() ? "/" : r;
  p.usbkey = p.local("/usbkey");
  p.usbkey_images = p.local("/usbkey/images");
  p.usbkey_extra_agents = p.local("/usbkey/extra/agents");
  p.usbkey_os = p.local("/usbkey/os");
  p.usbkey_gz_tools = p.local("/usbkey/extra/gz-tools");
  p.usbkey_config = p.local("/usbkey/config");
  p.mnt_usbkey = p.local("/mnt/usbkey");
  p.var_sdcadm = p.local("/var/sdcadm");
  p.state_dir = p.local("/var/sdcadm/install");
  p.staged_manifests = p.local("/var/sdcadm/install/manifests");
  p.journal_dir = p.local("/var/sdcadm/install/journal");
  p.history_file = p.local("/var/sdcadm/install/history.jsonl");
  p.trust_root = p.local("/var/sdcadm/trust/root.json");
  p.trust_state = p.local("/var/sdcadm/trust/channels.json");
  p.sdcadm_lock = p.local("/var/run/sdcadm.lock");
  p.install_lock = p.local("/var/run/sdcadm-install.lock");
  p.reprov_fail_lock = p.local("/var/sdcadm/reprovFailLock.json");
  p.log_file = p.local("/var/log/sdcadm/sdcadm-install.log");
  return p;
}

std::string Paths::local(const std::string& headnode_path) const {
  if (headnode_path.empty() || headnode_path[0] != '/') {
    throw common::Error(common::ExitCode::internal,
                        "Paths::local: \"" + headnode_path + "\" is not an absolute path");
  }
  return root == "/" ? headnode_path : root + headnode_path;
}

void require_no_linked_dirs(const Paths& paths) {
  for (const std::string& dir :
       {paths.usbkey_images, paths.usbkey_extra_agents, paths.local("/usbkey/extra/platforms"), paths.usbkey_gz_tools,
        paths.staged_manifests, paths.journal_dir, paths.local("/var/sdcadm/trust")}) {
    common::require_no_links(paths.root, dir);
  }
}

}  // namespace installer
