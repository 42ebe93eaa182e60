#include <installer/host_options.hpp>

#include <installer/usbkey_config.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

Paths start_run(const HostOptions& host, bool quiet) {
  Paths paths = Paths::under(host.root);
  struct stat st {};
  if (::stat(paths.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(ExitCode::config, "--root " + host.root + " is not a directory");
  }
  require_no_linked_dirs(paths);  // before anything is written (issue 12 item 10)
  open_run_log(paths, quiet ? std::max(host.stderr_level, common::log::Level::warn) : host.stderr_level);
  return paths;
}

void open_run_log(const Paths& paths, common::log::Level stderr_level) {
  common::log::Config config;
  config.name = "sdcadm-install";
  // A --root without /var/log is no headnode (a directory to verify a bundle in): no file.
  struct stat st {};
  if (::stat(paths.local("/var/log").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    config.file = paths.log_file;
    config.make_dirs = true;  // /var/log/sdcadm: sdcadm's setup makes it, a fresh headnode may lack it
  }
  config.stderr_level = stderr_level;
  common::log::configure(config);
}

std::string imgapi_url(const HostOptions& host, const Paths& paths) {
  if (!host.imgapi.empty()) return host.imgapi;
  return UsbkeyConfig::load(paths.usbkey_config).imgapi_url();
}

std::optional<std::string> imgapi_url_if_known(const HostOptions& host, const Paths& paths) {
  try {
    return imgapi_url(host, paths);
  } catch (const Error& e) {
    common::log::debug(std::string("no DC IMGAPI: ") + e.what());
    return std::nullopt;
  }
}

// /usbkey/config's imgapi_domain is what compute nodes resolve; --imgapi is the fallback.
std::string agents_imgapi_domain(const HostOptions& host, const Paths& paths) {
  try {
    if (auto d = UsbkeyConfig::load(paths.usbkey_config).get("imgapi_domain")) return *d;
  } catch (const Error&) {
    if (host.imgapi.empty()) throw;
  }
  std::string name = host.imgapi;
  const std::size_t scheme = name.find("://");
  if (scheme != std::string::npos) name = name.substr(scheme + 3);
  name = name.substr(0, name.find('/'));
  if (name.empty()) {
    throw Error(ExitCode::config, "no imgapi_domain in " + paths.usbkey_config + " and no --imgapi URL: "
                                  "say which IMGAPI nodes download agents from (--imgapi http://HOST)");
  }
  return name;
}

std::string sdc_amonadm_path(const HostOptions& host, const Paths& paths) {
  if (!host.sdc_amonadm.empty()) return host.sdc_amonadm;
  return (paths.root == "/" ? std::string() : paths.root) + "/opt/smartdc/bin/sdc-amonadm";
}

FileLock take_lock(const HostOptions& host, const std::string& path, const std::string& what) {
  LockOptions options;
  options.timeout = host.lock_wait;
  if (host.on_lock_wait) {
    options.on_wait = [&host, &what](long pid) { host.on_lock_wait(what, pid); };
  }
  return FileLock::acquire(path, what, options);
}

FileLock take_install_lock(const HostOptions& host, const Paths& paths) {
  if (std::optional<FileLock> kept = FileLock::inherit(paths.install_lock, k_install_lock_fd_env)) {
    return std::move(*kept);
  }
  return take_lock(host, paths.install_lock, "the sdcadm-install lock");
}

RunLocks take_locks(const HostOptions& host, const Paths& paths) {
  FileLock install = take_install_lock(host, paths);
  FileLock sdcadm = take_lock(host, paths.sdcadm_lock, "sdcadm lock");
  return RunLocks{std::move(install), std::move(sdcadm)};
}

}  // namespace installer
