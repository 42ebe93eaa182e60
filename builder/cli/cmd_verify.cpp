// `sdcadm-bundle verify BUNDLE`: hash-level verification of every member against the index
// (builder/verify_bundle.hpp: files, split bundles, standard input, --trust first). This
// file turns the arguments into options, draws the progress bar and prints the verdict; the
// output says when the signatures were not checked.

#include <builder/bundle_signatures.hpp>
#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/verify_bundle.hpp>

#include <common/error.hpp>
#include <common/progress.hpp>
#include <signing/threshold_text.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <unistd.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

struct VerifyArgs {
  std::string bundle, trust, sig;
  bool allow_expired = false;
  bool json = false;
  unsigned threads = 0;
  ProgressFlags progress;
};

// The payload pass's progress bar, for as long as the verification runs.
class VerifyProgress {
 public:
  VerifyProgress(const VerifyArgs& args, VerifyBundleOptions& options)
      : m_mode(args.progress.mode(args.json)) {
    options.pass_started = [this](const std::string& label, std::uint64_t total) {
      m_bar.emplace(label, total, m_mode);
    };
    options.pass_progress = [this](std::uint64_t done) { m_bar->update(done); };
    options.pass_finished = [this] { m_bar->finish(); };
  }
  VerifyProgress(const VerifyProgress&) = delete;
  VerifyProgress& operator=(const VerifyProgress&) = delete;

 private:
  common::ProgressMode m_mode;
  std::optional<common::Progress> m_bar;
};

BundleVerification verify(const VerifyArgs& args) {
  VerifyBundleOptions options;
  options.bundle = args.bundle;
  options.trust = args.trust;
  options.sig = args.sig;
  options.allow_expired = args.allow_expired;
  options.threads = args.threads;
  VerifyProgress progress(args, options);  // the bar lives until the pass is over
  return verify_bundle(options);
}

void print_outcome(const VerifyArgs& args, const BundleVerification& v, double seconds) {
  if (args.json) {
    common::Json j = {{"bundle", args.bundle}, {"ok", true}, {"bundle_id", v.bundle_id},
                      {"members", v.members}, {"payload_size", v.payload},
                      {"frames", v.report.frames}, {"compressed_bytes", v.report.compressed_bytes},
                      {"threads", v.report.threads}, {"streamed", v.streamed},
                      {"signatures_checked", v.verdict.has_value()}, {"elapsed_seconds", seconds}};
    if (v.verdict) {
      j["trust"] = verdict_json(*v.verdict);
      j["signers"] = j["trust"]["signers"];
    }
    if (v.beside) {
      j["beside_installer"] = {{"installer", v.beside->installer}, {"signers", v.beside->signers},
                               {"ignored", v.beside->ignored}, {"threshold", v.beside->threshold}};
    }
    print_json(j);
    return;
  }
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2fs", seconds);
  std::cout << "ok: " << (args.bundle == "-" ? std::string("standard input") : args.bundle)
            << ": " << v.members << " members (" << common::format_bytes(v.payload)
            << ") match the index of bundle " << v.bundle_id;
  if (!v.streamed) std::cout << "; " << v.report.frames << " frames on " << v.report.threads << " threads";
  std::cout << ", " << elapsed << "\n";
  if (!v.verdict) {
    std::cout << "signatures were not checked (give --trust ROOT.json to check them)\n" << std::flush;
    return;
  }
  for (const auto& w : v.verdict->warnings) std::cerr << "sdcadm-bundle: warning: " << w << "\n";
  const signing::TrustRoot& root = v.verdict->root;
  std::cout << "signed by " << signer_names(*v.verdict) << ": "
            << signing::threshold_text(root.threshold(), root.keys().size(), root.version(), v.verdict->signers.size())
            << (v.verdict->root_is_newer ? " (carried by the bundle)" : "")
            << ", from the " << v.verdict->document << "\n";
  if (v.beside) {
    std::cout << "installer beside it: " << v.beside->installer << " is the carried one, signed by";
    for (std::size_t i = 0; i < v.beside->signers.size(); ++i) std::cout << (i ? ", " : " ") << v.beside->signers[i];
    std::cout << " (" << v.beside->threshold << " required)\n";
    for (const auto& f : v.beside->ignored) std::cout << "  not counted: " << f << " (a key the trust root does not hold)\n";
  }
  std::cout << std::flush;
}

void run_verify(const VerifyArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  try {
    const BundleVerification outcome = verify(args);
    print_outcome(args, outcome,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  } catch (const Error& e) {
    // Machines get the verdict on stdout too; the error line and exit code come from main.
    if (args.json) {
      print_json({{"bundle", args.bundle}, {"ok", false}, {"exit_code", common::to_int(e.code())},
                  {"error", e.what()}});
    }
    throw;
  }
}

}  // namespace

void register_verify(CLI::App& app) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check every member of a bundle against its index (sizes, chunk SHA-256s, "
                "tar and zstd structure), in parallel; '-' reads standard input in one pass");
  cmd->add_option("BUNDLE", args->bundle,
                  "NAME.sdc, NAME.sdc.parts.json or the first part of a split bundle "
                  "(NAME.sdc.001), or - for standard input")
      ->required();
  cmd->add_flag("-j,--json", args->json, "The verdict as JSON on stdout (also on failure)");
  cmd->add_option("--trust", args->trust, "Check the signatures against this trust root first "
                                          "(the release team's root.json), and the installer beside the "
                                          "bundle with its .sig files when there is one")
      ->type_name("ROOT.json");
  cmd->add_option("--sig", args->sig, "Detached signature file to check instead of the slot "
                                      "(default: the slot, or NAME.sdc.sig beside the bundle "
                                      "when the slot is unsigned)")
      ->type_name("FILE");
  cmd->add_flag("--allow-expired", args->allow_expired,
                "With --trust: accept an expired bundle (with a warning)");
  cmd->add_option("--threads", args->threads, "Verify threads (default: one per core)")
      ->option_text("N")
      ->check(CLI::Range(0, 256));
  add_progress_flags(*cmd, args->progress);
  cmd->footer(common::exit_code_footer(
      {{ExitCode::ok, "good"},
       {ExitCode::not_found, "no such file"},
       {ExitCode::trust_unsigned},
       {ExitCode::trust_unknown_key},
       {ExitCode::trust_threshold},
       {ExitCode::trust_expired},
       {ExitCode::trust_root},
       {ExitCode::trust_mismatch, "signatures of another bundle or a changed index"},
       {ExitCode::trust_no_root}},
      {common::CodeFamily::bundle}) +
              " The trust codes come only with --trust (docs/trust.md).");
  cmd->callback([args] {
    // Without --trust no signature is checked, so these would be silently ignored.
    for (const auto& [given, flag] : {std::pair{args->allow_expired, "--allow-expired"},
                                      std::pair{!args->sig.empty(), "--sig"}}) {
      if (given && args->trust.empty()) {
        throw Error(ExitCode::usage, std::string(flag) +
                                         " only applies when signatures are checked: add --trust "
                                         "ROOT.json (the release team's root), or leave " +
                                         flag + " out");
      }
    }
    run_verify(*args);
  });
}

}  // namespace builder
