#pragma once
// What the sample catalog contains: every image's name, version, uuid, dates, channels,
// origin and payload size, decided without touching the disk (pure, unit-tested). The
// rules the content is built to exercise are listed at the top of catalog_plan.cpp.

#include <cstdint>
#include <string>
#include <vector>

namespace sample_catalog {

enum class ArtifactKind {
  base,        // an OS base image (minimal-64-lts): zone-dataset, no origin
  origin,      // a triton-origin image: zone-dataset, incremental on a base or origin
  zone,        // a core service zone image: zone-dataset, incremental on an origin
  agent,       // a global-zone agent: .tgz with <name>/image_uuid
  agentsshar,  // the agents installer shar (.sh, compression none)
  gz_tools,    // gz-tools .tgz (gz-tools/tools.tar.gz holds etc/gz-tools.image)
  platform,    // platform .tgz (platform-<stamp>/...)
  sdcadm,      // the sdcadm shar (.sh, semver version, tags.buildstamp)
};

// "base", "origin", "zone", "agent", "agentsshar", "gz-tools", "platform", "sdcadm".
const char* kind_name(ArtifactKind kind);

struct PlannedImage {
  ArtifactKind kind = ArtifactKind::zone;
  std::string uuid;
  std::string name;
  std::string version;
  std::string published_at;           // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  std::int64_t build_time = 0;        // seconds since the epoch (tar mtimes, stamps)
  std::string build_stamp;            // "YYYYMMDDTHHMMSSZ" of build_time
  std::string buildstamp_tag;         // tags.buildstamp; "" = no such tag
  std::string origin;                 // parent image uuid; "" = none
  std::vector<std::string> channels;  // in ListChannels order
  std::string description;
  std::string min_platform;           // requirements.min_platform["7.0"]; "" = none
  std::string file_name;              // the name the real build publishes the file under
  std::vector<std::string> services;  // SAPI services that use this image name
  std::uint64_t payload_bytes = 0;    // random bytes inside the image file
};

struct CatalogPlan {
  std::uint64_t seed = 0;
  std::uint64_t scale = 0;
  // Every image once; each origin comes before the images built on it.
  std::vector<PlannedImage> images;
};

// The standard channels of an updates server, in ListChannels order ("dev" is default).
const std::vector<std::string>& standard_channels();

// Smallest payload of any image file, so even a tiny --scale gives real files.
constexpr std::uint64_t k_min_payload = 1024;

// The plan for `seed` and a total image-file size of about `scale` bytes. Names,
// versions, dates and channels do not depend on the seed; uuids (and so the bytes) do.
CatalogPlan plan_catalog(std::uint64_t seed, std::uint64_t scale);

// A version-4-shaped uuid derived from SHA-1 of (seed, name, version).
std::string derive_uuid(std::uint64_t seed, const std::string& name, const std::string& version);

// The 7-hex "git sha" of a build of `name` at `stamp` (seed-independent).
std::string fake_git_sha(const std::string& name, const std::string& stamp);

}  // namespace sample_catalog
