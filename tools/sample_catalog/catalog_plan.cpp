// The sample catalog's content, chosen so that every rule sdcadm and the updates server
// apply when picking images can be exercised (sdcadm.md §2.4, §5; imgapi.md §5, §8):
//
// Timeline (day = days after 2025-01-01; channel = publish channel + later promotions):
//   slot branch            day  channels                    publishing rule (bits-upload.sh)
//   1    master             2   dev                         master => dev
//   2    release-20250102   3   staging, release, support   release-* => staging, promoted
//   3    master            12   dev
//   4    release-20250116  16   staging, release
//   5    master            27   dev
//   6    release-20250130  30   staging                     newest release: not promoted yet
//   7    master            38   dev
//   8    release-20250116  35   staging, release            a hotfix on an older release branch
//   9    TRITON-2468       41   experimental                feature branch => experimental
//  10    master            33   dev                         sdcadm only: same-semver rebuild
//
// Rules made testable:
//  - "newest" = greatest published_at, never the version string: master builds
//    ("master-...") sort below release builds ("release-...") as strings, so every
//    service whose newest build is a master build (patterns 0, 1, 3) has a newest image
//    that is not the greatest version; imgapi's newest is the slot-8 hotfix, which is
//    also not the greatest version inside staging and release.
//  - channel filtering: every zone service has at least one dev and one release image;
//    cnapi's newest image overall is in experimental only; release-20250130 is in
//    staging only.
//  - multi-name services (binder, mahi, moray, prometheus) have images under both names;
//    binder's and prometheus' newest image is under the second name, moray's and mahi's
//    under the first.
//  - origin chains: minimal-64-lts (base, no origin) <- triton-origin-x86_64-<lts> <-
//    service images (2 hops); sdc-postgres and the moray images sit on an extra
//    triton-pg-origin-x86_64-<lts> layer (3 hops). Builds before day 14 use the 21.4.0
//    family, later ones 23.4.0, so two generations of shared origins exist. Every
//    origin is in the union of its descendants' channels.
//  - agents, agentsshar, gz-tools, platform, sdcadm: see artifact_plan.cpp.
// Names, versions and dates do not depend on the seed; uuids and file bytes do.

#include <tools/sample_catalog/catalog_plan.hpp>

#include <tools/sample_catalog/plan_internal.hpp>
#include <tools/sample_catalog/service_table.hpp>
#include <tools/sample_catalog/time_stamp.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <map>

namespace sample_catalog {

namespace {

using detail::Build;
using detail::make_build;
using detail::make_build_at;
using detail::new_image;

const std::int64_t k_base_time = unix_time(2025, 1, 1);

// Stable small hash of a name: spreads builds of different artifacts over the day.
int name_jitter(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (const unsigned char c : name) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % 997);
}

// Slot lists per image name. Most services cycle through four patterns; the overrides
// create the special cases listed at the top of this file.
const std::vector<std::vector<int>> k_patterns = {
    {1, 2, 4, 5}, {3, 4, 6, 7}, {1, 2, 3, 4, 6}, {2, 5, 7}};

const std::map<std::string, std::vector<int>>& slot_overrides() {
  static const std::map<std::string, std::vector<int>> overrides = {
      {"imgapi", {1, 3, 4, 6, 8}},
      {"cnapi", {2, 5, 7, 9}},
      {"mantav2-nameservice", {1, 2}},
      {"manta-nameservice", {4, 5, 7}},
      {"mantav2-authcache", {2, 5, 7}},
      {"manta-authcache", {1, 3}},
      {"mantav2-moray", {3, 6, 7}},
      {"manta-moray", {1, 2}},
      {"mantav2-prometheus", {1, 4}},
      {"manta-prometheus", {2, 6}},
  };
  return overrides;
}

bool on_pg_origin(const std::string& name) {
  return name == "sdc-postgres" || name == "mantav2-moray" || name == "manta-moray";
}

struct Lts {
  std::string version;       // "21.4.0"
  std::string min_platform;  // the platform the family is built on
};

const Lts& lts_for_day(int day) {
  static const Lts old_lts{"21.4.0", "20210826T002459Z"};
  static const Lts new_lts{"23.4.0", "20240118T000909Z"};
  return day < 14 ? old_lts : new_lts;
}

std::string origin_name(const std::string& image_name, const Lts& lts) {
  return (on_pg_origin(image_name) ? "triton-pg-origin-x86_64-" : "triton-origin-x86_64-") +
         lts.version;
}

class ZonePlanner {
 public:
  ZonePlanner(std::uint64_t seed, std::vector<PlannedImage>& out) : m_seed(seed), m_out(out) {}

