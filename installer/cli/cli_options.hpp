#pragma once
// Pieces the sdcadm-install commands share: the global options as the library's
// HostOptions, the trust flags and report, progress flags and JSON output.

#include <common/cli_flags.hpp>
#include <common/exit_code_text.hpp>
#include <installer/cli/cli.hpp>
#include <installer/host_options.hpp>
#include <installer/paths.hpp>
#include <installer/run_observer.hpp>
#include <installer/trust_store.hpp>
#include <installer/verified_bundle.hpp>

#include <bundles/part_source.hpp>
#include <common/json.hpp>
#include <common/progress.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace installer {

using bundles::bundle_path_argument;

// The library's view of the global options (host_options.hpp), with "Waiting for <what>"
// on stderr when a lock is held for more than a second (as sdcadm prints).
HostOptions host_options(const GlobalOptions& globals);

// --progress/--no-progress and -j output: common/cli_flags.hpp.
using common::ProgressFlags;
using common::add_progress_flags;
using common::print_json;

// A library phase (run_observer.hpp) drawn as a progress bar on stderr (common/progress.hpp).
std::unique_ptr<PhaseProgress> progress_bar(const std::string& label, std::uint64_t total, common::ProgressMode mode);

// Whether a command records the overrides it was given: only apply does (its history
// and receipt); the help of the others must not promise it (issue 14 item 2).
enum class OverridesRecorded { no, yes };

// --allow-expired and --allow-rollback: audited overrides of the trust policy.
void add_trust_flags(CLI::App& cmd, TrustOverrides& overrides, OverridesRecorded recorded = OverridesRecorded::no);

// --concurrency N (images uploaded at the same time, 1-16) and --attempts N (tries per image
// on network errors and 5xx replies, 1-20) of import and stage --import; `prefix` starts
// their help ("" or "With --import: ").
void add_import_flags(CLI::App& cmd, unsigned& concurrency, int& attempts, const std::string& prefix = "");

// Unless json, says on stderr who signed the bundle, and any override or warning.
// `codes` plus 30-37, the refusals of a bundle checked against the DC's trust root (not 38:
// only plan and apply compare channels), for the footers of the commands that check one.
std::vector<common::FooterCode> with_bundle_trust_codes(std::vector<common::FooterCode> codes);

void report_trust(const manifest::BundleIndex& index, const signing::TrustVerdict& verdict, bool json);

// What most commands show of a library run (run_observer.hpp): who signed the bundle
// (report_trust, not with -j) and the progress bars (as --progress/--no-progress/-j say).
class TrustAndProgress : public RunObserver {
 public:
  TrustAndProgress(bool json, const ProgressFlags& progress) : m_json(json), m_progress(progress) {}
  void trusted(const manifest::BundleIndex& index, const signing::TrustVerdict& verdict) override {
    report_trust(index, verdict, m_json);
  }
  std::unique_ptr<PhaseProgress> phase(const std::string& label, std::uint64_t total) override {
    return progress_bar(label, total, m_progress.mode(m_json));
  }

 private:
  bool m_json;
  ProgressFlags m_progress;
};

// Runs `body`; with `json`, a common::Error is also reported on stdout as
// {"ok": false, "exit_code": N, "error": "..."} before it travels on to main.
void run_reporting(bool json, const std::function<void()>& body);

}  // namespace installer
