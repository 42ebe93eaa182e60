// `sdcadm-bundle build`: turns the command line into builder::BuildOptions, runs
// builder::build (resolve, fetch into the cache, sign and write the bundle; -n stops after
// the plan) and shows what it reports: status lines, progress bars, the plan or the summary
// (builder/build_report). It also owns Ctrl-C: a first one stops cleanly, exit 12, nothing
// half-written; a second one kills.
//
// DESIGN.md fixes -j as --json (sdcadm's convention), so parallel downloads are
// --concurrency N, not the "-j N" of make.

#include <builder/build.hpp>
#include <builder/cli/build_report.hpp>
#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <manifest/version_order.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

struct BuildArgs {
  std::string source, channel, inventory, since, output, cache_dir, split_size, chunk_size;
  std::string min_installer_version = k_min_installer_version;
  std::string installer;  // --installer PATH
  std::string dc_key;     // --dc-key DC.pub: --inventory is a receipt of that DC
  std::vector<std::string> services, keys, roots;
  bool all = false, dry_run = false, json = false, force = false, verify_cache = false;
  bool no_agentsshar = false, no_agent_images = false;
  bool no_delta = false;         // --no-delta: whole files even with --inventory
  bool unsigned_ = false;        // --unsigned: no --key on purpose, no warning
  bool change_channel = false;   // --change-channel: another channel than the inventory's DC
  unsigned concurrency = 4;
  int level = 3;
  std::int64_t expires_in = k_default_expires_in_days;
  std::int64_t sequence = 0;  // 0 = the build time
  ProgressFlags progress;
};

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int sig) {
  if (g_stop) {  // second signal: stop now
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
  g_stop = 1;
}

// SIGINT/SIGTERM set g_stop while a build writes; the library polls it (stop_requested).
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_old_int);
    sigaction(SIGTERM, &sa, &m_old_term);
  }
  ~StopSignals() {
    sigaction(SIGINT, &m_old_int, nullptr);
    sigaction(SIGTERM, &m_old_term, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

// The options that come from flags alone, checked in the order the flags are explained.
BuildOptions build_options(const BuildArgs& args) {
  BuildOptions options;
  options.source = args.source;
  options.channel = args.channel;
  options.services = args.services;
  options.all = args.all;
  options.include_agentsshar = !args.no_agentsshar;
  options.include_agent_images = !args.no_agent_images;
  options.inventory = args.inventory;
  options.dc_key = args.dc_key;
  options.since = args.since;
  options.output = args.output;
  options.replace_output = args.force;
  options.cache_dir = args.cache_dir;
  options.cache_check = args.verify_cache ? CacheCheck::rehash : CacheCheck::cheap;
  options.concurrency = args.concurrency;
  options.dry_run = args.dry_run;
  options.no_delta = args.no_delta;
  options.installer = args.installer;
  options.keys = args.keys;
  options.unsigned_on_purpose = args.unsigned_;
  options.change_channel = args.change_channel;
  options.roots = args.roots;
  options.user_agent = std::string("sdcadm-bundle/") + SDCB_VERSION;
  options.created_from_source_date_epoch = std::getenv("SOURCE_DATE_EPOCH") != nullptr;

  PackOptions& pack = options.pack;
  pack.created = build_time();
  if (args.sequence > 0) pack.sequence = args.sequence;
  pack.expires_in_days = args.expires_in;
  if (!manifest::parse_semver(args.min_installer_version)) {
    throw Error(ExitCode::usage, "--min-installer-version " + args.min_installer_version +
                                     ": give a semantic version X.Y.Z");
  }
  pack.min_installer_version = args.min_installer_version;
  WritePackOptions& write = options.write;
  if (!args.chunk_size.empty()) pack.chunk_size = parse_size(args.chunk_size, "--chunk-size");
  if (!args.split_size.empty()) write.split_size = parse_size(args.split_size, "--split-size");
  if (write.split_size > manifest::k_max_part_size) {
    throw Error(ExitCode::usage, "--split-size " + args.split_size +
                                     ": parts must be below 4 GiB to fit FAT32 sticks; "
                                     "use e.g. --split-size 4000M");
  }
  if (pack.chunk_size < manifest::k_min_chunk_size || pack.chunk_size > manifest::k_max_chunk_size) {
    throw Error(ExitCode::usage, "--chunk-size " + args.chunk_size + ": give 1M to 1G");
  }
  write.level = args.level;
  return options;
}

// Shows the build as it goes: status lines on stderr (not with -j), progress bars, the
// plan or the summary on stdout.
class BuildOutput : public BuildObserver {
 public:
  explicit BuildOutput(const BuildArgs& args) : m_json(args.json), m_mode(args.progress.mode(args.json)) {}

  void status(const std::string& line) override {
    if (!m_json && !common::quiet()) std::cerr << line << std::endl;
  }
  // On stderr ("sdcadm-bundle: warning: ...") and in the log (docs/logs.md).
  void warning(const std::string& message) override { common::log::warn(message); }
  void work_started() override { m_signals.emplace(); }
  void step_started(const std::string& label, std::uint64_t total) override {
    m_bar.emplace(label, total, m_mode);
  }
  void step_progress(std::uint64_t done) override { m_bar->update(done); }
  void step_finished() override { m_bar->finish(); }
  bool stop_requested() const override { return g_stop != 0; }

  void planned(const BuildPlanReport& plan) override {
    if (m_json) print_json(plan_json(plan));
    else std::cout << plan_text(plan) << std::flush;
  }

  void built(const BuildSummary& summary) override {
    if (m_json) {
      common::Json j = summary_json(summary);
      j["signatures"] = summary.signers;
      print_json(j);
      return;
    }
    std::cout << summary_text(summary);
    if (!summary.signers.empty()) {
      std::cout << "signed by " << summary.signers.size()
                << (summary.signers.size() == 1 ? " key:" : " keys:");
      for (const auto& id : summary.signers) std::cout << " " << id.substr(0, 12);
      std::cout << "\n";
    }
    std::cout << std::flush;
  }

 private:
  bool m_json;
  common::ProgressMode m_mode;
  std::optional<StopSignals> m_signals;
  std::optional<common::Progress> m_bar;
};

void run_build(const BuildArgs& args) {
  const BuildOptions options = build_options(args);
  BuildOutput output(args);
  build(options, output);
}

}  // namespace

void register_build(CLI::App& app) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* cmd = app.add_subcommand(
      "build", "Resolve the latest images on an updates server, download and verify them, and "
               "write one bundle (NAME.sdc) for an air-gapped DC");
  cmd->add_option("SERVICE", args->services,
                  "What to bundle: SERVICE, SERVICE@UUID or SERVICE@VERSION (a SAPI service, an "
                  "agent, agentsshar, gz-tools, platform or sdcadm)");
  cmd->add_flag("--all", args->all, "Everything: every core service and agent, agentsshar, "
                                    "gz-tools, platform and sdcadm (SERVICE@PIN entries pin)");
  cmd->add_option("-S,--source", args->source, "Updates server URL (an IMGAPI with channels)")
      ->type_name("URL")
      ->required();
  cmd->add_option("-C,--channel", args->channel,
                  "Channel to resolve in (default: the --inventory DC's update channel, else the server's)")
      ->type_name("CHANNEL");
  cmd->add_option("--inventory", args->inventory,
                  "DC inventory (sdcadm-install inventory -o DC.json, or an install receipt with --dc-key): "
                  "bundle only what that DC lacks; its digest is recorded in the index")
      ->type_name("DC.json|RECEIPT");
  cmd->add_flag("--change-channel", args->change_channel,
                "With --inventory: build for -C CHANNEL although the DC is on another (its operator moves it with "
                "apply --change-channel); without this, another channel than the inventory's is exit 38");
  cmd->add_option("--dc-key", args->dc_key,
                  "With --inventory RECEIPT (an install receipt, sdcadm-install receipt --last -o FILE): the DC's "
                  "public key; the receipt must verify against it (docs/receipt.md)")
      ->type_name("DC.pub");
  cmd->add_option("--since", args->since, "Changelogs start after this VERSION or DATE")
      ->type_name("VERSION|DATE");
  cmd->add_option("-o,--output", args->output,
                  "Bundle file (default: sdc-<channel>-<YYYYMMDDTHHMMSSZ>.sdc here)")
      ->type_name("OUT.sdc");
  cmd->add_option("--cache-dir", args->cache_dir,
                  "Download cache (default: $XDG_CACHE_HOME/sdcadm-bundle or "
                  "~/.cache/sdcadm-bundle); files are reused by SHA-1 across builds")
      ->type_name("DIR");
  cmd->add_flag("--verify-cache", args->verify_cache,
                "Re-hash cached files instead of trusting their size and recorded hashes");
  cmd->add_option("--split-size", args->split_size,
                  "Cut the bundle into NAME.sdc.001, ... of SIZE bytes (K/M/G suffixes; below "
                  "4 GiB for FAT32, e.g. 4000M) plus NAME.sdc.parts.json")
      ->type_name("SIZE");
  cmd->add_flag("-n,--dry-run", args->dry_run, "Show what would be fetched, from where, what is "
                                               "cached, and the bundle size; write nothing");
  cmd->add_flag("-j,--json", args->json, "Machine-readable output (JSON) on stdout");
  cmd->add_flag("--force", args->force, "Replace an existing output file");
  cmd->add_option("--concurrency", args->concurrency,
                  "Parallel downloads (-j is --json, as in sdcadm)")
      ->option_text("N")
      ->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--level", args->level, "zstd compression level")
      ->option_text("L")
      ->check(CLI::Range(1, 19))->capture_default_str();
  cmd->add_option("--expires-in", args->expires_in, "Days until the bundle expires")
      ->option_text("DAYS")
      ->check(CLI::Range(1, 3650))->capture_default_str();
  cmd->add_option("--sequence", args->sequence,
                  "Anti-rollback sequence number (default: the build time in seconds)")
      ->option_text("N")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-installer-version", args->min_installer_version,
                  "The oldest sdcadm-install that may install this bundle (older ones refuse it "
                  "with exit 44 unless the bundle carries an installer)")
      ->type_name("X.Y.Z")->capture_default_str();
  cmd->add_option("--installer", args->installer,
                  "Carry this sdcadm-install binary (member installer/sdcadm-install; its version "
                  "from `PATH --version`): an older installer on the headnode updates itself first. "
                  "Also written beside the bundle as sdcadm-install with one sdcadm-install.KEYID.sig per --key, "
                  "for a headnode's first install")
      ->type_name("PATH");
  cmd->add_option("--chunk-size", args->chunk_size,
                  "Bytes per hashed chunk and zstd frame (1M..1G; default 64M)")
      ->type_name("SIZE");
  cmd->add_option("--key", args->keys, "Sign the bundle with this private key as it is written "
                                       "(repeatable; more can sign later with sdcadm-bundle sign)")
      ->type_name("PRIV.pem");
  cmd->add_flag("--unsigned", args->unsigned_,
                "Build an unsigned bundle on purpose (to be signed later with sdcadm-bundle sign): without "
                "--key or this, the build warns that every DC refuses the bundle (exit 30)");
  cmd->add_option("--root", args->roots, "A newer trust root the bundle carries (repeatable; "
                                         "see docs/trust.md, rotation)")
      ->type_name("ROOT.json");
  cmd->add_flag("--no-delta", args->no_delta,
                "With --inventory: ship whole image files only (format v1, read by every installer), no patches "
                "against the images the DC runs (docs/release-engineer-guide.md, deltas)");
  cmd->add_flag("--no-agentsshar", args->no_agentsshar, "With --all: leave out the agentsshar");
  cmd->add_flag("--no-agent-images", args->no_agent_images,
                "With --all: leave out the individual agent images");
  add_progress_flags(*cmd, args->progress);
  cmd->footer("The build time is SOURCE_DATE_EPOCH when set: the same inputs then give a "
              "byte-identical bundle (docs/release-engineer-guide.md). " +
              common::exit_code_footer({{ExitCode::no_space},
                                        {ExitCode::network},
                                        {ExitCode::remote_error},
                                        {ExitCode::integrity, "bad download"},
                                        {ExitCode::not_found},
                                        {ExitCode::conflict, "output exists (--force replaces it)"},
                                        {ExitCode::interrupted},
                                        {ExitCode::trust_channel, "--inventory's DC is on another channel than -C (--change-channel)"},
                                        {ExitCode::unknown_channel},
                                        {ExitCode::origin_loop}}));
  cmd->callback([args] { run_build(*args); });
}

}  // namespace builder