  void plan_bases_and_origins() {
    add_base("21.4.0", unix_time(2022, 5, 11, 17, 3, 12));
    add_base("23.4.0", unix_time(2024, 6, 20, 9, 41, 50));
    add_origin("triton-origin-x86_64-21.4.0", "minimal-64-lts", "21.4.0",
               unix_time(2022, 9, 12, 18, 22, 1), "20210826T002459Z");
    add_origin("triton-origin-x86_64-23.4.0", "minimal-64-lts", "23.4.0",
               unix_time(2024, 11, 5, 20, 7, 44), "20240118T000909Z");
    add_origin("triton-pg-origin-x86_64-21.4.0", "triton-origin-x86_64-21.4.0", "",
               unix_time(2023, 3, 1, 11, 15, 30), "20210826T002459Z");
    add_origin("triton-pg-origin-x86_64-23.4.0", "triton-origin-x86_64-23.4.0", "",
               unix_time(2024, 12, 10, 14, 2, 9), "20240118T000909Z");
  }

  void plan_service(const ServiceEntry& entry, std::size_t pattern_index) {
    for (const std::string& name : entry.names) {
      const auto found = slot_overrides().find(name);
      const std::vector<int>& slots = found != slot_overrides().end()
                                          ? found->second
                                          : k_patterns[pattern_index % k_patterns.size()];
      for (const int id : slots) add_zone(entry.service, name, detail::slot(id));
    }
  }

 private:
  void add_base(const std::string& version, std::int64_t time) {
    const Build b = make_build_at("lts", time, "minimal-64-lts", 0, {});
    PlannedImage img = new_image(m_seed, ArtifactKind::base, "minimal-64-lts", version, b);
    img.description = "Minimal 64-bit SmartOS base image, LTS " + version;
    img.file_name = "minimal-64-lts-" + version + ".zfs.gz";
    remember(std::move(img));
  }

  // The parent is found by name, plus version for the bases (two minimal-64-lts exist).
  void add_origin(const std::string& name, const std::string& parent,
                  const std::string& parent_version, std::int64_t time,
                  const std::string& min_platform) {
    const Build b = make_build_at("master", time, name, name_jitter(name), {});
    PlannedImage img = new_image(m_seed, ArtifactKind::origin, name, b.eng_stamp(), b);
    img.origin = uuid_of(parent_version.empty() ? parent : parent + "@" + parent_version);
    img.min_platform = min_platform;
    img.description = "Triton core zone origin image (" + name + ")";
    img.file_name = name + "-zfs-" + img.version + ".zfs.gz";
    remember(std::move(img));
  }

  void add_zone(const std::string& service, const std::string& name, const detail::Slot& s) {
    const Build b = make_build(s, name, name_jitter(name));
    PlannedImage img = new_image(m_seed, ArtifactKind::zone, name, b.eng_stamp(), b);
    const Lts& lts = lts_for_day(s.day);
    img.origin = uuid_of(origin_name(name, lts));
    img.min_platform = lts.min_platform;
    img.description = "Triton " + service + " service zone image (sample catalog)";
    img.file_name = name + "-zfs-" + img.version + ".zfs.gz";
    img.services = {service};
    m_out.push_back(std::move(img));
  }

