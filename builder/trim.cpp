#include <builder/trim.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <algorithm>

namespace builder {

namespace {

std::string describe(const manifest::ImageManifest& image) {
  return image.uuid() + " (" + image.name() + "@" + image.version() + ")";
}

// The image's build stamp, refusing a platform image that has none: without it the DC's
// platforms cannot be compared with it.
std::string require_stamp(const manifest::ImageManifest& image) {
  std::string stamp = platform_stamp(image);
  if (stamp.empty()) {
    throw common::Error(common::ExitCode::bad_data,
                        "platform image " + describe(image) +
                            " has no YYYYMMDDTHHMMSSZ build stamp in its version or "
                            "tags.buildstamp; it cannot be compared with the DC's platforms");
  }
  return stamp;
}

int compare_with_sdcadm(const manifest::ImageManifest& image, const manifest::SdcadmVersion& dc) {
  const manifest::SdcadmVersion candidate{image.version(), image.tag_string("buildstamp")};
  // An inventory without a build stamp for its sdcadm: semver alone decides, and an equal
  // semver counts as "not newer" (the conservative answer: nothing is left out wrongly
  // because a same-version rebuild is rare and can still be pinned).
  if (!manifest::buildstamp_time(dc.buildstamp)) {
    return manifest::compare_semver(candidate.version, dc.version);
  }
  return manifest::compare_sdcadm(candidate, dc);
}

// The oldest of `uuids` the inventory's image list or the updates server can date.
std::optional<Baseline> oldest_current(const manifest::Inventory& inventory,
                                       const std::vector<std::string>& uuids,
                                       ManifestCache& cache) {
  std::optional<Baseline> oldest;
  for (const std::string& uuid : uuids) {
    std::string published_at, version;
    if (const manifest::InventoryImage* known = inventory.find_image(uuid)) {
      published_at = known->published_at;
      version = known->version;
    } else if (const manifest::ImageManifest* upstream = cache.find(uuid)) {
      published_at = upstream->published_at();
      version = upstream->version();
    }
    if (!manifest::parse_published_at(published_at)) {
      common::log::debug("DC image " + uuid + " has no usable published_at; not compared");
      continue;
    }
    if (!oldest || manifest::compare_published_at(published_at, oldest->published_at) < 0) {
      Baseline b;
      b.published_at = published_at;
      b.ref = manifest::ChangelogRef{uuid, version};
      b.label = version + " (published " + published_at + ")";
      oldest = std::move(b);
    }
  }
  return oldest;
}

std::optional<Baseline> platform_baseline(const manifest::Inventory& inventory,
                                          const std::vector<manifest::ImageManifest>& candidates) {
  std::string stamp;
  for (const manifest::InventoryPlatform& p : inventory.platforms) {
    const auto s = manifest::buildstamp_time(p.version);
    if (!s) continue;
    if (p.latest) {
      stamp = *s;
      break;
    }
    stamp = std::max(stamp, *s);
  }
  if (stamp.empty()) return std::nullopt;
  Baseline b;
  b.order = Baseline::Order::platform_stamp;
  b.stamp = stamp;
  b.label = "platform " + stamp;
  const manifest::ImageManifest* match = nullptr;
  for (const manifest::ImageManifest& c : candidates) {
    if (platform_stamp(c) != stamp) continue;
    if (match == nullptr || compare_newness(ArtifactKind::platform, c, *match) > 0) match = &c;
  }
  if (match != nullptr) b.ref = manifest::ChangelogRef{match->uuid(), match->version()};
  return b;
}

std::optional<Baseline> sdcadm_baseline(const manifest::Inventory& inventory,
                                        const std::vector<manifest::ImageManifest>& candidates) {
  if (inventory.sdcadm.version.empty()) return std::nullopt;
  if (!manifest::parse_semver(inventory.sdcadm.version)) {
    throw common::Error(common::ExitCode::bad_data,
                        "inventory: sdcadm.version \"" + inventory.sdcadm.version +
                            "\" is not a semver version; re-export the inventory");
  }
  Baseline b;
  b.order = Baseline::Order::sdcadm;
  b.sdcadm = {inventory.sdcadm.version, inventory.sdcadm.buildstamp};
  b.label = "sdcadm " + inventory.sdcadm.version + " (" + inventory.sdcadm.buildstamp + ")";
  for (const manifest::ImageManifest& c : candidates) {
    if (c.version() == b.sdcadm.version && c.tag_string("buildstamp") == b.sdcadm.buildstamp) {
      b.ref = manifest::ChangelogRef{c.uuid(), c.version()};
    }
  }
  return b;
}

std::vector<std::string> agent_images(const manifest::Inventory& inventory,
                                      const std::string& name) {
  if (const manifest::InventoryAgent* agent = inventory.find_agent(name)) return agent->images;
  return inventory.current_images_for_service(name);
}

}  // namespace

bool Baseline::is_before(const manifest::ImageManifest& image) const {
  switch (order) {
    case Order::published_at:
      try {
        return manifest::compare_published_at(image.published_at(), published_at) > 0;
      } catch (const common::Error& e) {
        throw e.with_context("image " + describe(image));
      }
    case Order::platform_stamp: return require_stamp(image) > stamp;
    case Order::sdcadm:
      try {
        return compare_with_sdcadm(image, sdcadm) > 0;
      } catch (const common::Error& e) {
        throw e.with_context("image " + describe(image));
      }
  }
  return true;
}

std::optional<Baseline> dc_baseline(const manifest::Inventory& inventory,
                                    const ServiceMapEntry& entry,
                                    const std::vector<manifest::ImageManifest>& candidates,
                                    ManifestCache& cache) {
  switch (entry.kind) {
    case ArtifactKind::service:
      return oldest_current(inventory, inventory.current_images_for_service(entry.name), cache);
    case ArtifactKind::agent:
      return oldest_current(inventory, agent_images(inventory, entry.name), cache);
    case ArtifactKind::agentsshar:
      if (!inventory.agentsshar) return std::nullopt;
      return oldest_current(inventory, {inventory.agentsshar->uuid}, cache);
    case ArtifactKind::gz_tools:
      if (!inventory.gz_tools) return std::nullopt;
      return oldest_current(inventory, {inventory.gz_tools->uuid}, cache);
    case ArtifactKind::platform: return platform_baseline(inventory, candidates);
    case ArtifactKind::sdcadm: return sdcadm_baseline(inventory, candidates);
  }
  return std::nullopt;
}

bool dc_runs(const manifest::Inventory& inventory, const ServiceMapEntry& entry) {
  switch (entry.kind) {
    case ArtifactKind::service: return inventory.runs_service(entry.name);
    case ArtifactKind::agent:
      return inventory.find_agent(entry.name) != nullptr || inventory.runs_service(entry.name);
    default: return true;
  }
}

std::string entry_label(const ServiceMapEntry& entry) {
  switch (entry.kind) {
    case ArtifactKind::service: return "service " + entry.name;
    case ArtifactKind::agent: return "agent " + entry.name;
    default: return entry.name;
  }
}

std::optional<TrimNote> trim_target(const manifest::Inventory& inventory,
                                    const ServiceMapEntry& entry,
                                    const manifest::ImageManifest& target, Named named,
                                    Pinned pinned, const std::optional<Baseline>& dc) {
  const std::string what = entry_label(entry);
  if (named == Named::no && !dc_runs(inventory, entry)) {
    return TrimNote{what, "not run by the DC (name it to include it anyway)"};
  }
  if (pinned == Pinned::no && dc && !dc->is_before(target)) {
    return TrimNote{what, "the newest image " + describe(target) +
                              " is not newer than what the DC runs: " + dc->label};
  }
  if (inventory.has_active_image(target.uuid())) {
    return TrimNote{what, "image " + describe(target) +
                              " is already active in the DC's IMGAPI; the DC can use it without "
                              "this bundle"};
  }
  return std::nullopt;
}

}  // namespace builder
