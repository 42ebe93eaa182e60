#include <builder/build.hpp>

#include <builder/build_warnings.hpp>
#include <builder/bundle_signatures.hpp>
#include <builder/disk_space.hpp>
#include <builder/installer_beside.hpp>
#include <builder/installer_binary.hpp>
#include <builder/output_path.hpp>
#include <builder/receipt_file.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>
#include <imgapi/client.hpp>
#include <manifest/inventory.hpp>

#include <cctype>
#include <map>
#include <mutex>
#include <chrono>
#include <ctime>
#include <optional>
#include <sys/stat.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;
using common::dir_of;
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The inventory --inventory names: a JSON inventory, or the inventory inside an install
// receipt, which must verify against --dc-key first (docs/receipt.md). A receipt's inventory
// member is byte for byte what `sdcadm-install inventory` wrote, so the trim and its recorded
// digest are what that file would give.
std::string inventory_bytes(const BuildOptions& options) {
  const bool receipt = is_receipt_file(options.inventory);
  if (!receipt) {
    if (!options.dc_key.empty()) {
      throw Error(ExitCode::usage, "--dc-key is for a receipt, and this is not one (a JSON inventory is read as it is)");
    }
    return common::read_small_file(options.inventory, manifest::k_inventory_max_bytes + 1);
  }
  if (options.dc_key.empty()) {
    throw Error(ExitCode::usage, "this is an install receipt: give the DC's public key with --dc-key DC.pub "
                                 "(sdcadm-install trust dc-key -o DC.pub on the DC) so it is checked before it is used");
  }
  const signing::VerifiedReceipt v = read_verified_receipt(options.inventory, options.dc_key);
  if (v.inventory_bytes.empty()) {
    const common::Json& why = v.receipt["inventory_error"];
    throw Error(ExitCode::bad_data, "the receipt carries no inventory (" +
                                        (why.is_string() ? why.get<std::string>() : std::string("none")) +
                                        "); use a receipt of a run that ended, or sdcadm-install inventory");
  }
  return v.inventory_bytes;
}

Error stopped() {
  return Error(ExitCode::interrupted, "stopped by a signal; nothing half-written was kept "
                                      "(finished downloads stay in the cache for the next run)");
}

