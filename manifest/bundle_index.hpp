#pragma once
// manifest::BundleIndex: the model of a bundle's index, bundle.json (docs/bundle-format.md
// §3). The index is the signed root of a bundle: it lists every member with its size and
// chunk hashes and says which members are which images. parse() treats the bytes as hostile
// and refuses anything a reader could be tricked by (unsafe names, duplicates, sizes that do
// not match the chunk hashes, artifacts pointing outside the member list); serialize()
// is deterministic so equal inputs give equal bytes.

#include <common/json.hpp>
#include <delta/compression.hpp>
#include <delta/recipe.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

// The value of "format" and the newest format_version this program reads and writes.
// Version 2 adds delta artifacts (spec §3a, §8); a bundle without one is written as
// version 1, which every installer reads.
inline constexpr const char* k_bundle_format = "sdcadm-bundle";
inline constexpr int k_bundle_format_version = 2;
inline constexpr int k_first_delta_format_version = 2;
// Limits on the index itself (spec §3).
inline constexpr std::size_t k_bundle_index_max_bytes = 16u << 20;
inline constexpr int k_bundle_index_max_depth = 32;
// chunk_size must lie in [1 MiB, 1 GiB]; 64 MiB is the default.
inline constexpr std::uint64_t k_min_chunk_size = 1ull << 20;
inline constexpr std::uint64_t k_max_chunk_size = 1ull << 30;
inline constexpr std::uint64_t k_default_chunk_size = 64ull << 20;
// The largest member an index may declare: 64 GiB. IMGAPI's own limit on an image file is
// 20 GiB, so this leaves room while keeping sizes and chunk lists bounded.
inline constexpr std::uint64_t k_max_member_size = 64ull << 30;
// ustar's name field: member names are at most 100 bytes (no pax headers, spec §2).
inline constexpr std::size_t k_max_member_name = 100;

// One tar member other than bundle.json and bundle.sig: its name, content size and one
// lower-case hex SHA-256 per chunk_size piece of its content (none for an empty member).
struct BundleMember {
  std::string name;
  std::uint64_t size = 0;
  std::vector<std::string> sha256;  // chunk hashes (hex)
};

// How a delta artifact's image file is rebuilt on the headnode (spec §3a): the file of the
// image the DC already has (`base`) is decompressed, `patch_member` (a delta/patch.hpp
// stream) is applied to that uncompressed stream, and the result is compressed again with
// `recipe`. The rebuilt file must then have exactly `file_size` bytes and the chunk hashes
// `file_sha256` (and the manifest's files[0].sha1/size) before it is staged.
struct BundleDelta {
  std::string patch_member;                  // JSON "patch": a listed member
  std::string base_uuid;                     // "base.uuid"
  std::string base_sha1;                     // "base.sha1": files[0].sha1 of the base
  std::uint64_t base_size = 0;               // "base.size": files[0].size of the base
  delta::Compression base_compression = delta::Compression::none;  // "base.compression"
  delta::Recipe recipe;                      // "recipe": delta/recipe.hpp's JSON
  std::uint64_t file_size = 0;               // "file.size": the rebuilt image file
  std::vector<std::string> file_sha256;      // "file.sha256": its chunk_size chunk hashes

  bool operator==(const BundleDelta& other) const;
};

// One thing the bundle delivers (spec §3 "artifacts"). `manifest_member` and `file_member`
// are the JSON keys "manifest" and "file" and name members of the index. For the image
// roles (every known role but "installer") uuid, published_at and manifest are required;
// for "installer" and for roles this version does not know they are optional ("" = absent).
// `stage_as` ("" = absent) is an absolute path on the headnode. `services` is used by
// service-image artifacts only. An artifact has either a `file_member` (the image file is
// in the bundle) or a `delta` (format_version 2: it is rebuilt from an image the DC has);
// never both.
struct BundleArtifact {
  std::string role;
  std::vector<std::string> services;
  std::string uuid, name, version, published_at, manifest_member, file_member, stage_as;
  bool pinned = false;
  std::optional<BundleDelta> delta;
  common::Json unknown;  // keys of this artifact this version does not know (object or null)
};

