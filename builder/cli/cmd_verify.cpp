// `sdcadm-bundle verify BUNDLE`: hash-level verification of every member against the index.
// A file (or a split bundle's parts, each hashed against the parts list first, so a bad
// part is named) is checked frame by frame on every core through the seek table; "-"
// reads standard input in one streaming pass. With --trust ROOT.json the signatures are
// checked first (signing::check_bundle_trust: signers, root rotation, expiry), then the
// payload, so a signed index vouches for every byte; without it, only the payload is checked
// against the index and the output says the signatures were not.

#include <builder/bundle_signatures.hpp>
#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <common/error.hpp>
#include <common/progress.hpp>

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

struct VerifyOutcome {
  std::string bundle_id;
  std::size_t members = 0;
  std::uint64_t payload = 0;
  bundles::VerifyReport report;
  bool streamed = false;
  std::optional<signing::TrustVerdict> verdict;
};

// The signature check, before any payload byte is read.
std::optional<signing::TrustVerdict> check_signatures(const VerifyArgs& args, const std::string& path,
                                                      const std::string& index_bytes,
                                                      const manifest::BundleIndex& index,
                                                      const std::string& slot) {
  if (args.trust.empty()) return std::nullopt;
  return check_trust(args.trust, index_bytes, index, choose_signatures(path, slot, args.sig),
                     args.allow_expired);
}

// Streaming: every member is hashed as it passes and thrown away.
class Discard : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
  void commit(const manifest::BundleMember&) override {}
  void abort(const manifest::BundleMember&) noexcept override {}
};

VerifyOutcome verify_stream(const VerifyArgs& args) {
  if (::isatty(STDIN_FILENO)) {
    throw Error(common::ExitCode::usage, "verify -: standard input is a terminal; pipe a bundle "
                                         "in (curl ... | sdcadm-bundle verify -) or name a file");
  }
  bundles::StreamReader reader(bundles::open_stdin_source());
  common::Progress bar("verify standard input", 0, args.progress.mode(args.json));
  reader.on_progress([&bar](std::uint64_t done) { bar.update(done); });
  const manifest::BundleIndex index = reader.index();
  VerifyOutcome out;
  out.verdict = check_signatures(args, "-", reader.index_bytes(), index, reader.signature_slot());
  Discard discard;
  reader.read_members(discard);
  bar.finish();
  out.bundle_id = index.bundle_id;
  out.members = index.members.size();
  out.payload = index.payload_size();
  out.report.compressed_bytes = reader.bytes_read();
  out.report.content_bytes = index.payload_size();
  out.report.threads = 1;
  out.streamed = true;
  return out;
}

VerifyOutcome verify_seekable(const VerifyArgs& args) {
  const std::string path = bundle_path_argument(args.bundle);
  const auto reader = bundles::SeekableReader::open(path, bundles::PartCheck::hashes);
  VerifyOutcome out;
  out.verdict = check_signatures(args, path, reader.index_bytes(), reader.index(), reader.signature_slot());
  std::optional<common::Progress> bar;
  bar.emplace("verify " + args.bundle, reader.file_size(), args.progress.mode(args.json));
  out.report = reader.verify(args.threads, [&bar](std::uint64_t done, std::uint64_t) {
    bar->update(done);
  });
  bar->finish();
  out.bundle_id = reader.index().bundle_id;
  out.members = reader.index().members.size();
  out.payload = reader.index().payload_size();
  return out;
}

void print_outcome(const VerifyArgs& args, const VerifyOutcome& v, double seconds) {
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
  std::cout << "signed by " << signer_names(*v.verdict) << ": " << v.verdict->signers.size()
            << " of " << v.verdict->root.threshold() << " required by trust root v"
            << v.verdict->root.version() << (v.verdict->root_is_newer ? " (carried by the bundle)" : "")
            << ", from the " << v.verdict->document << "\n" << std::flush;
}

void run_verify(const VerifyArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  try {
    const VerifyOutcome outcome = args.bundle == "-" ? verify_stream(args) : verify_seekable(args);
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
                                          "(the release team's root.json)")
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