void check_stop(const BuildObserver& observer) {
  if (observer.stop_requested()) throw stopped();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string default_output(const std::string& channel, std::int64_t created) {
  std::string safe;
  for (char c : channel) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  return "sdc-" + safe + "-" + compact_utc(created) + ".sdc";
}

ResolveRequest make_request(const BuildOptions& options, const manifest::Inventory* inventory) {
  if (options.services.empty() && !options.all) {
    throw Error(ExitCode::usage, "build: say what to bundle: SERVICE... (e.g. imgapi "
                                 "sapi@<uuid>) or --all");
  }
  ResolveRequest request;
  request.channel = channel_to_resolve(options.channel, inventory);
  for (const auto& s : options.services) request.selections.push_back(parse_selection(s));
  request.all = options.all;
  request.inventory = inventory;
  if (!options.since.empty()) request.since = options.since;
  request.include_agentsshar = options.include_agentsshar;
  request.include_agent_images = options.include_agent_images;
  return request;
}

// The output (or its parts list) must not exist unless it may be replaced (--force).
void check_output(const BuildOptions& options, const std::string& output) {
  for (const std::string& path : {output, output + ".parts.json"}) {
    if (exists(path) && !options.replace_output) {
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

// One build: the inputs read before anything is asked of the server, then the steps.
class BuildRun {
 public:
  BuildRun(const BuildOptions& options, BuildObserver& observer)
      : m_options(options), m_observer(observer), m_pack(options.pack), m_write(options.write) {}

  void run() {
    m_start = Clock::now();
    load_inputs();
    // Every argument is checked before the first request to the server.
    const ResolveRequest request = make_request(m_options, m_inventory ? &*m_inventory : nullptr);
    check_output_path(m_options.output);
    if (!m_options.output.empty() && !m_options.dry_run) {
      check_output(m_options, m_options.output);
      check_beside_files(beside(m_options.output), m_options.replace_output);
    }
    // The arguments hold: say now, not in the datacenter, that no DC will take this bundle.
    if (m_options.keys.empty() && !m_options.unsigned_on_purpose) m_observer.warning(unsigned_bundle_warning());
    imgapi::ClientOptions client_options;
    client_options.http.user_agent = m_options.user_agent;
    imgapi::Client updates(m_options.source, client_options);
    m_observer.status("resolving on " + m_options.source + (request.channel ? " (channel " + *request.channel + ")" : ""));
    m_resolution = resolve(updates, request);
    m_resolved = Clock::now();
    log_resolution();
    const std::string output = m_options.output.empty()
                                   ? default_output(m_resolution.channel, m_pack.created)
                                   : m_options.output;
    const Cache cache(m_options.cache_dir.empty() ? Cache::default_root() : m_options.cache_dir);
    auto items = fetch_items(m_resolution);
    std::vector<DeltaOutcome> deltas;
    const bool make_delta = m_inventory && !m_options.no_delta;
    if (make_delta) {
      deltas = plan_deltas(m_resolution);
      for (FetchItem& base : base_fetch_items(m_resolution, deltas)) items.push_back(std::move(base));
    }
    BuildPlanReport plan{&m_resolution, plan_fetch(cache, items, m_pack.chunk_size), output,
                         cache.root(), 0, m_write.split_size, ""};
    plan.deltas_considered = make_delta;
    plan.deltas = deltas;
    // Without patch sizes (known once encoded) the estimate is the full bundle's: an upper bound.
    plan.estimated_size = estimated_bundle_size(plan_pack_estimate(m_resolution, m_pack));
    plan.space_problem = space_problem(cache.root(),
                                       bytes_to_download(plan.files) +
                                           delta_disk_reserve(deltas, m_options.delta_workers),
                                       output, plan.estimated_size, m_write.split_size > 0);
    plan.beside = beside(output);
    if (m_options.dry_run) {
      m_observer.planned(plan);
      return;
    }
    check_output(m_options, output);
    check_beside_files(plan.beside, m_options.replace_output);
    if (!plan.space_problem.empty()) throw Error(ExitCode::no_space, "not enough space: " + plan.space_problem);
    fetch_and_write(cache, items, plan, output, std::move(deltas));
  }

 private:
  // The carried installer, the inventory, the expiry and the signing inputs: each fails
  // before anything is downloaded.
  void load_inputs() {
    if (m_options.unsigned_on_purpose && !m_options.keys.empty()) {
      throw Error(ExitCode::usage, "--unsigned and --key contradict each other: give one of them");
    }
    if (!m_options.installer.empty()) {
      m_pack.installer = describe_installer(m_options.installer, m_pack.chunk_size);
    }
    if (!m_options.inventory.empty()) {
      try {
        m_inventory = manifest::Inventory::parse(inventory_bytes(m_options));
      } catch (const Error& e) {
        throw e.with_context("--inventory " + m_options.inventory +
                             " (write it on the DC's headnode with sdcadm-install inventory)");
      }
      m_pack.inventory = &*m_inventory;
    }
    const std::int64_t expires = m_pack.created + m_pack.expires_in_days * 86400;
    // A reproducible build with an old SOURCE_DATE_EPOCH can produce a bundle that every DC
    // refuses as expired: say so now, not when the operator is in the datacenter.
    if (expires <= static_cast<std::int64_t>(std::time(nullptr))) {
      m_observer.warning("the bundle will be expired when it is written (created " +
                         rfc3339_utc(m_pack.created) +
                         (m_options.created_from_source_date_epoch ? " from SOURCE_DATE_EPOCH" : "") +
                         " + " + std::to_string(m_pack.expires_in_days) + " days = " +
                         rfc3339_utc(expires) +
                         "); installers refuse it unless --allow-expired. Raise --expires-in or "
                         "SOURCE_DATE_EPOCH.");
    }
    m_signing = load_signing_inputs(m_options.keys, m_options.roots);
  }

  // The candidates' patches (builder/delta_members.hpp), one progress step over the files'
  // sizes.
  void make_delta_members(const Cache& cache, std::vector<DeltaOutcome>& deltas,
                          const std::map<std::string, CachedFile>& files) {
    std::uint64_t total = 0;
    std::size_t candidates = 0;
    for (const auto& d : deltas) {
      if (!d.candidate) continue;
      total += d.full_size;
      candidates += 1;
    }
    if (candidates == 0) return;
    m_observer.step_started("make " + std::to_string(candidates) + (candidates == 1 ? " delta" : " deltas"), total);
    std::mutex mutex;
    std::uint64_t done = 0;
    DeltaOptions options;
    options.chunk_size = m_pack.chunk_size;
    options.workers = m_options.delta_workers;
    options.cancelled = [this] { return m_observer.stop_requested(); };
    options.done = [&](const DeltaOutcome& outcome) {
      std::lock_guard<std::mutex> lock(mutex);
      done += outcome.full_size;
      m_observer.step_progress(done);
      common::log::info(outcome.is_delta() ? "delta for " + outcome.name + "@" + outcome.version
                                           : "full file for " + outcome.name + "@" + outcome.version,
                        {{"uuid", outcome.uuid}, {"base", outcome.base_uuid}, {"full_size", outcome.full_size},
                         {"patch_size", outcome.patch_size()}, {"reason", outcome.reason},
                         {"patch_from_cache", outcome.patch_from_cache},
                         {"encode_seconds", outcome.encode_seconds}, {"verify_seconds", outcome.verify_seconds}});
    };
    try {
      make_deltas(cache, m_resolution, deltas, files, options);
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted) check_stop(m_observer);
      throw;
    }
    m_observer.step_finished();
  }

  void fetch_and_write(const Cache& cache, const std::vector<FetchItem>& items,
                       const BuildPlanReport& plan, const std::string& output,
                       std::vector<DeltaOutcome> deltas) {
    m_observer.work_started();
    FetchOptions fetch_options;
    fetch_options.source_url = m_options.source;
    fetch_options.concurrency = m_options.concurrency;
    fetch_options.chunk_size = m_pack.chunk_size;
    fetch_options.check = m_options.cache_check;
    fetch_options.cancelled = [this] { return m_observer.stop_requested(); };
    fetch_options.client.http.user_agent = m_options.user_agent;
    const std::uint64_t download = bytes_to_download(plan.files);
    if (download > 0) {
      std::size_t files = 0;
      for (const auto& f : plan.files) files += f.state == CacheState::miss ? 1 : 0;
      m_observer.step_started("download " + std::to_string(files) + (files == 1 ? " file" : " files"),
                              download);
      fetch_options.progress = [this](std::uint64_t done, std::uint64_t) {
        m_observer.step_progress(done);
      };
    }
    FetchResult fetched;
    try {
      fetched = fetch(cache, items, fetch_options);
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted) check_stop(m_observer);
      throw;
    }
    if (download > 0) m_observer.step_finished();
    check_stop(m_observer);
    const auto fetched_at = Clock::now();
    make_delta_members(cache, deltas, fetched.by_sha1);
    check_stop(m_observer);
    const auto deltas_at = Clock::now();

    const PackPlan pack = plan_pack(m_resolution, fetched.by_sha1, m_pack,
                                    plan.deltas_considered ? pack_deltas(deltas) : std::map<std::string, PackDelta>{});
    std::vector<std::string> signers;
    if (!m_signing.empty()) {
      auto doc = signing::SignatureDocument::for_bundle(pack.index.bundle_id, pack.index_bytes);
      apply_signing(doc, m_signing, pack.index.bundle_id, pack.index_bytes);
      m_write.signature_json = slot_json(doc);
      for (const auto& s : doc.signatures()) signers.push_back(s.keyid);
    }
    // The installer written beside the bundle is read (and checked against the hashes the
    // index holds) before the bundle is written, so a changed file leaves nothing behind.
    std::string installer_bytes;
    if (m_pack.installer) {
      installer_bytes = read_carried_installer(m_options.installer, m_pack.installer->size,
                                               m_pack.installer->sha256, m_pack.chunk_size);
    }
    m_observer.step_started("write " + output, pack.index.payload_size());
    m_write.progress = [this](std::uint64_t done, std::uint64_t) {
      check_stop(m_observer);
      m_observer.step_progress(done);
    };
    const PackResult result = write_pack(pack, output, m_pack.created, m_write);
    m_observer.step_finished();
    std::vector<std::string> beside_written;
    if (m_pack.installer) beside_written = write_beside(output, installer_bytes, m_signing.keys);
    common::log::info("wrote " + result.path, {{"bundle_id", pack.index.bundle_id}, {"channel", m_resolution.channel},
                                              {"artifacts", m_resolution.artifacts.size()}, {"signers", signers},
                                              {"downloaded_bytes", fetched.downloaded_bytes},
                                              {"cached_bytes", fetched.cached_bytes},
                                              {"beside", beside_written}});
    const auto end = Clock::now();
    BuildSummary summary{&m_resolution, &pack, &result, &fetched, seconds(m_start, end)};
    summary.resolve_seconds = seconds(m_start, m_resolved);
    summary.fetch_seconds = seconds(m_resolved, fetched_at);
    summary.write_seconds = seconds(deltas_at, end);
    summary.delta_seconds = seconds(fetched_at, deltas_at);
    summary.deltas_considered = plan.deltas_considered;
    summary.deltas = std::move(deltas);
    summary.signers = std::move(signers);
    summary.beside = std::move(beside_written);
    m_observer.built(summary);
  }

  // What is written beside the bundle: with --installer, the installer and one signature per
  // --key (builder/installer_beside.hpp); nothing without.
  std::vector<std::string> beside(const std::string& output) const {
    if (m_options.installer.empty()) return {};
    std::vector<std::string> ids;
    for (const auto& key : m_signing.keys) ids.push_back(key.id());
    return beside_files(output, ids);
  }

  // The log's record of what was resolved (docs/logs.md), then what the release engineer
  // must hear about it (builder/build_warnings.hpp).
  void log_resolution() const {
    common::Json images = common::Json::array();
    for (const ResolvedArtifact& a : m_resolution.artifacts) {
      images.push_back({{"role", a.role}, {"name", a.image.name()}, {"uuid", a.image.uuid()}, {"version", a.image.version()}});
    }
    common::log::info("resolved " + std::to_string(m_resolution.artifacts.size()) + " images on " + m_options.source +
                          " (channel " + m_resolution.channel + ")",
                      {{"source", m_options.source}, {"channel", m_resolution.channel}, {"images", images},
                       {"trimmed", m_resolution.trimmed.size()}});
    if (m_inventory) {
      const std::string warning = check_inventory_channel(*m_inventory, m_resolution.channel, m_options.change_channel);
      if (!warning.empty()) m_observer.warning(warning);
      const std::string agents = partial_agent_set_warning(m_resolution);
      if (!agents.empty()) m_observer.warning(agents);
    }
  }

  const BuildOptions& m_options;
  BuildObserver& m_observer;
  Clock::time_point m_start, m_resolved;
  PackOptions m_pack;
  WritePackOptions m_write;
  std::optional<manifest::Inventory> m_inventory;
  SigningInputs m_signing;
  Resolution m_resolution;
};

}  // namespace

void build(const BuildOptions& options, BuildObserver& observer) {
  BuildRun(options, observer).run();
}

}  // namespace builder
