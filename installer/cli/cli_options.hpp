#pragma once
// Pieces the sdcadm-install commands share: the headnode paths and IMGAPI URL from the
// global options, logging, the two locks, progress flags and JSON output.

#include <common/cli_flags.hpp>
#include <common/exit_code_text.hpp>
#include <installer/cli/cli.hpp>
#include <installer/lock.hpp>
#include <installer/paths.hpp>
#include <installer/trust_store.hpp>
#include <installer/verified_bundle.hpp>

#include <bundles/part_source.hpp>
#include <common/json.hpp>
#include <common/progress.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace installer {

using bundles::bundle_path_argument;

// Paths under --root, and the bunyan log (ROOT/var/log/sdcadm-install.log) configured
// for this run: info lines on stderr, warnings only with --json.
Paths start_run(const GlobalOptions& globals, bool json);

// --imgapi, else http://<imgapi_domain> from ROOT/usbkey/config (Error(config) when
// neither says).
std::string imgapi_url(const GlobalOptions& globals, const Paths& paths);
// The same, or nullopt instead of an error (verify works without a DC).
std::optional<std::string> imgapi_url_if_known(const GlobalOptions& globals, const Paths& paths);

// The IMGAPI host[:port] the agents bootstrap downloads from on compute nodes
// (docs/agents.md): /usbkey/config's imgapi_domain, else the host of --imgapi.
// Error(config) when neither says.
std::string agents_imgapi_domain(const GlobalOptions& globals, const Paths& paths);

// The installer's own lock, then the sdcadm lock, waiting up to --lock-wait each and
// saying so on stderr after a second ("Waiting for sdcadm lock", as sdcadm prints).
// Release order is the reverse (members are destroyed in reverse order).
struct RunLocks {
  FileLock install;
  FileLock sdcadm;
};
RunLocks take_locks(const GlobalOptions& globals, const Paths& paths);
// One lock, for commands that must not hold the sdcadm lock while sdcadm runs.
FileLock take_lock(const GlobalOptions& globals, const std::string& path, const std::string& what);

// The environment variable through which a self-updating apply hands its installer lock
// to the new binary it execs (FileLock::keep_across_exec / inherit).
inline constexpr const char* k_install_lock_fd_env = "SDCB_INSTALLER_LOCK_FD";
// The installer's own lock: inherited from the predecessor that re-executed this process
// (self-update: the lock is never free in between), else taken as take_lock does.
FileLock take_install_lock(const GlobalOptions& globals, const Paths& paths);

// --progress/--no-progress and -j output: common/cli_flags.hpp.
using common::ProgressFlags;
using common::add_progress_flags;
using common::print_json;

// Whether a command records the overrides it was given: only apply does (its history
// and receipt); the help of the others must not promise it (issue 14 item 2).
enum class OverridesRecorded { no, yes };

// --allow-expired and --allow-rollback: audited overrides of the trust policy.
void add_trust_flags(CLI::App& cmd, TrustOverrides& overrides, OverridesRecorded recorded = OverridesRecorded::no);

// Unless json, says on stderr who signed the bundle, and any override or warning.
void report_trust(const manifest::BundleIndex& index, const signing::TrustVerdict& verdict, bool json);
// Checks `bundle` against the DC's trust (check_bundle), then report_trust, then the
// installer version it needs (check_installer_version: Error(installer_too_old)).
VerifiedBundle check_trust_or_throw(const Paths& paths, const std::string& bundle,
                                    const TrustOverrides& overrides, bool json);
// The same for standard input: reads the index and slot from the stream and checks them
// before anything else is read (check_stream).
VerifiedStream check_stream_or_throw(const Paths& paths, const TrustOverrides& overrides, bool json);


// Runs `body`; with `json`, a common::Error is also reported on stdout as
// {"ok": false, "exit_code": N, "error": "..."} before it travels on to main.
void run_reporting(bool json, const std::function<void()>& body);


// Size of a bundle file for progress bars; 0 for "-", parts and anything not a file.
std::uint64_t bundle_file_size(const std::string& path);

}  // namespace installer
