#include <builder/delta_members.hpp>

#include <builder/delta_report.hpp>
#include <builder/disk_space.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>
#include <delta/find_recipe.hpp>
#include <delta/image_decoder.hpp>
#include <delta/rebuild.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace builder {

using common::Error;
using common::ExitCode;

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", whole ? 100.0 * double(part) / double(whole) : 0.0);
  return buf;
}

// A file read in order, for ByteSource.
class FileSource {
 public:
  explicit FileSource(const std::string& path) : m_path(path), m_file(std::fopen(path.c_str(), "rb")) {
    if (!m_file) throw Error(ExitCode::io, "cannot read " + path);
  }
  ~FileSource() { std::fclose(m_file); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::size_t read(char* buf, std::size_t size) {
    const std::size_t n = std::fread(buf, 1, size, m_file);
    if (n == 0 && std::ferror(m_file)) throw Error(ExitCode::io, "cannot read " + m_path);
    return n;
  }

 private:
  std::string m_path;
  std::FILE* m_file;
};

// A scratch file in the cache that is always removed.
class ScratchFile {
 public:
  explicit ScratchFile(const Cache& cache) {
    static std::atomic<unsigned> counter{0};
    const std::string dir = cache.root() + "/scratch";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(ExitCode::io, "cannot create " + dir + ": " + ec.message());
    // Named like a temp file of common::AtomicFile, so Cache::remove_stale_temps removes
    // what a killed build left.
    m_path = dir + "/base.raw.tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    ::unlink(m_path.c_str());  // a leftover of a killed build with a recycled pid
  }
  ~ScratchFile() { ::unlink(m_path.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// The reason an outcome is full, thrown out of one candidate's work.
struct FullFile {
  std::string kind;  // DeltaOutcome::reason_kind
  std::string reason;
};

const CachedFile& cached(const std::map<std::string, CachedFile>& files, const manifest::ImageFile& f,
                         const std::string& what) {
  const auto it = files.find(f.sha1);
  if (it == files.end() || it->second.size != f.size) {
    throw Error(ExitCode::internal, "delta: no cached file for " + what);
  }
  return it->second;
}

std::string patch_key(const manifest::ImageFile& base, const manifest::ImageFile& target,
                      const delta::PatchOptions& options, const delta::Recipe& recipe) {
  const std::string text = "sdcadm-bundle patch 1\nbase " + base.sha1 + " " + std::to_string(base.size) +
                           "\nnew " + target.sha1 + " " + std::to_string(target.size) + "\nlevel " +
                           std::to_string(options.level) + " segment " + std::to_string(options.segment_size) +
                           " margin " + std::to_string(options.margin) + "\nrecipe " +
                           common::dump_json(delta::to_json(recipe)) + "\n";
  return common::hex_digest(common::HashAlgorithm::sha256, text);
}

// One candidate's work (see the header): throws FullFile, Error(interrupted), or any other
// Error that makes the artifact full.
class DeltaJob {
 public:
  DeltaJob(const Cache& cache, const ResolvedArtifact& artifact, DeltaOutcome& outcome,
           const std::map<std::string, CachedFile>& files, const DeltaOptions& options)
      : m_cache(cache), m_artifact(artifact), m_out(outcome), m_options(options),
        m_base(*artifact.delta_base->file()), m_new(*artifact.image.file()),
        m_new_file(cached(files, m_new, artifact.image.uuid())),
        m_base_file(cached(files, m_base, "base " + artifact.delta_base->uuid())) {}

  void run() {
    const delta::Compression new_compression = compression_of(m_new, "the new file");
    const delta::Compression base_compression = compression_of(m_base, "the base file");
    const delta::RecipeSearch search = delta::find_recipe(m_new_file.path, new_compression);
    check_stop();
    if (!search.recipe) throw FullFile{"no_recipe", search.why_not()};
    const delta::Recipe& recipe = *search.recipe;
    check_scratch_space(search.uncompressed_size);
    ScratchFile base_raw(m_cache);
    delta::unpack_image(m_base_file.path, base_compression, base_raw.path(), delta::k_default_max_uncompressed);
    check_stop();
    const std::string patch_path = patch_cache_path(m_cache, patch_key(m_base, m_new, m_options.patch, recipe));
    m_out.patch_from_cache = fs::exists(patch_path);
    if (!m_out.patch_from_cache) encode(base_raw.path(), new_compression, patch_path);
    check_share(file_size(patch_path));
    std::string failure = verify(base_raw.path(), recipe, patch_path);
    if (!failure.empty() && m_out.patch_from_cache) {
      common::log::warn("cached patch " + patch_path + " for " + m_artifact.image.uuid() +
                        " does not rebuild the image (" + failure + "); encoding it again");
      ::unlink(patch_path.c_str());
      m_out.patch_from_cache = false;
      encode(base_raw.path(), new_compression, patch_path);
      check_share(file_size(patch_path));
      failure = verify(base_raw.path(), recipe, patch_path);
    }
    if (!failure.empty()) {
      ::unlink(patch_path.c_str());
      throw FullFile{"self_verify", "self-verification failed: " + failure};
    }
    manifest::BundleDelta d;
    d.base_uuid = m_artifact.delta_base->uuid();
    d.base_sha1 = m_base.sha1;
    d.base_size = m_base.size;
    d.base_compression = base_compression;
    d.recipe = recipe;
    d.file_size = m_new.size;
    d.file_sha256 = m_new_file.sha256;
    m_out.delta = std::move(d);
  }

 private:
  void check_stop() const {
    if (m_options.cancelled && m_options.cancelled()) {
      throw Error(ExitCode::interrupted, "stopped while making deltas");
    }
  }

  static delta::Compression compression_of(const manifest::ImageFile& f, const std::string& what) {
    delta::Compression c;
    try {
      c = delta::compression_from_name(f.compression);
    } catch (const Error&) {
      throw FullFile{"compression", what + "'s compression \"" + f.compression + "\" is unknown"};
    }
    if (c == delta::Compression::xz) throw FullFile{"compression", what + " is xz-compressed (no recipe reproduces xz)"};
    return c;
  }

  // One uncompressed base (assumed about the new content's size) fits beside the patch.
  void check_scratch_space(std::uint64_t uncompressed) const {
    const FreeSpace free = free_space(m_cache.root());
    const std::uint64_t need = uncompressed + m_new.size / 2;
    if (free.bytes != UINT64_MAX && free.bytes < need) {
      throw FullFile{"no_space", "not enough space in " + m_cache.root() + " to unpack the base (need about " +
                     common::format_bytes(need) + ", " + common::format_bytes(free.bytes) + " free)"};
    }
  }

  static std::uint64_t file_size(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw Error(ExitCode::io, "cannot stat " + path + ": " + ec.message());
    return size;
  }

  void check_share(std::uint64_t patch_size) const {
    if (double(patch_size) >= m_options.max_patch_share * double(m_new.size)) {
      throw FullFile{"patch_too_big", "the patch (" + common::format_bytes(patch_size) + ") would be " +
                     percent(patch_size, m_new.size) + " of the file; a delta must be under " +
                     percent(std::uint64_t(m_options.max_patch_share * 1000), 1000)};
    }
  }

  // The patch, straight into the patch cache (temp file, renamed when complete). Encoding
  // stops as soon as the patch passes the share: it would not ship.
  void encode(const std::string& base_raw, delta::Compression compression, const std::string& path) {
    const auto start = Clock::now();
    std::error_code ec;
    fs::create_directories(common::dir_of(path), ec);
    common::AtomicFile::Options atomic;
    atomic.sync = common::AtomicFile::Sync::none;  // verified before use, every build
    common::AtomicFile out(path, atomic);
    const std::uint64_t limit = std::uint64_t(m_options.max_patch_share * double(m_new.size));
    std::uint64_t written = 0;
    bool too_big = false;
    const delta::ByteSink sink = [&](const char* data, std::size_t size) {
      written += size;
      if (written >= limit) {
        too_big = true;
        throw Error(ExitCode::internal, "patch over the limit");
      }
      out.write(data, size);
    };
    try {
      if (compression == delta::Compression::none) {
        FileSource source(m_new_file.path);
        delta::encode_patch(base_raw, [&](char* b, std::size_t n) { check_stop(); return source.read(b, n); },
                            sink, m_options.patch);
      } else {
        delta::ImageDecoder decoder(m_new_file.path, compression, delta::k_default_max_uncompressed);
        delta::encode_patch(base_raw, [&](char* b, std::size_t n) { check_stop(); return decoder.read(b, n); },
                            sink, m_options.patch);
      }
    } catch (const Error&) {
      if (too_big) check_share(written);
      throw;
    }
    out.commit();
    m_out.encode_seconds = seconds_since(start);
  }

  // "" when the patch rebuilds exactly the new file, else what differs. Also records the
  // patch's own size and chunk hashes (it is read whole here).
  std::string verify(const std::string& base_raw, const delta::Recipe& recipe, const std::string& patch_path) {
    const auto start = Clock::now();
    FileSource patch(patch_path);
    ChunkHasher patch_chunks(m_options.chunk_size);
    std::uint64_t patch_size = 0;
    const delta::ByteSource source = [&](char* buf, std::size_t size) {
      check_stop();
      const std::size_t n = patch.read(buf, size);
      patch_chunks.update(buf, n);
      patch_size += n;
      return n;
    };
    common::Hasher sha1(common::HashAlgorithm::sha1);
    ChunkHasher file_chunks(m_options.chunk_size);
    std::uint64_t file_size = 0;
    const delta::ByteSink sink = [&](const char* data, std::size_t size) {
      sha1.update(data, size);
      file_chunks.update(data, size);
      file_size += size;
      if (file_size > m_new.size) throw Error(ExitCode::bundle_too_large, "longer than the image file");
    };
    try {
      delta::rebuild_image(base_raw, source, recipe, sink);
      char rest[1 << 14];
      while (source(rest, sizeof rest) > 0) {}
    } catch (const Error& e) {
      if (e.code() == ExitCode::interrupted) throw;
      return e.what();
    }
    m_out.verify_seconds = seconds_since(start);
    if (file_size != m_new.size) {
      return "rebuilt " + std::to_string(file_size) + " bytes, the file has " + std::to_string(m_new.size);
    }
    if (sha1.finish_hex() != m_new.sha1) return "the rebuilt file's SHA-1 differs from files[0].sha1";
    if (file_chunks.finish() != m_new_file.sha256) return "the rebuilt file's SHA-256 chunk hashes differ";
    m_out.patch = CachedFile{patch_path, patch_size, patch_chunks.finish()};
    return "";
  }

  const Cache& m_cache;
  const ResolvedArtifact& m_artifact;
  DeltaOutcome& m_out;
  const DeltaOptions& m_options;
  manifest::ImageFile m_base, m_new;
  const CachedFile& m_new_file;
  const CachedFile& m_base_file;
};

}  // namespace

std::vector<DeltaOutcome> plan_deltas(const Resolution& resolution) {
  std::vector<DeltaOutcome> plan;
  for (const ResolvedArtifact& a : resolution.artifacts) {
    const auto file = a.image.file();
    if (!file) continue;
    DeltaOutcome o;
    o.uuid = a.image.uuid();
    o.role = a.role;
    o.name = a.image.name();
    o.version = a.image.version();
    o.full_size = file->size;
    if (a.delta_base) {
      o.base_uuid = a.delta_base->uuid();
      o.base_version = a.delta_base->version();
      o.base_size = a.delta_base->file()->size;
    }
    if (!a.same_file_as.empty()) {
      o.shared = true;
      o.reason_kind = "shared";
      o.reason = "the same file as " + a.same_file_as + " (stored once)";
    } else if (!a.delta_base) {
      o.reason_kind = "no_base";
      o.reason = a.no_delta_base.empty() ? "no base image" : a.no_delta_base;
    } else {
      const std::string compression = a.delta_base->file()->compression;
      if (compression != "none" && compression != "gzip" && compression != "bzip2") {
        o.reason_kind = "base_compression";
        o.reason = "the base file's compression \"" + compression + "\" cannot be unpacked for a delta";
      } else {
        o.candidate = true;
      }
    }
    plan.push_back(std::move(o));
  }
  return plan;
}

std::vector<FetchItem> base_fetch_items(const Resolution& resolution,
                                        const std::vector<DeltaOutcome>& plan) {
  std::vector<FetchItem> items;
  for (const DeltaOutcome& o : plan) {
    if (!o.candidate) continue;
    for (const ResolvedArtifact& a : resolution.artifacts) {
      if (a.image.uuid() != o.uuid || !a.delta_base) continue;
      const manifest::ImageManifest& base = *a.delta_base;
      items.push_back({base.uuid(), base.name() + "@" + base.version() + " (delta base)", *base.file()});
    }
  }
  return items;
}

void make_deltas(const Cache& cache, const Resolution& resolution, std::vector<DeltaOutcome>& outcomes,
                 const std::map<std::string, CachedFile>& files, const DeltaOptions& options) {
  std::vector<std::pair<const ResolvedArtifact*, DeltaOutcome*>> jobs;
  for (DeltaOutcome& o : outcomes) {
    if (!o.candidate) continue;
    for (const ResolvedArtifact& a : resolution.artifacts) {
      if (a.image.uuid() == o.uuid && a.delta_base) jobs.emplace_back(&a, &o);
    }
  }
  for (const auto& [artifact, outcome] : jobs) {  // a missing file is a bug, not a fallback
    (void)cached(files, *artifact->image.file(), outcome->uuid);
    (void)cached(files, *artifact->delta_base->file(), "base " + artifact->delta_base->uuid());
  }
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::optional<Error> fatal;
  const auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (fatal) return;
      }
      DeltaOutcome& out = *jobs[i].second;
      try {
        DeltaJob(cache, *jobs[i].first, out, files, options).run();
      } catch (const FullFile& full) {
        out.reason = full.reason;
        out.reason_kind = full.kind;
      } catch (const Error& e) {
        if (e.code() == ExitCode::interrupted) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!fatal) fatal = e;
          return;
        }
        out.reason = std::string("delta failed: ") + e.what();
        out.reason_kind = "error";
      } catch (const std::exception& e) {
        out.reason = std::string("delta failed: ") + e.what();
        out.reason_kind = "error";
      }
      if (!out.is_delta()) out.patch = {};
      if (options.done) options.done(out);
    }
  };
  const unsigned workers =
      std::max(1u, std::min({options.workers, k_max_delta_workers, static_cast<unsigned>(jobs.size())}));
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (fatal) throw *fatal;
}

