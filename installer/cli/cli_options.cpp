#include <installer/cli/cli_options.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <iostream>

namespace installer {

using common::Error;
using common::ExitCode;

HostOptions host_options(const GlobalOptions& globals) {
  HostOptions host;
  host.root = globals.root;
  host.imgapi = globals.imgapi;
  host.sdcadm = globals.sdcadm;
  host.sdc_server = globals.sdc_server;
  host.sdc_amonadm = globals.sdc_amonadm;
  host.lock_wait = std::chrono::milliseconds(static_cast<long long>(globals.lock_wait_s * 1000));
  // -q: only warnings and errors on stderr; -v: the log's debug lines too (docs/cli.md).
  host.stderr_level = common::quiet() ? common::log::Level::warn
                      : common::output_level() == common::OutputLevel::verbose ? common::log::Level::debug
                                                                               : common::log::Level::info;
  host.on_lock_wait = [](const std::string& what, long pid) {
    if (common::quiet()) return;
    std::cerr << "Waiting for " << what << (pid > 0 ? " (held by process " + std::to_string(pid) + ")" : "")
              << "\n";
  };
  return host;
}

namespace {

class ProgressBar final : public PhaseProgress {
 public:
  ProgressBar(const std::string& label, std::uint64_t total, common::ProgressMode mode) : m_bar(label, total, mode) {}
  void update(std::uint64_t done) override { m_bar.update(done); }
  void finish() override { m_bar.finish(); }

 private:
  common::Progress m_bar;
};

}  // namespace

std::unique_ptr<PhaseProgress> progress_bar(const std::string& label, std::uint64_t total, common::ProgressMode mode) {
  return std::make_unique<ProgressBar>(label, total, mode);
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

void add_import_flags(CLI::App& cmd, unsigned& concurrency, int& attempts, const std::string& prefix) {
  cmd.add_option("--concurrency", concurrency,
                 prefix + (prefix.empty() ? "Images" : "images") +
                     " imported at the same time (default 4, as sdcadm's own image downloads)")
      ->option_text("N")
      ->check(CLI::Range(1, 16));
  cmd.add_option("--attempts", attempts,
                 prefix + (prefix.empty() ? "Tries" : "tries") + " per image on network errors and 5xx replies (default 3)")
      ->option_text("N")
      ->check(CLI::Range(1, 20));
}

void add_trust_flags(CLI::App& cmd, TrustOverrides& overrides, OverridesRecorded recorded) {
  const std::string note = recorded == OverridesRecorded::yes ? " (recorded in the history and the receipt)" : "";
  cmd.add_flag("--allow-expired", overrides.allow_expired, "Accept a bundle past its expiry date" + note);
  cmd.add_flag("--allow-rollback", overrides.allow_rollback,
               "Accept a bundle older than the newest installed on its channel" + note);
}

std::vector<common::FooterCode> with_bundle_trust_codes(std::vector<common::FooterCode> codes) {
  using common::ExitCode;
  for (ExitCode c : {ExitCode::trust_unsigned, ExitCode::trust_unknown_key, ExitCode::trust_threshold,
                     ExitCode::trust_expired, ExitCode::trust_rollback, ExitCode::trust_root,
                     ExitCode::trust_mismatch, ExitCode::trust_no_root}) {
    codes.emplace_back(c);
  }
  return codes;
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
