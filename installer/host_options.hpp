#pragma once
// What a run needs to know about the headnode it works on (the front end's global options:
// --root, --imgapi, --sdcadm, --sdc-server, --sdc-amonadm, --lock-wait), and what the
// commands derive from it: the run's paths and log, the DC IMGAPI, the two locks.
// The library's workflows take these instead of the command line's options.

#include <installer/lock.hpp>
#include <installer/paths.hpp>

#include <common/log.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace installer {

struct HostOptions {
  std::string root = "/";                                   // a simulated headnode in tests
  std::string imgapi;                                       // "" = from /usbkey/config
  std::string sdcadm = "/opt/smartdc/bin/sdcadm";
  std::string sdc_server = "/opt/smartdc/bin/sdc-server";   // lists CNAPI's servers
  std::string sdc_amonadm;                                  // "" = /opt/smartdc/bin/sdc-amonadm under root
  std::chrono::milliseconds lock_wait{std::chrono::minutes(10)};  // give up on a held lock
  // Called once a lock has been waited for a second: what is waited for ("sdcadm lock")
  // and the holder's pid (0 unknown), so that the operator knows why nothing happens.
  std::function<void(const std::string& what, long holder_pid)> on_lock_wait;
  // The lowest level of log lines shown on stderr: info, warn (-q, or JSON output), debug (-v).
  common::log::Level stderr_level = common::log::Level::info;
};

// Paths under root, and the bunyan log (ROOT/var/log/sdcadm/sdcadm-install.log) configured
// for this run: host.stderr_level's lines on stderr, or only warnings when `quiet` (the front
// end prints JSON). Error(config) when root is not a directory.
Paths start_run(const HostOptions& host, bool quiet);
// The log part of start_run: ROOT/var/log/sdcadm/sdcadm-install.log (its directory made when
// missing) when ROOT/var/log exists; one warning on stderr when it cannot be written, and
// the run goes on (docs/logs.md).
void open_run_log(const Paths& paths, common::log::Level stderr_level);

// host.imgapi, else http://<imgapi_domain> from ROOT/usbkey/config (Error(config) when
// neither says).
std::string imgapi_url(const HostOptions& host, const Paths& paths);
// The same, or nullopt instead of an error (verify works without a DC).
std::optional<std::string> imgapi_url_if_known(const HostOptions& host, const Paths& paths);

// The IMGAPI host[:port] the agents bootstrap downloads from on compute nodes
// (docs/agents.md): /usbkey/config's imgapi_domain, else the host of host.imgapi.
// Error(config) when neither says.
std::string agents_imgapi_domain(const HostOptions& host, const Paths& paths);

// The alarm-config step's program: host.sdc_amonadm, else the headnode's own under root.
std::string sdc_amonadm_path(const HostOptions& host, const Paths& paths);

// The installer's own lock, then the sdcadm lock, waiting up to lock_wait each (on_lock_wait
// after a second). Release order is the reverse (members are destroyed in reverse order).
struct RunLocks {
  FileLock install;
  FileLock sdcadm;
};
RunLocks take_locks(const HostOptions& host, const Paths& paths);
// One lock, for commands that must not hold the sdcadm lock while sdcadm runs.
FileLock take_lock(const HostOptions& host, const std::string& path, const std::string& what);

// The environment variable through which a self-updating apply hands its installer lock
// to the new binary it execs (FileLock::keep_across_exec / inherit).
inline constexpr const char* k_install_lock_fd_env = "SDCB_INSTALLER_LOCK_FD";
// The installer's own lock: inherited from the predecessor that re-executed this process
// (self-update: the lock is never free in between), else taken as take_lock does.
FileLock take_install_lock(const HostOptions& host, const Paths& paths);

}  // namespace installer
