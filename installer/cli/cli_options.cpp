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
  common::log::Config config;
  config.name = "sdcadm-install";
  const std::string log_dir = paths.log_file.substr(0, paths.log_file.find_last_of('/'));
  if (::stat(log_dir.c_str(), &st) == 0) config.file = paths.log_file;
  // -q and -j: only warnings and errors; -v: the debug lines too (docs/cli.md).
  config.stderr_level = json || common::quiet() ? common::log::Level::warn
                        : common::output_level() == common::OutputLevel::verbose ? common::log::Level::debug
                                                                                 : common::log::Level::info;
  common::log::configure(config);
  return paths;
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
    if (common::quiet()) return;
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
  if (!json) {
    std::ostream& out = std::cerr;
    if (!common::quiet()) {  // overrides and warnings are shown even then
      out << "bundle " << index.bundle_id << " (" << index.channel << ", sequence "
          << index.sequence << ") signed by " << signers_text(verdict) << "; trust root v"
          << verdict.root.version() << (verdict.root_is_newer ? " (newer, carried by the bundle)" : "")
          << "\n";
    }
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