std::map<std::string, PackDelta> pack_deltas(const std::vector<DeltaOutcome>& outcomes) {
  std::map<std::string, PackDelta> out;
  for (const DeltaOutcome& o : outcomes) {
    PackDelta p;
    p.delta = o.delta;
    if (o.delta) p.patch = o.patch;
    p.note = delta_note(o);
    out.emplace(o.uuid, std::move(p));
  }
  return out;
}

std::uint64_t delta_disk_reserve(const std::vector<DeltaOutcome>& plan, unsigned workers) {
  std::uint64_t patches = 0;
  std::vector<std::uint64_t> bases;
  for (const DeltaOutcome& o : plan) {
    if (!o.candidate) continue;
    patches += static_cast<std::uint64_t>(k_max_patch_share * double(o.full_size));
    bases.push_back(o.base_size);
  }
  std::sort(bases.rbegin(), bases.rend());
  std::uint64_t scratch = 0;
  const unsigned n = std::min(std::max(1u, std::min(workers, k_max_delta_workers)), unsigned(bases.size()));
  for (unsigned i = 0; i < n; ++i) scratch += k_unpack_ratio * bases[i];
  return patches + scratch;
}

std::string patch_cache_path(const Cache& cache, const std::string& key) {
  return cache.root() + "/patches/" + key.substr(0, 2) + "/" + key + ".imgpatch";
}

}  // namespace builder
