#pragma once
// Changelogs for a bundle (bundle-format.md §6): per target, every image of the artifact's
// names published on the channel after the baseline (the DC's current image, or --since)
// up to and including the target, oldest first, with the git sha taken from the version.

#include <builder/service_map.hpp>
#include <builder/trim.hpp>

#include <manifest/changelog.hpp>
#include <manifest/image_manifest.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace builder {

// A parsed --since: exactly one of date / version is set.
struct Since {
  std::optional<std::string> date;     // an IMGAPI published_at ("YYYY-MM-DD" -> "...T00:00:00Z")
  std::optional<std::string> version;  // an image version, matched exactly
};

// "YYYY-MM-DD" or an IMGAPI published_at is a date; anything else must be a valid IMGAPI
// version string. Throws Error(usage) for an empty value or characters no version has.
Since parse_since(std::string_view text);

// The baseline --since gives for one artifact: a date (the ref is the newest candidate
// published at or before it, if any) or the candidate with that exact version (the newest
// by the artifact's order when several names share it). nullopt when a version matches no
// candidate of this artifact.
std::optional<Baseline> since_baseline(const Since& since, ArtifactKind kind,
                                       const std::vector<manifest::ImageManifest>& candidates);

// The changelog of one target. name = the target's image name; to = the target; from =
// baseline->ref. Entries: candidates after the baseline and not newer than the target
// (ordered oldest first by the artifact's order, ties by uuid), the target always among them
// unless the target is not after the baseline (a pinned downgrade: no entries). Without a
// baseline only the target itself: the whole history is not a change list.
manifest::ChangelogArtifact changelog_for(ArtifactKind kind, const manifest::ImageManifest& target,
                                          const std::vector<manifest::ImageManifest>& candidates,
                                          const std::optional<Baseline>& baseline);

}  // namespace builder
