#pragma once
// builder::pack: turns a Resolution (what to ship) and the cached files (their bytes and
// chunk hashes) into a bundle: the index (docs/bundle-format.md §3), the member contents,
// then bundles::write_bundle and, when asked, split volumes (§7).
//
// Members: changelog.json, then per image (sorted by uuid) images/<uuid>.imgmanifest, the
// manifest exactly as the updates server serves it (IMGAPI key order, 2-space JSON,
// ImageManifest::dump), and images/<uuid>.imgfile (or, for a delta, images/<uuid>.imgpatch).
// Identical files (same SHA-1 and size) are stored once, under the uuid of the first
// artifact that has them; the others point their "file" (or "delta") at that member. Artifacts keep the resolution's import order (origins before
// the images built on them). Everything in the index derives from the inputs and
// `created`, so equal inputs and SOURCE_DATE_EPOCH give equal bytes.

#include <builder/cache.hpp>
#include <builder/fetch.hpp>
#include <builder/resolve.hpp>

#include <bundles/split.hpp>
#include <bundles/writer.hpp>
#include <manifest/bundle_index.hpp>
#include <manifest/inventory.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace builder {

// The oldest sdcadm-install that reads format v1 bundles.
inline constexpr const char* k_min_installer_version = "0.1.0";
inline constexpr std::int64_t k_default_expires_in_days = 90;

// The sdcadm-install binary a bundle carries (build --installer; bundle-format.md §2, §8):
// member installer/sdcadm-install, mode 0755, artifact role "installer".
inline constexpr const char* k_installer_member = "installer/sdcadm-install";
struct CarriedInstaller {
  std::string path;                  // the binary on the build machine
  std::string version;               // semver, as the binary's --version prints it
  std::uint64_t size = 0;
  std::vector<std::string> sha256;   // chunk hashes (bundles::chunk_hashes)
};

struct PackOptions {
  std::int64_t created = 0;                  // seconds since the epoch (SOURCE_DATE_EPOCH)
  std::optional<std::int64_t> sequence;      // default: created
  std::int64_t expires_in_days = k_default_expires_in_days;
  std::uint64_t chunk_size = manifest::k_default_chunk_size;
  std::string min_installer_version = k_min_installer_version;
  const manifest::Inventory* inventory = nullptr;  // the trim basis, if any
  std::optional<CarriedInstaller> installer;        // build --installer
};

// What builder/delta_members decided for one artifact of a trimmed build: a delta (the
// patch in the cache becomes member images/<uuid>.imgpatch, bundle-format.md §3a) or, with
// no `delta`, the full file. `note` (builder/delta_report.hpp: outcome, reason, base)
// becomes the artifact's informational "delta_note" key (§3a), which inspect shows.
struct PackDelta {
  std::optional<manifest::BundleDelta> delta;  // patch_member is set by the packer
  CachedFile patch;
  common::Json note;
};

// A bundle ready to be written: its index, the exact index bytes, and every member's content.
struct PackPlan {
  manifest::BundleIndex index;
  std::string index_bytes;
  std::vector<bundles::MemberInput> inputs;
};

// The file of every artifact, for fetch(). Throws Error(bad_data) for an artifact without
// a file (resolve() refuses those already).
std::vector<FetchItem> fetch_items(const Resolution& resolution);

// Builds the index and the member list; reads nothing from disk. `files` holds every
// artifact's file by SHA-1 (fetch()'s by_sha1). Throws Error(internal) for a missing
// file, Error(bad_data) for a version that cannot name a staged file, Error(not_found)
// when the resolution has no artifact (everything trimmed: nothing to bundle), Error(usage)
// for a bad expiry, and the index's own errors.
// `deltas` (by artifact uuid; empty for a build without deltas) makes artifacts delta
// members; index.format_version is manifest::required_format_version of the artifacts, so
// without a delta the index is exactly what it was before deltas existed.
PackPlan plan_pack(const Resolution& resolution, const std::map<std::string, CachedFile>& files,
                   const PackOptions& options, const std::map<std::string, PackDelta>& deltas = {});

// plan_pack with placeholder chunk hashes (same lengths), for `build -n`: the index has
// its real size, so the estimate below is close.
PackPlan plan_pack_estimate(const Resolution& resolution, const PackOptions& options);

// The bundle's size when its images do not compress (they are gzip'd zone images):
// every frame's content plus zstd's raw-block overhead, plus the seek table.
std::uint64_t estimated_bundle_size(const PackPlan& plan);

// Where the installer stages an artifact's file (bundle-format.md §3 stage_as). Throws
// Error(bad_data) when the version cannot be part of a file name.
std::string stage_path(const ResolvedArtifact& artifact);

struct WritePackOptions {
  int level = 3;                 // zstd level
  unsigned threads = 0;          // compression threads; 0 = bundles::default_threads()
  std::uint64_t split_size = 0;  // 0 = one file; else split into parts (< 4 GiB)
  std::string signature_json{bundles::k_empty_signature_json};  // the slot (build --key)
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct PackResult {
  std::string path;  // the bundle, or (split) its parts list NAME.sdc.parts.json
  bundles::WriteStats stats;
  std::optional<bundles::SplitResult> split;
};

// Writes the bundle to `path` atomically, then splits it when asked (the parts replace the
// single file). Throws the writer's and the splitter's common::Error. A member whose
// cached file changed since it was hashed (damaged on disk) is Error(bundle_hash): that
// file and its sidecars are removed from the cache first, so the next build downloads it
// again, and the message says so ("removed it from the cache; run the build again").
PackResult write_pack(const PackPlan& plan, const std::string& path, std::int64_t mtime,
                      const WritePackOptions& options);

// "2026-11-25T12:00:00Z" and "20261125T120000Z" for seconds since the epoch (UTC).
std::string rfc3339_utc(std::int64_t epoch);
std::string compact_utc(std::int64_t epoch);

}  // namespace builder
