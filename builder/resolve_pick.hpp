#pragma once
// The per-service half of builder::resolve (resolve.hpp): parse a selection, list a
// service's images on the channel, drop images no rule can order, and pick the newest or
// the pinned one. Internal to the builder library; tests use it directly.

#include <builder/resolve.hpp>
#include <builder/service_map.hpp>

#include <common/error.hpp>
#include <imgapi/client.hpp>
#include <manifest/image_manifest.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace builder {

// IMGAPI's version rule (reference/imgapi.md §4.1): ^[A-Za-z0-9._/+-]+$, at most 512 chars.
bool is_imgapi_version(std::string_view text);

struct Candidates {
  std::vector<manifest::ImageManifest> usable;  // each uuid once, in listing order
  std::vector<TrimNote> unusable;               // {"image U (name@version)", why ignored}
};

// Why `image` cannot be a target of this kind, "" when it can: published_at that is no
// IMGAPI time stamp, no usable files[0], or for sdcadm a version that is not semver or no
// time in tags.buildstamp (sdcadm's own order needs both).
std::string unusable_reason(ArtifactKind kind, const manifest::ImageManifest& image);

// Every active image of the entry's names on `channel` (ListImages per name; the client
// pages and re-checks names). A 422 from the server about the channel becomes
// Error(unknown_channel).
Candidates list_candidates(imgapi::Client& updates, const ServiceMapEntry& entry,
                           const std::string& channel);

// The target for `entry`: the pinned image (selection with uuid or version), else the
// newest usable candidate by compare_newness (ties: greater uuid), nullopt when there is
// none. Pins: a uuid must be an active image on `channel` carrying one of the entry's
// names (else Error(not_found) saying which channels have it, or Error(usage) for another
// service's image); a version must match exactly one usable candidate (Error(not_found)
// for none, Error(usage) listing them for several).
std::optional<manifest::ImageManifest> pick_image(
    imgapi::Client& updates, const ServiceMapEntry& entry,
    const std::vector<manifest::ImageManifest>& usable, const std::optional<Selection>& selection,
    const std::string& channel);

// Error(not_found) for a named service with no image on the channel, saying in which other
// channels images of its names exist, if any.
common::Error no_image_error(imgapi::Client& updates, const ServiceMapEntry& entry,
                             const std::string& channel);

}  // namespace builder
