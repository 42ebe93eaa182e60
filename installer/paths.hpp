#pragma once
// Every place on the headnode the installer reads or writes, resolved under a root
// directory: "/" on a real headnode, a simulated headnode's directory in tests and the
// demo (`sdcadm-install --root DIR`). Nothing else in the installer builds a path from a
// hard-coded absolute name: headnode paths from a bundle ("/usbkey/images/U.imgfile")
// go through local().

#include <string>

namespace installer {

struct Paths {
  std::string root;                 // "/" or a directory, without a trailing slash
  std::string usbkey;               // /usbkey (the zones/usbkey cache of the boot media)
  std::string usbkey_images;        // /usbkey/images: <uuid>.imgmanifest + <uuid>.imgfile
  std::string usbkey_extra_agents;  // /usbkey/extra/agents: agents-<version>.sh
  std::string usbkey_os;            // /usbkey/os
  std::string usbkey_gz_tools;      // /usbkey/extra/gz-tools
  std::string usbkey_config;        // /usbkey/config (key=value, imgapi_domain ...)
  std::string mnt_usbkey;           // /mnt/usbkey (the boot media mount)
  std::string var_sdcadm;           // /var/sdcadm
  std::string state_dir;            // /var/sdcadm/install: the installer's own state
  std::string staged_manifests;     // state_dir/manifests: manifests of images staged
                                    // outside /usbkey/images (agentsshar, gz-tools, platform)
  std::string journal_dir;          // state_dir/journal
  std::string history_file;         // state_dir/history.jsonl
  std::string trust_root;           // /var/sdcadm/trust/root.json
  std::string trust_state;          // /var/sdcadm/trust/channels.json
  std::string sdcadm_lock;          // /var/run/sdcadm.lock (sdcadm's own fcntl lock)
  std::string install_lock;         // /var/run/sdcadm-install.lock
  std::string reprov_fail_lock;     // /var/sdcadm/reprovFailLock.json
  std::string log_file;             // /var/log/sdcadm/sdcadm-install.log (bunyan JSON lines),
                                    // beside sdcadm's own logs (docs/logs.md)

  // The paths under `root` ("" or "/" = the real headnode). A relative root is taken
  // relative to the current directory as given. Trailing slashes are dropped.
  static Paths under(const std::string& root);

  // The local name of an absolute headnode path: "/usbkey/x" -> "<root>/usbkey/x" (the
  // path itself when root is "/"). `headnode_path` must start with '/'.
  std::string local(const std::string& headnode_path) const;
};

// The directories the installer writes under (/usbkey/images, /usbkey/extra/{agents,
// platforms,gz-tools}, /var/sdcadm/install/{manifests,journal}, /var/sdcadm/trust) must be
// real directories from the root down, not links (issue 12 item 10, common/safe_dir.hpp):
// Error(unsafe_path) naming the first link. Missing directories are fine (they are created
// later, without following links). Every command checks this first (start_run); stage then
// writes through descriptors opened without following links.
void require_no_linked_dirs(const Paths& paths);

}  // namespace installer