struct BundleIndex {
  int format_version = 1;
  // bundle_id names one build (format §9: a digest of the whole index but itself), so a
  // rebuild of the same content is another bundle to journals, history and anti-rollback;
  // content_id names the content (the member list) and is how the installer recognises a
  // rebuild of what it already applied. content_id is "" in indexes written before it
  // existed (their bundle_id is their content id): use content_id_of().
  std::string bundle_id, content_id, created, channel, expires, min_installer_version;
  std::int64_t sequence = 0;
  std::uint64_t chunk_size = 64u << 20;
  struct Source { std::string url, channel; } source;
  struct Builder { std::string name, version; } builder;
  struct Trim { std::string inventory_sha256, datacenter; };
  std::optional<Trim> trim;
  std::vector<BundleArtifact> artifacts;
  std::vector<BundleMember> members;
  common::Json unknown;  // keys this version does not know, kept for round trips (object or null)

  // Parses and checks the schema (bounded: 16 MiB, depth 32; member names safe, unique; sizes
  // and chunk counts consistent with chunk_size; artifacts point at listed members). Throws
  // common::Error with
  //   bundle_too_large    the text exceeds 16 MiB, a member declares more than 64 GiB, or
  //                       more than 100000 members or artifacts;
  //   bundle_unsupported  format_version > 2 ("... newer than this program understands ...");
  //   bundle_unsafe       a member name fails is_safe_member_name, or a stage_as is not a
  //                       normalized absolute path;
  //   bundle_closed_world a duplicate member, a listed bundle.json/bundle.sig, or an
  //                       artifact naming a member the index does not list;
  //   bundle_corrupt      anything else: bad JSON, too deep, a key twice in one object, wrong
  //                       type, bad hash hex, chunk count mismatch, bad uuid/timestamp,
  //                       chunk_size out of range, empty members; an artifact with both
  //                       or neither of "file" and "delta", a "delta" in a version 1 index,
  //                       a bad delta base, compression or recipe.
  // Messages name the field ("bundle index: members[3].sha256[1]: ...").
  // Roles outside the known set are kept (spec §8); see known_role().
  static BundleIndex parse(std::string_view bytes);

  // Deterministic 2-space JSON, keys in the spec's order, unknown keys after the known ones
  // in the order they were read; ends with a newline. parse(serialize()) == *this.
  std::string serialize() const;

  // The member called `name`, or nullptr.
  const BundleMember* find_member(std::string_view name) const;
  // Sum of the sizes of all members.
  std::uint64_t payload_size() const;
};

// The format_version an index must declare: 2 when an artifact has a delta, else 1 (so a
// bundle built without deltas stays readable by every installer). The builder writes this.
int required_format_version(const std::vector<BundleArtifact>& artifacts);

// True if `name` can be a member name: relative, '/'-separated components none of which is
// empty, "." or ".."; no NUL, backslash or other control byte; at most 100 bytes.
bool is_safe_member_name(std::string_view name);

// The number of chunk_size pieces of a member of `size` bytes: 0 for an empty member,
// ceil(size / chunk_size) otherwise. chunk_size must be > 0.
std::size_t chunk_count(std::uint64_t size, std::uint64_t chunk_size);

// True for the roles format v1 defines: service-image, origin, agent, agentsshar, gz-tools,
// platform, sdcadm, installer.
bool known_role(std::string_view role);

// The bundle_id for a member list: a version-4-shaped, lower-case UUID made from the first
// 16 bytes of SHA-256 over the canonical member list, where each member in index order
// contributes  name NUL decimal-size NUL sha256[0] ',' sha256[1] ... '\n'.
// (NUL cannot occur in a safe name, so the encoding is unambiguous.)
std::string bundle_id_for(const std::vector<BundleMember>& members);

// The content id of a member list (format §9): the same UUID bundle_id_for gives, which is
// what builders before content_id wrote as bundle_id.
std::string content_id_for(const std::vector<BundleMember>& members);

// The content id of an index: its content_id, or for an index written before that key
// existed, content_id_for(members) (which equals its bundle_id).
std::string content_id_of(const BundleIndex& index);

// The per-build bundle_id (format §9): a v4-shaped UUID of SHA-256 over
// "sdcadm-bundle build\n" followed by index.serialize() with bundle_id set to "". Every
// field of the index counts (sequence, created, expires, channel, trim, members ...), so two
// builds differ in id exactly when their indexes differ.
std::string build_id_for(const BundleIndex& index);

// True if `s` is an RFC 3339 UTC timestamp of the exact form YYYY-MM-DDTHH:MM:SSZ with a
// valid calendar date and time.
bool is_rfc3339_seconds(std::string_view s);

}  // namespace manifest
