#pragma once
// Trimming a bundle to what a DC lacks (`build --inventory DC.json`), and the baseline
// both the trim and the changelogs measure from: what the DC runs now for one artifact.
//
// "Newer" follows sdcadm: published_at for service, agent, agentsshar and gz-tools images;
// for the platform the build stamp (the DC knows its platforms only as
// YYYYMMDDTHHMMSSZ); for sdcadm semver, then the buildstamp time.

#include <builder/origin_closure.hpp>
#include <builder/resolve.hpp>
#include <builder/service_map.hpp>

#include <manifest/changelog.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/inventory.hpp>
#include <manifest/version_order.hpp>

#include <optional>
#include <string>
#include <vector>

namespace builder {

// A point in an artifact's history: images "after" it are newer.
struct Baseline {
  enum class Order { published_at, platform_stamp, sdcadm };
  Order order = Order::published_at;
  std::string published_at;               // Order::published_at
  std::string stamp;                      // Order::platform_stamp (YYYYMMDDTHHMMSSZ)
  manifest::SdcadmVersion sdcadm;         // Order::sdcadm
  std::optional<manifest::ChangelogRef> ref;  // the image at this point, when known
  std::string label;                      // for notes: "master-2025...Z-g1a2b3c4"

  // True when `image` is newer than this point by the baseline's order. Throws
  // Error(bad_data) when the image lacks what the order needs (e.g. no build stamp).
  bool is_before(const manifest::ImageManifest& image) const;
};

// What the DC runs for `entry`, from the inventory: the oldest current image of a service
// or agent (sdcadm's update marker), the agentsshar and gz-tools the DC has, its newest
// platform, its sdcadm. Image uuids the inventory does not describe are looked up on the
// updates server (any channel). `candidates` are the artifact's images on the channel,
// used to name the platform/sdcadm image matching the DC's. nullopt when the DC has none
// or its image is unknown everywhere (nothing to compare against).
std::optional<Baseline> dc_baseline(const manifest::Inventory& inventory,
                                    const ServiceMapEntry& entry,
                                    const std::vector<manifest::ImageManifest>& candidates,
                                    ManifestCache& cache);

// True when the DC runs `entry` at all: a service or agent it lists (inventory services,
// or agents for agents); agentsshar, gz-tools, platform and sdcadm always.
bool dc_runs(const manifest::Inventory& inventory, const ServiceMapEntry& entry);

enum class Named { no, yes };    // the user named the service on the command line
enum class Pinned { no, yes };   // SERVICE@UUID / SERVICE@VERSION

// Whether a target stays in a trimmed bundle; nullopt = keep, else the note saying why it
// was left out. In this order: a service/agent the DC does not run (unless named); a target
// not newer than `dc` (unless pinned); an image the DC already has active.
std::optional<TrimNote> trim_target(const manifest::Inventory& inventory,
                                    const ServiceMapEntry& entry,
                                    const manifest::ImageManifest& target, Named named,
                                    Pinned pinned, const std::optional<Baseline>& dc);

// "service imgapi", "agent cn-agent", "agentsshar", "platform", ... for notes.
std::string entry_label(const ServiceMapEntry& entry);

}  // namespace builder
