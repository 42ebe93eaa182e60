#pragma once
// Delta members (docs/bundle-format.md §3a): for a trimmed build, which artifacts ship a
// patch against the image the DC runs now instead of their whole file, and the patches.
//
// Per artifact: plan_deltas() says whether it is a candidate (its resolver-chosen base,
// ResolvedArtifact::delta_base, exists on the updates server) or why it ships in full;
// base_fetch_items() names the base files to download into the cache beside the others;
// make_deltas() then, for each candidate, on at most k_max_delta_workers threads:
//   1. finds the recipe that reproduces the NEW file (delta/find_recipe.hpp); none, e.g. a
//      GNU gzip platform, ships the full file;
//   2. unpacks the base file into a scratch file in the cache (removed afterwards);
//   3. encodes the patch from the uncompressed base and the new file's uncompressed stream
//      (decoded as it is read, never unpacked) into the patch cache,
//      <cache>/patches/<key[0:2]>/<key>, key = SHA-256 of base sha1, new sha1, patch options
//      and recipe, renamed into place when complete, so a rerun does not encode again;
//   4. self-verifies: rebuild_image(base, patch, recipe) must give exactly the new file's
//      size, SHA-1 (files[0].sha1) and the chunk hashes the full member would have. A cached
//      patch that fails (damaged on disk) is removed and encoded once more; a fresh patch
//      that fails ships the full file.
// A patch of k_max_patch_share or more of the file's size is not worth it: the full file
// ships. Every failure of one artifact's delta (a corrupt base, no space for the scratch
// file) makes that artifact full with the reason; only a stop request ends the build.
//
// Memory: encode_patch's ~70 MiB and the rebuild's ~40 MiB per worker, nothing that grows
// with an image. Disk: one uncompressed base per worker, plus the patches.

#include <builder/cache.hpp>
#include <builder/fetch.hpp>
#include <builder/pack.hpp>
#include <builder/resolve.hpp>

#include <delta/patch.hpp>
#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace builder {

inline constexpr unsigned k_max_delta_workers = 2;
// A patch this share of the new file or larger ships the full file instead.
inline constexpr double k_max_patch_share = 0.5;

// What happened to one artifact's file: a delta, or the full file and why.
struct DeltaOutcome {
  std::string uuid, role, name, version;
  std::string base_uuid, base_version;  // "" when there is no base
  std::uint64_t full_size = 0;          // the image file
  std::uint64_t base_size = 0;          // the base's file (0 when there is no base)
  bool candidate = false;               // plan_deltas: a base exists, a delta will be tried
  std::string reason;                   // why the full file ships ("" for a delta)
  // The reason's kind, for totals: no_base, base_compression, shared (the same file as an
  // earlier artifact: stored once, neither delta nor full), compression, no_recipe,
  // patch_too_big, self_verify, no_space, error.
  std::string reason_kind;
  bool shared = false;
  std::optional<manifest::BundleDelta> delta;  // patch_member "" (the packer names it)
  CachedFile patch;                     // the patch in the cache (delta only)
  bool patch_from_cache = false;        // an earlier build encoded it
  double encode_seconds = 0;            // encoding the patch (0 when cached)
  double verify_seconds = 0;            // rebuilding the file from it

  bool is_delta() const { return delta.has_value(); }
  std::uint64_t patch_size() const { return delta ? patch.size : 0; }
  std::uint64_t saved() const { return delta ? full_size - patch.size : 0; }
};

// One outcome per artifact with a file, in resolution order: candidates (`candidate`, no
// reason yet) and the rest with their reason (no base, an origin, a base file compressed
// with xz or something unknown, a file shared with an earlier artifact).
std::vector<DeltaOutcome> plan_deltas(const Resolution& resolution);

// The base files of the candidates, to fetch into the cache with the others.
std::vector<FetchItem> base_fetch_items(const Resolution& resolution,
                                        const std::vector<DeltaOutcome>& plan);

struct DeltaOptions {
  std::uint64_t chunk_size = manifest::k_default_chunk_size;
  unsigned workers = k_max_delta_workers;  // capped at k_max_delta_workers
  double max_patch_share = k_max_patch_share;
  delta::PatchOptions patch;
  std::function<bool()> cancelled;                 // polled; true ends with Error(interrupted)
  std::function<void(const DeltaOutcome&)> done;   // after each candidate, from a worker
};

// Makes and verifies the candidates' patches (see above), filling in their outcomes.
// `files` holds every artifact's and base's file by SHA-1 (fetch()'s by_sha1). Throws only
// Error(interrupted) (cancelled) and Error(internal) for a file missing from `files`.
void make_deltas(const Cache& cache, const Resolution& resolution,
                 std::vector<DeltaOutcome>& outcomes,
                 const std::map<std::string, CachedFile>& files, const DeltaOptions& options);

// The deltas to pack, by artifact uuid (builder/pack.hpp).
std::map<std::string, PackDelta> pack_deltas(const std::vector<DeltaOutcome>& outcomes);

// Disk a build needs for the candidates beyond their downloads: the patches (at most
// k_max_patch_share of each file) and, per worker, one uncompressed base, estimated as
// k_unpack_ratio times the largest base file (make_deltas checks the real size again and
// ships the full file when it does not fit).
inline constexpr std::uint64_t k_unpack_ratio = 4;
std::uint64_t delta_disk_reserve(const std::vector<DeltaOutcome>& plan, unsigned workers);

// Where the patch cache keeps the patch with this key.
std::string patch_cache_path(const Cache& cache, const std::string& key);

}  // namespace builder
