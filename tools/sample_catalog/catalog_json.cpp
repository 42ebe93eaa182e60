#include <tools/sample_catalog/catalog_json.hpp>

#include <tools/sample_catalog/image_files.hpp>
#include <tools/sample_catalog/service_table.hpp>

#include <manifest/image_manifest.hpp>

#include <algorithm>
#include <map>

namespace sample_catalog {

namespace {

struct TypeOs {
  const char* type;
  const char* os;
};

TypeOs type_os(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::base:
    case ArtifactKind::origin:
    case ArtifactKind::zone: return {"zone-dataset", "smartos"};
    case ArtifactKind::platform: return {"other", "smartos"};
    default: return {"other", "other"};
  }
}

// Core zone images carry the boolean, the other Triton artifacts the string "true"
// (imgapi.md §8: both forms exist on the real server). Bases and origins are OS images.
common::Json tags_for(const PlannedImage& image) {
  common::Json tags = common::Json::object();
  switch (image.kind) {
    case ArtifactKind::base:
    case ArtifactKind::origin:
      tags["role"] = "os";
      tags["group"] = image.name;
      break;
    case ArtifactKind::zone: tags["smartdc_service"] = true; break;
    default: tags["smartdc_service"] = "true"; break;
  }
  if (!image.buildstamp_tag.empty()) tags["buildstamp"] = image.buildstamp_tag;
  return tags;
}

common::Json service_map(const std::vector<ServiceEntry>& entries) {
  common::Json map = common::Json::object();
  for (const ServiceEntry& e : entries) map[e.service] = e.names;
  return map;
}

common::Json summary_entry(const PlannedImage& image, const FileDigest& file) {
  common::Json j = common::Json::object();
  j["uuid"] = image.uuid;
  j["version"] = image.version;
  j["published_at"] = image.published_at;
  j["channels"] = image.channels;
  j["origin"] = image.origin.empty() ? common::Json(nullptr) : common::Json(image.origin);
  j["kind"] = kind_name(image.kind);
  j["services"] = image.services;
  j["file_name"] = image.file_name;
  j["size"] = file.size;
  j["sha1"] = file.sha1;
  if (!image.buildstamp_tag.empty()) j["buildstamp"] = image.buildstamp_tag;
  return j;
}

}  // namespace

common::Json image_manifest(const PlannedImage& image, const FileDigest& file) {
  const TypeOs t = type_os(image.kind);
  common::Json m = common::Json::object();
  m["v"] = 2;
  m["uuid"] = image.uuid;
  m["owner"] = "00000000-0000-0000-0000-000000000000";
  m["name"] = image.name;
  m["version"] = image.version;
  m["state"] = "active";
  m["disabled"] = false;
  m["public"] = false;
  m["published_at"] = image.published_at;
  m["type"] = t.type;
  m["os"] = t.os;
  common::Json f = common::Json::object();
  f["sha1"] = file.sha1;
  f["size"] = file.size;
  f["compression"] = file_compression(image.kind);
  m["files"] = common::Json::array({f});
  m["description"] = image.description;
  if (!image.min_platform.empty()) {
    m["requirements"] = {{"min_platform", {{"7.0", image.min_platform}}}};
  }
  if (!image.origin.empty()) m["origin"] = image.origin;
  m["tags"] = tags_for(image);
  m["channels"] = image.channels;
  return manifest::in_imgapi_order(m);
}

common::Json channels_json() {
  const std::vector<std::pair<const char*, const char*>> channels = {
      {"experimental", "feature-branch builds (warning: 'latest' isn't meaningful)"},
      {"dev", "main development branch builds"},
      {"staging", "staging for release branch builds before a full release"},
      {"release", "release bits"},
      {"support", "MNX-supported release bits"},
  };
  common::Json list = common::Json::array();
  for (const auto& [name, description] : channels) {
    common::Json ch = common::Json::object();
    ch["name"] = name;
    ch["description"] = description;
    if (std::string(name) == "dev") ch["default"] = true;
    list.push_back(ch);
  }
  return list;
}

common::Json catalog_summary(const CatalogPlan& plan, const std::vector<FileDigest>& files) {
  // Group by name in order of first appearance; each group oldest first.
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < plan.images.size(); ++i) {
    auto& group = groups[plan.images[i].name];
    if (group.empty()) names.push_back(plan.images[i].name);
    group.push_back(i);
  }
  common::Json artifacts = common::Json::object();
  for (const std::string& name : names) {
    std::vector<std::size_t>& group = groups[name];
    std::sort(group.begin(), group.end(), [&plan](std::size_t a, std::size_t b) {
      return plan.images[a].published_at < plan.images[b].published_at;
    });
    common::Json list = common::Json::array();
    for (const std::size_t i : group) list.push_back(summary_entry(plan.images[i], files[i]));
    artifacts[name] = list;
  }
  common::Json j = common::Json::object();
  j["generator"] = "sample-catalog";
  j["seed"] = plan.seed;
  j["scale"] = plan.scale;
  j["images"] = plan.images.size();
  std::uint64_t total = 0;
  for (const FileDigest& f : files) total += f.size;
  j["total_bytes"] = total;
  j["services"] = service_map(service_table());
  j["extra_services"] = service_map(extra_zone_services());
  j["artifacts"] = artifacts;
  return j;
}

}  // namespace sample_catalog
