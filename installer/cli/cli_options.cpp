#include <installer/cli/cli_options.hpp>
#include <installer/installer_version.hpp>

#include <installer/usbkey_config.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <iostream>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

Paths start_run(const GlobalOptions& globals, bool json) {
  Paths paths = Paths::under(globals.root);
  struct stat st {};
  if (::stat(paths.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(ExitCode::config, "--root " + globals.root + " is not a directory");
  }
  require_no_linked_dirs(paths);  // before anything is written (issue 12 item 10)
  open_run_log(paths, json);
  return paths;
}

void open_run_log(const Paths& paths, bool json) {
  common::log::Config config;
  config.name = "sdcadm-install";
  // A --root without /var/log is no headnode (a directory to verify a bundle in): no file.
  struct stat st {};
  if (::stat(paths.local("/var/log").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    config.file = paths.log_file;
    config.make_dirs = true;  // /var/log/sdcadm: sdcadm's setup makes it, a fresh headnode may lack it
  }
  config.stderr_level = json ? common::log::Level::warn : common::log::Level::info;
  common::log::configure(config);
}

std::string imgapi_url(const GlobalOptions& globals, const Paths& paths) {
  if (!globals.imgapi.empty()) return globals.imgapi;
  return UsbkeyConfig::load(paths.usbkey_config).imgapi_url();
}

std::optional<std::string> imgapi_url_if_known(const GlobalOptions& globals, const Paths& paths) {
  try {
    return imgapi_url(globals, paths);
  } catch (const Error& e) {
    common::log::debug(std::string("no DC IMGAPI: ") + e.what());
    return std::nullopt;
  }
}

// /usbkey/config's imgapi_domain is what compute nodes resolve; --imgapi is the fallback.
std::string agents_imgapi_domain(const GlobalOptions& globals, const Paths& paths) {
  try {
    if (auto d = UsbkeyConfig::load(paths.usbkey_config).get("imgapi_domain")) return *d;
  } catch (const Error&) {
    if (globals.imgapi.empty()) throw;
  }
  std::string host = globals.imgapi;
  const std::size_t scheme = host.find("://");
  if (scheme != std::string::npos) host = host.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  if (host.empty()) {
    throw Error(ExitCode::config, "no imgapi_domain in " + paths.usbkey_config + " and no --imgapi URL: "
                                  "say which IMGAPI nodes download agents from (--imgapi http://HOST)");
  }
  return host;
}

FileLock take_lock(const GlobalOptions& globals, const std::string& path, const std::string& what) {
  LockOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(globals.lock_wait_s * 1000));
  options.on_wait = [&](long pid) {
    std::cerr << "Waiting for " << what << (pid > 0 ? " (held by process " + std::to_string(pid) + ")" : "")
              << "\n";
  };
  return FileLock::acquire(path, what, options);
}

FileLock take_install_lock(const GlobalOptions& globals, const Paths& paths) {
  if (std::optional<FileLock> kept = FileLock::inherit(paths.install_lock, k_install_lock_fd_env)) {
    return std::move(*kept);
  }
  return take_lock(globals, paths.install_lock, "the sdcadm-install lock");
}

RunLocks take_locks(const GlobalOptions& globals, const Paths& paths) {
  FileLock install = take_install_lock(globals, paths);
  FileLock sdcadm = take_lock(globals, paths.sdcadm_lock, "sdcadm lock");
  return RunLocks{std::move(install), std::move(sdcadm)};
}

void run_reporting(bool json, const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    if (json) print_json({{"ok", false}, {"exit_code", common::to_int(e.code())}, {"error", e.what()}});
    throw;
  }
}

}  // namespace installer

namespace installer {

std::uint64_t bundle_file_size(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

void add_trust_flags(CLI::App& cmd, TrustOverrides& overrides, OverridesRecorded recorded) {
  const std::string note = recorded == OverridesRecorded::yes ? " (recorded in the history and the receipt)" : "";
  cmd.add_flag("--allow-expired", overrides.allow_expired, "Accept a bundle past its expiry date" + note);
  cmd.add_flag("--allow-rollback", overrides.allow_rollback,
               "Accept a bundle older than the newest installed on its channel" + note);
}

VerifiedBundle check_trust_or_throw(const Paths& paths, const std::string& bundle,
                                    const TrustOverrides& overrides, bool json) {
  VerifiedBundle t = check_bundle(paths, bundle, overrides);
  report_trust(t.index(), t.verdict(), json);
  // The index is trusted now, so its min_installer_version can be believed.
  check_installer_version(t.index(), running_version());
  return t;
}

VerifiedStream check_stream_or_throw(const Paths& paths, const TrustOverrides& overrides, bool json) {
  VerifiedStream t = check_stream(paths, bundles::open_bundle_source("-"), "-", overrides);
  report_trust(t.index(), t.verdict(), json);
  check_installer_version(t.index(), running_version());
  return t;
}

void report_trust(const manifest::BundleIndex& index, const signing::TrustVerdict& verdict, bool json) {
  // The log keeps who was trusted and every override and warning, whatever stderr shows.
  common::log::to_file(common::log::Level::info, "bundle " + index.bundle_id + " trusted: signed by " + signers_text(verdict),
                       {{"bundle_id", index.bundle_id}, {"channel", index.channel}, {"sequence", index.sequence},
                        {"trust_root_version", verdict.root.version()}});
  for (const auto& o : verdict.overrides) {
    common::log::to_file(common::log::Level::warn, "override --" + o.flag + ": " + o.detail, {{"bundle_id", index.bundle_id}});
  }
  for (const auto& w : verdict.warnings) common::log::to_file(common::log::Level::warn, w, {{"bundle_id", index.bundle_id}});
  if (!json) {
    std::ostream& out = std::cerr;
    out << "bundle " << index.bundle_id << " (" << index.channel << ", sequence "
        << index.sequence << ") signed by " << signers_text(verdict) << "; trust root v"
        << verdict.root.version() << (verdict.root_is_newer ? " (newer, carried by the bundle)" : "")
        << "\n";
    for (const auto& o : verdict.overrides) {
      std::string flag = o.flag;
      std::replace(flag.begin(), flag.end(), '_', '-');
      out << "override --" << flag << ": " << o.detail << "\n";
    }
    for (const auto& w : verdict.warnings) out << "warning: " << w << "\n";
    out << std::flush;
  }
}

}  // namespace installer