  void remember(PlannedImage img) {
    m_uuids[img.name] = img.uuid;
    m_uuids[img.name + "@" + img.version] = img.uuid;
    m_out.push_back(std::move(img));
  }

  const std::string& uuid_of(const std::string& key) const {
    const auto it = m_uuids.find(key);
    if (it == m_uuids.end()) {
      throw common::Error(common::ExitCode::internal, "sample catalog plan: no origin " + key);
    }
    return it->second;
  }

  std::uint64_t m_seed;
  std::vector<PlannedImage>& m_out;
  std::map<std::string, std::string> m_uuids;
};

// Every origin must be fetchable in each channel one of its descendants is in. Images
// come parents-first, so walking backwards sees every child before its parent.
void propagate_origin_channels(std::vector<PlannedImage>& images) {
  std::map<std::string, PlannedImage*> by_uuid;
  for (PlannedImage& img : images) by_uuid[img.uuid] = &img;
  for (auto it = images.rbegin(); it != images.rend(); ++it) {
    if (it->origin.empty()) continue;
    PlannedImage* parent = by_uuid.at(it->origin);
    for (const std::string& ch : it->channels) {
      if (std::find(parent->channels.begin(), parent->channels.end(), ch) ==
          parent->channels.end()) {
        parent->channels.push_back(ch);
      }
    }
  }
  const auto& order = standard_channels();
  const auto rank = [&order](const std::string& ch) {
    return std::find(order.begin(), order.end(), ch) - order.begin();
  };
  for (PlannedImage& img : images) {
    std::sort(img.channels.begin(), img.channels.end(),
              [&rank](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  }
}

// Share of --scale per image by kind: zone images dominate like real updates servers
// (full bases are bigger, agents and tools are small).
double size_weight(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::base: return 3.0;
    case ArtifactKind::origin: return 1.0;
    case ArtifactKind::zone: return 1.0;
    case ArtifactKind::agent: return 0.05;
    case ArtifactKind::agentsshar: return 0.5;
    case ArtifactKind::gz_tools: return 0.1;
    case ArtifactKind::platform: return 1.5;
    case ArtifactKind::sdcadm: return 0.1;
  }
  return 1.0;
}

// Bytes a file has beyond its random payload (headers, small members, scripts).
std::uint64_t file_overhead(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::agent: return 900;
    case ArtifactKind::gz_tools: return 3000;
    case ArtifactKind::platform: return 800;
    case ArtifactKind::agentsshar:
    case ArtifactKind::sdcadm: return 700;
    default: return 40;
  }
}

void assign_sizes(std::vector<PlannedImage>& images, std::uint64_t scale) {
  double total_weight = 0;
  for (const PlannedImage& img : images) total_weight += size_weight(img.kind);
  for (PlannedImage& img : images) {
    const double share = static_cast<double>(scale) * size_weight(img.kind) / total_weight;
    const auto target = static_cast<std::uint64_t>(share);
    const std::uint64_t overhead = file_overhead(img.kind);
    img.payload_bytes = std::max(k_min_payload, target > overhead ? target - overhead : 0);
  }
}

}  // namespace

const char* kind_name(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::base: return "base";
    case ArtifactKind::origin: return "origin";
    case ArtifactKind::zone: return "zone";
    case ArtifactKind::agent: return "agent";
    case ArtifactKind::agentsshar: return "agentsshar";
    case ArtifactKind::gz_tools: return "gz-tools";
    case ArtifactKind::platform: return "platform";
    case ArtifactKind::sdcadm: return "sdcadm";
  }
  return "unknown";
}

const std::vector<std::string>& standard_channels() {
  static const std::vector<std::string> channels = {"experimental", "dev", "staging", "release",
                                                    "support"};
  return channels;
}

