#pragma once
// Manifests and a Resolution written in code (no server): images with given names, versions
// and files, for the pack, build-report and lying-server tests.

#include <builder/resolve.hpp>

#include <common/json.hpp>
#include <manifest/image_manifest.hpp>

#include <string>
#include <vector>

namespace artifact_test {

// An active zone image's manifest in API form (published 2025-01-01, no channels).
inline common::Json manifest_json(const std::string& uuid, const std::string& name,
                                  const std::string& version, const manifest::ImageFile& file) {
  const common::Json files = common::Json::array(
      {{{"sha1", file.sha1}, {"size", file.size}, {"compression", file.compression}}});
  return {{"v", 2},
          {"uuid", uuid},
          {"owner", "00000000-0000-0000-0000-000000000000"},
          {"name", name},
          {"version", version},
          {"state", "active"},
          {"disabled", false},
          {"public", false},
          {"published_at", "2025-01-01T00:00:00.000Z"},
          {"type", "zone-dataset"},
          {"os", "smartos"},
          {"files", files}};
}

inline builder::ResolvedArtifact artifact(const std::string& uuid, const std::string& name,
                                          const std::string& version,
                                          const manifest::ImageFile& file,
                                          const std::string& role = "service-image") {
  common::Json m = manifest_json(uuid, name, version, file);
  std::vector<std::string> services;
  if (role == "service-image") services = {name};
  return builder::ResolvedArtifact{
      role, services, manifest::ImageManifest::from_json(std::move(m), "test manifest " + uuid),
      false, ""};
}

inline builder::Resolution resolution(std::vector<builder::ResolvedArtifact> artifacts) {
  builder::Resolution r;
  r.source_url = "http://updates.example.com";
  r.channel = "dev";
  r.artifacts = std::move(artifacts);
  return r;
}

}  // namespace artifact_test
