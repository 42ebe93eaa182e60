// `sdcadm-bundle build`: resolve what to ship (builder/resolve), fetch the files into the
// cache (builder/fetch), write the bundle (builder/pack). -n stops after the plan. This file
// turns the command line into those calls, checks free space, draws the progress bars,
// handles Ctrl-C (a first one stops cleanly, exit 12, nothing half-written; a second one
// kills), and prints the plan or the summary (builder/build_report).
//
// --key/--root sign the bundle as it is written: the signatures cover the index, which is
// known before the first byte, so they go straight into the slot and a failed signing (a
// bad key file, a slot overflow) is caught before anything is downloaded or written.
//
// DESIGN.md fixes -j as --json (sdcadm's convention), so parallel downloads are
// --concurrency N, not the "-j N" of make.

#include <builder/cli/build_report.hpp>
#include <builder/bundle_signatures.hpp>
#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/installer_binary.hpp>
#include <builder/receipt_file.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>
#include <manifest/inventory.hpp>
#include <manifest/version_order.hpp>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
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
  unsigned concurrency = 4;
  int level = 3;
  std::int64_t expires_in = k_default_expires_in_days;
  std::int64_t sequence = 0;  // 0 = the build time
  ProgressFlags progress;
};

volatile std::sig_atomic_t g_stop = 0;

// The inventory --inventory names: a JSON inventory, or the inventory inside an install
// receipt, which must verify against --dc-key first (docs/receipt.md). A receipt's inventory
// member is byte for byte what `sdcadm-install inventory` wrote, so the trim and its recorded
// digest are what that file would give.
std::string inventory_bytes(const BuildArgs& args) {
  const bool receipt = is_receipt_file(args.inventory);
  if (!receipt) {
    if (!args.dc_key.empty()) {
      throw Error(ExitCode::usage, "--dc-key is for a receipt, and this is not one (a JSON inventory is read as it is)");
    }
    return common::read_small_file(args.inventory, manifest::k_inventory_max_bytes + 1);
  }
  if (args.dc_key.empty()) {
    throw Error(ExitCode::usage, "this is an install receipt: give the DC's public key with --dc-key DC.pub "
                                 "(sdcadm-install trust dc-key -o DC.pub on the DC) so it is checked before it is used");
  }
  const signing::VerifiedReceipt v = read_verified_receipt(args.inventory, args.dc_key);
  if (v.inventory_bytes.empty()) {
    const common::Json& why = v.receipt["inventory_error"];
    throw Error(ExitCode::bad_data, "the receipt carries no inventory (" +
                                        (why.is_string() ? why.get<std::string>() : std::string("none")) +
                                        "); use a receipt of a run that ended, or sdcadm-install inventory");
  }
  return v.inventory_bytes;
}