std::string derive_uuid(std::uint64_t seed, const std::string& name, const std::string& version) {
  common::Hasher h(common::HashAlgorithm::sha1);
  h.update("sample-catalog uuid\n" + std::to_string(seed) + "\n" + name + "\n" + version);
  std::vector<std::uint8_t> d = h.finish();
  d[6] = static_cast<std::uint8_t>((d[6] & 0x0f) | 0x40);  // version 4
  d[8] = static_cast<std::uint8_t>((d[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = common::to_hex(d);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string fake_git_sha(const std::string& name, const std::string& stamp) {
  return common::hex_digest(common::HashAlgorithm::sha1, "git " + name + " " + stamp).substr(0, 7);
}

namespace detail {

const Slot& slot(int id) {
  static const std::vector<Slot> slots = {
      {1, "master", 2, {"dev"}},
      {2, "release-20250102", 3, {"staging", "release", "support"}},
      {3, "master", 12, {"dev"}},
      {4, "release-20250116", 16, {"staging", "release"}},
      {5, "master", 27, {"dev"}},
      {6, "release-20250130", 30, {"staging"}},
      {7, "master", 38, {"dev"}},
      {8, "release-20250116", 35, {"staging", "release"}},
      {9, "TRITON-2468", 41, {"experimental"}},
      {10, "master", 33, {"dev"}},
  };
  if (id < 1 || id > static_cast<int>(slots.size())) {
    throw common::Error(common::ExitCode::internal, "sample catalog plan: no slot " +
                                                        std::to_string(id));
  }
  return slots[static_cast<std::size_t>(id - 1)];
}

Build make_build_at(const std::string& branch, std::int64_t time, const std::string& name,
                    int jitter, std::vector<std::string> channels) {
  Build b;
  b.branch = branch;
  b.time = time;
  b.stamp = compact_stamp(time);
  b.sha = fake_git_sha(name, b.stamp);
  // Publishing follows the build by 25-37 minutes (upload of the bits, then import).
  const std::int64_t published = time + 1500 + (jitter % 13) * 60 + jitter % 53;
  b.published_at = iso_millis(published, (jitter * 137 + static_cast<int>(time % 1000)) % 1000);
  b.channels = std::move(channels);
  return b;
}

Build make_build(const Slot& s, const std::string& name, int jitter) {
  const int j = jitter + s.id * 211;  // builds of one artifact happen at varying hours
  const std::int64_t time = k_base_time + s.day * 86400LL + (1 + j * 5 % 20) * 3600LL +
                            (j * 13 + 7) % 60 * 60LL + (j * 29 + 3) % 60;
  return make_build_at(s.branch, time, name, j, s.channels);
}

PlannedImage new_image(std::uint64_t seed, ArtifactKind kind, const std::string& name,
                       const std::string& version, const Build& build) {
  PlannedImage img;
  img.kind = kind;
  img.uuid = derive_uuid(seed, name, version);
  img.name = name;
  img.version = version;
  img.published_at = build.published_at;
  img.build_time = build.time;
  img.build_stamp = build.stamp;
  img.channels = build.channels;
  return img;
}

}  // namespace detail

CatalogPlan plan_catalog(std::uint64_t seed, std::uint64_t scale) {
  CatalogPlan plan;
  plan.seed = seed;
  plan.scale = scale;
  ZonePlanner zones(seed, plan.images);
  zones.plan_bases_and_origins();
  std::size_t zone_index = 0;
  for (const ServiceEntry& entry : service_table()) {
    if (entry.kind == ServiceKind::zone) zones.plan_service(entry, zone_index++);
  }
  for (const ServiceEntry& entry : extra_zone_services()) zones.plan_service(entry, zone_index++);
  detail::plan_artifacts(seed, plan.images);
  propagate_origin_channels(plan.images);
  assign_sizes(plan.images, scale);
  return plan;
}

}  // namespace sample_catalog
