#pragma once
// manifest::Changelog: changelog.json of a bundle (docs/bundle-format.md §6): for each
// artifact name, where the DC is ("from"), what the bundle brings ("to"), and every image of
// that name published in between, oldest first. Also the pure helpers behind
// `sdcadm-bundle changelog`: git sha extraction and the human text rendering.

#include <common/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

class ImageManifest;

inline constexpr std::size_t k_changelog_max_bytes = 16u << 20;
inline constexpr int k_changelog_max_depth = 16;

struct ChangelogRef {
  std::string uuid, version;
};

struct ChangelogEntry {
  std::string uuid, version, published_at;
  std::string git_sha;      // "" when the version carries none (semver sdcadm, platform)
  std::string description;  // "" when the manifest has none
};

struct ChangelogArtifact {
  std::string name;                 // image name ("imgapi", "agentsshar", ...)
  std::optional<ChangelogRef> from; // nullopt: no trim basis and no --since
  ChangelogRef to;
  std::vector<ChangelogEntry> entries;  // oldest first
  common::Json unknown;  // keys this version does not know (object or null)
};

struct Changelog {
  std::vector<ChangelogArtifact> artifacts;
  common::Json unknown;

  // Parses and checks (bounded: 16 MiB, depth 16). Uuids must be UUIDs, published_at IMGAPI
  // timestamps, versions non-empty strings, names unique. Throws common::Error(bad_data)
  // naming the field ("changelog: artifacts[1].entries[0].uuid: not a UUID").
  // The bundle reader checks the member's hash before this runs; a changelog.json that
  // fails here therefore means a builder bug, but is still refused cleanly.
  static Changelog parse(std::string_view bytes);

  // Deterministic 2-space JSON, keys in the spec's order, newline-terminated.
  std::string serialize() const;

  const ChangelogArtifact* find(std::string_view name) const;
};

// The git sha of a Triton build version or build stamp, "" when it has none:
//   "master-20250101T000000Z-g1a2b3c4"                  -> "1a2b3c4"
//   "release-20250101-20250101T000000Z-g1a2b3c4"        -> "1a2b3c4"
//   "1.2.3-master-20250101T000000Z-g1a2b3c4" (agentsshar) -> "1a2b3c4"
//   "master-20250101T000000Z-g1a2b3c4-dirty"            -> "1a2b3c4"
//   "1.39.0", "master-20200304T133736Z" (platform)      -> ""
// The sha is the segment after the time stamp segment that is "g" + 7..40 lower-case hex.
std::string git_sha_from_version(std::string_view version);

// A changelog entry for one image manifest: uuid, version, published_at, description, and the
// git sha from the version, falling back to tags.buildstamp (sdcadm's version is semver).
ChangelogEntry changelog_entry_from(const ImageManifest& manifest);

// "FROM -> TO" for a header line: "(new) -> TO" without a from; when both versions are the
// same string (an sdcadm build with a newer build stamp) each side gets its uuid's first 8
// characters and ", same version, newer build" follows. Control characters become '?'.
std::string transition_text(const ChangelogArtifact& artifact);

// The text of `sdcadm-bundle changelog`: for each artifact whose name is in `names` (all
// when `names` is empty), in the changelog's order, a header line
//   imgapi: master-20240101T000000Z-g0a0a0a0 -> master-20250101T000000Z-g1a2b3c4 (3 images)
// (FROM -> TO as transition_text says; "1 image" singular), then
// one line per entry, indented by two spaces:
//   2025-01-01  master-20250101T000000Z-g1a2b3c4  1a2b3c4  Fix the thing
// (date = published_at's day, "-" for a missing sha, description's first line), and a blank
// line between artifacts. Control characters from the (untrusted) text are replaced by '?'
// so a changelog cannot drive the terminal. Names asked for but absent are skipped.
std::string render_text(const Changelog& changelog, const std::vector<std::string>& names = {});

}  // namespace manifest