extern "C" void on_stop_signal(int sig) {
  if (g_stop) {  // second signal: stop now
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
  g_stop = 1;
}

// SIGINT/SIGTERM set g_stop while a build runs; the fetch and the writer poll it.
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
  static void check() {
    if (g_stop) {
      throw Error(ExitCode::interrupted, "stopped by a signal; nothing half-written was kept "
                                         "(finished downloads stay in the cache for the next run)");
    }
  }

 private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string default_output(const std::string& channel, std::int64_t created) {
  std::string safe;
  for (char c : channel) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  return "sdc-" + safe + "-" + compact_utc(created) + ".sdc";
}

ResolveRequest make_request(const BuildArgs& args, const manifest::Inventory* inventory) {
  if (args.services.empty() && !args.all) {
    throw Error(ExitCode::usage, "build: say what to bundle: SERVICE... (e.g. imgapi "
                                 "sapi@<uuid>) or --all");
  }
  ResolveRequest request;
  if (!args.channel.empty()) request.channel = args.channel;
  for (const auto& s : args.services) request.selections.push_back(parse_selection(s));
  request.all = args.all;
  request.inventory = inventory;
  if (!args.since.empty()) request.since = args.since;
  request.include_agentsshar = !args.no_agentsshar;
  request.include_agent_images = !args.no_agent_images;
  return request;
}

// The output (or its parts list) must not exist unless --force.
void check_output(const BuildArgs& args, const std::string& output) {
  for (const std::string& path : {output, output + ".parts.json"}) {
    if (exists(path) && !args.force) {
      throw Error(ExitCode::conflict, path + " already exists; choose another name with -o, "
                                             "or pass --force to replace it");
    }
  }
}

// "" when the downloads and the bundle fit, else why not.
std::string space_problem(const std::string& cache_root, std::uint64_t download_bytes,
                          const std::string& output, std::uint64_t bundle_bytes, bool split) {
  const FreeSpace cache = free_space(cache_root);
  const FreeSpace out = free_space(dir_of(output));
  // Splitting copies the bundle into parts before the single file is removed.
  const std::uint64_t out_need = bundle_bytes * (split ? 2 : 1);
  const bool same = cache.device == out.device && cache.bytes != UINT64_MAX;
  std::string problem;
  if (same && download_bytes + out_need > cache.bytes) {
    problem = "need " + common::format_bytes(download_bytes + out_need) + " in " + cache_root +
              " and " + dir_of(output) + " (one file system), " +
              common::format_bytes(cache.bytes) + " free";
  } else if (!same && cache.bytes != UINT64_MAX && download_bytes > cache.bytes) {
    problem = "need " + common::format_bytes(download_bytes) + " for downloads in " + cache_root +
              ", " + common::format_bytes(cache.bytes) + " free";
  } else if (!same && out.bytes != UINT64_MAX && out_need > out.bytes) {
    problem = "need " + common::format_bytes(out_need) + " for the bundle in " + dir_of(output) +
              ", " + common::format_bytes(out.bytes) + " free";
  }
  if (!problem.empty()) {
    problem += "; free space, or put the cache (--cache-dir) or the bundle (-o) elsewhere";
  }
  return problem;
}

std::uint64_t bytes_to_download(const std::vector<FetchPlanEntry>& files) {
  std::uint64_t total = 0;
  for (const auto& f : files) total += f.state == CacheState::miss ? f.item.file.size : 0;
  return total;
}

class BuildRun {
 public:
  explicit BuildRun(const BuildArgs& args) : m_args(args) {}

  void run() {
    m_start = Clock::now();
    const std::int64_t created = build_time();
    load_options(created);
    imgapi::ClientOptions client_options;
    client_options.http.user_agent = std::string("sdcadm-bundle/") + SDCB_VERSION;
    imgapi::Client updates(m_args.source, client_options);
    status("resolving on " + m_args.source +
           (m_args.channel.empty() ? "" : " (channel " + m_args.channel + ")"));
    m_resolution = resolve(updates, make_request(m_args, m_inventory ? &*m_inventory : nullptr));
    m_resolved = Clock::now();
    const std::string output =
        m_args.output.empty() ? default_output(m_resolution.channel, created) : m_args.output;
    const Cache cache(m_args.cache_dir.empty() ? Cache::default_root() : m_args.cache_dir);
    const auto items = fetch_items(m_resolution);
    BuildPlanReport plan{&m_resolution, plan_fetch(cache, items, m_pack.chunk_size), output,
                         cache.root(), 0, m_write.split_size, ""};
    plan.estimated_size = estimated_bundle_size(plan_pack_estimate(m_resolution, m_pack));
    plan.space_problem = space_problem(cache.root(), bytes_to_download(plan.files), output,
                                       plan.estimated_size, m_write.split_size > 0);
    if (m_args.dry_run) {
      if (m_args.json) print_json(plan_json(plan));
      else std::cout << plan_text(plan) << std::flush;
      return;
    }
    check_output(m_args, output);
    if (!plan.space_problem.empty()) throw Error(ExitCode::no_space, "not enough space: " + plan.space_problem);
    build(cache, items, plan, output);
  }

 private:
  void load_options(std::int64_t created) {
    m_pack.created = created;
    if (m_args.sequence > 0) m_pack.sequence = m_args.sequence;
    m_pack.expires_in_days = m_args.expires_in;
    if (!manifest::parse_semver(m_args.min_installer_version)) {
      throw Error(ExitCode::usage, "--min-installer-version " + m_args.min_installer_version +
                                       ": give a semantic version X.Y.Z");
    }
    m_pack.min_installer_version = m_args.min_installer_version;
    if (!m_args.chunk_size.empty()) m_pack.chunk_size = parse_size(m_args.chunk_size, "--chunk-size");
    if (!m_args.split_size.empty()) m_write.split_size = parse_size(m_args.split_size, "--split-size");
    if (m_write.split_size > manifest::k_max_part_size) {
      throw Error(ExitCode::usage, "--split-size " + m_args.split_size +
                                       ": parts must be below 4 GiB to fit FAT32 sticks; "
                                       "use e.g. --split-size 4000M");
    }
    if (m_pack.chunk_size < manifest::k_min_chunk_size || m_pack.chunk_size > manifest::k_max_chunk_size) {
      throw Error(ExitCode::usage, "--chunk-size " + m_args.chunk_size + ": give 1M to 1G");
    }
    if (!m_args.installer.empty()) m_pack.installer = describe_installer(m_args.installer, m_pack.chunk_size);
    m_write.level = m_args.level;
    if (!m_args.inventory.empty()) {
      try {
        m_inventory = manifest::Inventory::parse(inventory_bytes(m_args));
      } catch (const Error& e) {
        throw e.with_context("--inventory " + m_args.inventory +
                             " (write it on the DC's headnode with sdcadm-install inventory)");
      }
      m_pack.inventory = &*m_inventory;
    }
    // Checks the expiry (and the build time) before anything is downloaded.
    const std::int64_t expires = created + m_args.expires_in * 86400;
    const std::string expires_text = rfc3339_utc(expires);
    // A reproducible build with an old SOURCE_DATE_EPOCH can produce a bundle that every DC
    // refuses as expired: say so now, not when the operator is in the datacenter.
    if (expires <= static_cast<std::int64_t>(std::time(nullptr))) {
      std::cerr << "sdcadm-bundle: warning: the bundle will be expired when it is written ("
                << "created " << rfc3339_utc(created)
                << (std::getenv("SOURCE_DATE_EPOCH") ? " from SOURCE_DATE_EPOCH" : "")
                << " + " << m_args.expires_in << " days = " << expires_text
                << "); installers refuse it unless --allow-expired. Raise --expires-in or "
                   "SOURCE_DATE_EPOCH."
                << std::endl;
    }
    m_signing = load_signing_inputs(m_args.keys, m_args.roots);
  }

  void build(const Cache& cache, const std::vector<FetchItem>& items,
             const BuildPlanReport& plan, const std::string& output) {
    StopSignals signals;
    const common::ProgressMode mode = m_args.progress.mode(m_args.json);
    FetchOptions fetch_options;
    fetch_options.source_url = m_args.source;
    fetch_options.concurrency = m_args.concurrency;
    fetch_options.chunk_size = m_pack.chunk_size;
    fetch_options.check = m_args.verify_cache ? CacheCheck::rehash : CacheCheck::cheap;
    fetch_options.cancelled = [] { return g_stop != 0; };
    fetch_options.client.http.user_agent = std::string("sdcadm-bundle/") + SDCB_VERSION;
    const std::uint64_t download = bytes_to_download(plan.files);
    std::optional<common::Progress> bar;
    if (download > 0) {
      std::size_t files = 0;
      for (const auto& f : plan.files) files += f.state == CacheState::miss ? 1 : 0;
      bar.emplace("download " + std::to_string(files) + (files == 1 ? " file" : " files"),
                  download, mode);
      fetch_options.progress = [&bar](std::uint64_t done, std::uint64_t) { bar->update(done); };
    }
    FetchResult fetched;
    try {
      fetched = fetch(cache, items, fetch_options);
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted && g_stop) StopSignals::check();
      throw;
    }
    if (bar) bar->finish();
    StopSignals::check();
    const auto fetched_at = Clock::now();

    const PackPlan pack = plan_pack(m_resolution, fetched.by_sha1, m_pack);
    std::vector<std::string> signers;
    if (!m_signing.empty()) {
      auto doc = signing::SignatureDocument::for_bundle(pack.index.bundle_id, pack.index_bytes);
      apply_signing(doc, m_signing, pack.index.bundle_id, pack.index_bytes);
      m_write.signature_json = slot_json(doc);
      for (const auto& s : doc.signatures()) signers.push_back(s.keyid);
    }
    bar.emplace("write " + output, pack.index.payload_size(), mode);
    m_write.progress = [&bar](std::uint64_t done, std::uint64_t) {
      StopSignals::check();
      bar->update(done);
    };
    const PackResult result = write_pack(pack, output, m_pack.created, m_write);
    bar->finish();
    const auto end = Clock::now();
    BuildSummary summary{&m_resolution, &pack, &result, &fetched, seconds(m_start, end)};
    summary.resolve_seconds = seconds(m_start, m_resolved);
    summary.fetch_seconds = seconds(m_resolved, fetched_at);
    summary.write_seconds = seconds(fetched_at, end);
    if (m_args.json) {
      common::Json j = summary_json(summary);
      j["signatures"] = signers;
      print_json(j);
      return;
    }
    std::cout << summary_text(summary);
    if (!signers.empty()) {
      std::cout << "signed by " << signers.size() << (signers.size() == 1 ? " key:" : " keys:");
      for (const auto& id : signers) std::cout << " " << id.substr(0, 12);
      std::cout << "\n";
    }
    std::cout << std::flush;
  }

  void status(const std::string& line) const {
    if (!m_args.json && !common::quiet()) std::cerr << line << std::endl;
  }

  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }

  const BuildArgs& m_args;
  Clock::time_point m_start, m_resolved;
  PackOptions m_pack;
  WritePackOptions m_write;
  std::optional<manifest::Inventory> m_inventory;
  SigningInputs m_signing;
  Resolution m_resolution;
};

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
  cmd->add_option("-C,--channel", args->channel, "Channel to resolve in (default: the server's)")
      ->type_name("CHANNEL");
  cmd->add_option("--inventory", args->inventory,
                  "DC inventory (sdcadm-install inventory -o DC.json, or an install receipt with --dc-key): "
                  "bundle only what that DC lacks; its digest is recorded in the index")
      ->type_name("DC.json|RECEIPT");
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
                  "from `PATH --version`): an older installer on the headnode updates itself first")
      ->type_name("PATH");
  cmd->add_option("--chunk-size", args->chunk_size,
                  "Bytes per hashed chunk and zstd frame (1M..1G; default 64M)")
      ->type_name("SIZE");
  cmd->add_option("--key", args->keys, "Sign the bundle with this private key as it is written "
                                       "(repeatable; more can sign later with sdcadm-bundle sign)")
      ->type_name("PRIV.pem");
  cmd->add_option("--root", args->roots, "A newer trust root the bundle carries (repeatable; "
                                         "see docs/trust.md, rotation)")
      ->type_name("ROOT.json");
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
                                        {ExitCode::unknown_channel},
                                        {ExitCode::origin_loop}}));
  cmd->callback([args] { BuildRun(*args).run(); });
}

}  // namespace builder
