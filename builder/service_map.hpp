#pragma once
// The artifacts `sdcadm-bundle build` knows: every SAPI service of sdcadm's
// imgNamesFromSvcName with its image names, which of them are global-zone agents, and the
// four artifacts that are not services (agentsshar, gz-tools, platform, sdcadm). Also how
// sdcadm decides that one image of an artifact is newer than another (sdcadm.md §2.4, §5):
// published_at for everything except sdcadm itself (semver, then the buildstamp time).

#include <manifest/image_manifest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace builder {

// Also the order in which a bundle lists its targets (services first, sdcadm last).
enum class ArtifactKind { service, agent, agentsshar, gz_tools, platform, sdcadm };

struct ServiceMapEntry {
  std::string name;                      // SAPI service name, or the artifact's name
  std::vector<std::string> image_names;  // names sdcadm accepts, preferred first
  ArtifactKind kind = ArtifactKind::service;
};

// Every entry: the services and agents of imgNamesFromSvcName in that file's order, then
// agentsshar, gz-tools, platform and sdcadm.
const std::vector<ServiceMapEntry>& service_map();

// The entry called `name` (a service or artifact name, not an image name), or nullptr.
const ServiceMapEntry* find_service(std::string_view name);

// The entry one of whose image names is `image_name` (e.g. "sdc-postgres" -> manatee), or
// nullptr. Used for "did you mean" hints.
const ServiceMapEntry* find_by_image_name(std::string_view image_name);

// The bundle-index role of a target of this kind: "service-image", "agent", "agentsshar",
// "gz-tools", "platform", "sdcadm".
std::string_view role_of(ArtifactKind kind);

// <0, 0, >0 as `a` is older than, as new as, or newer than `b` by sdcadm's rule for `kind`:
// published_at (compare_published_at) for every kind but sdcadm; for sdcadm the semver of
// "version", then the time in tags.buildstamp (compare_sdcadm). Throws Error(bad_data)
// naming the image when a field the rule needs is missing or malformed.
int compare_newness(ArtifactKind kind, const manifest::ImageManifest& a,
                    const manifest::ImageManifest& b);

// The build time stamp (YYYYMMDDTHHMMSSZ) of a platform image: from its version
// ("master-20250101T000000Z"), else its tags.buildstamp; "" when neither has one. The DC
// inventory knows its platforms by this stamp only.
std::string platform_stamp(const manifest::ImageManifest& image);

}  // namespace builder
