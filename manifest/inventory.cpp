// The DC inventory (docs/inventory.md). Written by `sdcadm-install inventory` on the headnode,
// carried to the connected side by hand, read by `sdcadm-bundle build --inventory`. Every
// refusal names the field path, so an operator can fix or regenerate the file.
#include <manifest/inventory.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/json_fields.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <unordered_set>

namespace manifest {

namespace {

using common::ExitCode;
using common::Json;
using fields::Presence;
using fields::Reader;

std::string name_field(const Reader& r, const Json& j, const char* key, const std::string& path) {
  std::string s = r.string(j, key, path);
  const bool bad = s.empty() || s.size() > 255 || std::any_of(s.begin(), s.end(), [](char c) {
                     const auto u = static_cast<unsigned char>(c);
                     return u < 0x20 || u == 0x7f;
                   });
  if (bad) {
    r.fail(fields::join(path, key), fields::quote(s) +
                                        " must be 1 to 255 bytes without control characters");
  }
  return s;
}

std::string uuid_field(const Reader& r, const Json& j, const char* key, const std::string& path,
                       Presence presence = Presence::required) {
  std::string s = r.string(j, key, path, presence);
  if ((presence == Presence::required || j.contains(key)) && !is_uuid(s)) {
    r.fail(fields::join(path, key), fields::quote(s) + " is not a lower-case UUID");
  }
  return s;
}

// Names of services, agents, images and platforms must be unique in their list.
void check_unique(const Reader& r, std::unordered_set<std::string>& seen, const std::string& key,
                  const std::string& path) {
  if (!seen.insert(key).second) r.fail(path, "duplicate " + fields::quote(key));
}

InventoryInstance read_instance(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  InventoryInstance out;
  out.uuid = uuid_field(r, j, "uuid", path);
  out.alias = r.string(j, "alias", path, Presence::optional);
  out.server = uuid_field(r, j, "server", path, Presence::optional);
  out.image = uuid_field(r, j, "image", path);
  return out;
}

InventoryService read_service(const Reader& r, const Json& j, const std::string& path,
                              std::size_t& instances_left) {
  r.expect_object(j, path);
  InventoryService out;
  out.name = name_field(r, j, "name", path);
  const std::string type = r.string(j, "type", path);
  if (type == "vm") {
    out.type = ServiceType::vm;
  } else if (type == "agent") {
    out.type = ServiceType::agent;
  } else {
    r.fail(path + ".type", fields::quote(type) + " is not \"vm\" or \"agent\"");
  }
  out.params_image = uuid_field(r, j, "params_image", path, Presence::optional);
  const Json* list = r.array(j, "instances", path, instances_left);
  instances_left -= list->size();  // the limit is on all services together
  for (std::size_t i = 0; i < list->size(); ++i) {
    out.instances.push_back(read_instance(r, (*list)[i], fields::index(path + ".instances", i)));
  }
  return out;
}

InventoryImage read_image(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  InventoryImage out;
  out.uuid = uuid_field(r, j, "uuid", path);
  out.name = name_field(r, j, "name", path);
  out.version = name_field(r, j, "version", path);
  out.published_at = r.string(j, "published_at", path);
  if (!parse_published_at(out.published_at)) {
    r.fail(path + ".published_at",
           fields::quote(out.published_at) + " is not an IMGAPI time stamp");
  }
  return out;
}

InventoryPlatform read_platform(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  InventoryPlatform out;
  out.version = name_field(r, j, "version", path);
  out.latest = r.boolean(j, "latest", path, Presence::optional);
  out.boot = r.boolean(j, "boot", path, Presence::optional);
  out.servers = r.uint(j, "servers", path, Presence::optional);
  return out;
}

InventoryAgent read_agent(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  InventoryAgent out;
  out.name = name_field(r, j, "name", path);
  const Json* list = r.array(j, "images", path, k_inventory_max_items);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = fields::index(path + ".images", i);
    out.images.push_back(r.expect_string((*list)[i], p));
    if (!is_uuid(out.images.back())) r.fail(p, fields::quote(out.images.back()) + " is not a UUID");
  }
  return out;
}

// Reads list `key` with `read`, checking the names `key_of` returns are unique.
template <typename T, typename ReadFn, typename KeyFn>
std::vector<T> read_list(const Reader& r, const Json& j, const char* key, ReadFn read,
                         KeyFn key_of) {
  const Json* list = r.array(j, key, "", k_inventory_max_items);
  std::vector<T> out;
  out.reserve(list->size());
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = fields::index(key, i);
    out.push_back(read(r, (*list)[i], path));
    check_unique(r, seen, key_of(out.back()), path);
  }
  return out;
}

void read_header(const Reader& r, const Json& j, Inventory& out) {
  if (r.string(j, "format", "") != k_inventory_format) {
    r.fail("format", std::string("is not \"") + k_inventory_format +
                         "\"; this is not an inventory written by sdcadm-install inventory");
  }
  const std::int64_t version = r.int64(j, "schema_version", "");
  if (version > k_inventory_schema_version) {
    r.fail("schema_version", "inventory schema version " + std::to_string(version) +
                                 " is newer than this program understands (1); use a newer "
                                 "sdcadm-bundle");
  }
  if (version < 1) r.fail("schema_version", "must be 1 or more");
  out.schema_version = static_cast<int>(version);
  out.datacenter = name_field(r, j, "datacenter", "");
  out.created = r.string(j, "created", "");
  if (!parse_published_at(out.created) || out.created.size() != 20) {
    r.fail("created", fields::quote(out.created) + " is not of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  if (j.contains("update_channel")) out.update_channel = name_field(r, j, "update_channel", "");
  const Json* sdcadm = r.object(j, "sdcadm", "");
  out.sdcadm.version = r.string(*sdcadm, "version", "sdcadm");
  if (!parse_semver(out.sdcadm.version)) {
    r.fail("sdcadm.version", fields::quote(out.sdcadm.version) + " is not a semver version");
  }
  out.sdcadm.buildstamp = r.string(*sdcadm, "buildstamp", "sdcadm");
  if (!buildstamp_time(out.sdcadm.buildstamp)) {
    r.fail("sdcadm.buildstamp",
           fields::quote(out.sdcadm.buildstamp) + " has no YYYYMMDDTHHMMSSZ time segment");
  }
  if (j.contains("trust_root_version")) {
    out.trust_root_version = r.int64(j, "trust_root_version", "");
    if (*out.trust_root_version < 1) r.fail("trust_root_version", "must be 1 or more");
  }
}

void read_singletons(const Reader& r, const Json& j, Inventory& out) {
  if (const Json* a = r.object(j, "agentsshar", "", Presence::optional)) {
    InventoryAgentsshar s;
    s.uuid = uuid_field(r, *a, "uuid", "agentsshar");
    s.version = name_field(r, *a, "version", "agentsshar");
    s.sha1 = r.string(*a, "sha1", "agentsshar", Presence::optional);
    if (a->contains("sha1") && !fields::is_lower_hex(s.sha1, 40)) {
      r.fail("agentsshar.sha1", "is not 40 lower-case hex digits");
    }
    out.agentsshar = std::move(s);
  }
  if (const Json* g = r.object(j, "gz_tools", "", Presence::optional)) {
    InventoryGzTools t;
    t.uuid = uuid_field(r, *g, "uuid", "gz_tools");
    t.version = r.string(*g, "version", "gz_tools", Presence::optional);
    out.gz_tools = std::move(t);
  }
}

// At most one platform can be the newest and one the default boot platform.
void check_platform_flags(const Reader& r, const std::vector<InventoryPlatform>& platforms) {
  const auto latest = std::count_if(platforms.begin(), platforms.end(),
                                    [](const InventoryPlatform& p) { return p.latest; });
  const auto boot = std::count_if(platforms.begin(), platforms.end(),
                                  [](const InventoryPlatform& p) { return p.boot; });
  if (latest > 1) r.fail("platforms", "more than one platform is marked latest");
  if (boot > 1) r.fail("platforms", "more than one platform is marked boot");
}

}  // namespace

std::string_view to_string(ServiceType type) { return type == ServiceType::vm ? "vm" : "agent"; }

Inventory Inventory::parse(std::string_view bytes) {
  const Reader r("inventory", ExitCode::bad_data);
  const Json j = r.parse_object(bytes, k_inventory_max_depth, k_inventory_max_bytes);
  Inventory out;
  read_header(r, j, out);
  std::size_t instances_left = k_inventory_max_items;
  out.services = read_list<InventoryService>(
      r, j, "services",
      [&](const Reader& rr, const Json& v, const std::string& p) {
        return read_service(rr, v, p, instances_left);
      },
      [](const InventoryService& s) { return s.name; });
  out.images = read_list<InventoryImage>(r, j, "images", read_image,
                                         [](const InventoryImage& i) { return i.uuid; });
  out.platforms = read_list<InventoryPlatform>(
      r, j, "platforms", read_platform, [](const InventoryPlatform& p) { return p.version; });
  check_platform_flags(r, out.platforms);
  out.agents = read_list<InventoryAgent>(r, j, "agents", read_agent,
                                         [](const InventoryAgent& a) { return a.name; });
  read_singletons(r, j, out);
  out.unknown = fields::unknown_keys(
      j, {"format", "schema_version", "datacenter", "created", "update_channel", "sdcadm", "trust_root_version",
          "services", "images", "platforms", "agents", "agentsshar", "gz_tools"});
  out.source_sha256 = inventory_digest(bytes);
  return out;
}

namespace {

Json service_json(const InventoryService& s) {
  Json j = Json::object();
  j["name"] = s.name;
  j["type"] = std::string(to_string(s.type));
  if (!s.params_image.empty()) j["params_image"] = s.params_image;
  Json instances = Json::array();
  for (const auto& i : s.instances) {
    Json ij = Json::object();
    ij["uuid"] = i.uuid;
    if (!i.alias.empty()) ij["alias"] = i.alias;
    if (!i.server.empty()) ij["server"] = i.server;
    ij["image"] = i.image;
    instances.push_back(std::move(ij));
  }
  j["instances"] = std::move(instances);
  return j;
}

}  // namespace

std::string Inventory::serialize() const {
  Json j = Json::object();
  j["format"] = k_inventory_format;
  j["schema_version"] = schema_version;
  j["datacenter"] = datacenter;
  j["created"] = created;
  if (!update_channel.empty()) j["update_channel"] = update_channel;
  j["sdcadm"] = Json::object({{"version", sdcadm.version}, {"buildstamp", sdcadm.buildstamp}});
  if (trust_root_version) j["trust_root_version"] = *trust_root_version;
  j["services"] = Json::array();
  for (const auto& s : services) j["services"].push_back(service_json(s));
  j["images"] = Json::array();
  for (const auto& i : images) {
    j["images"].push_back(Json::object({{"uuid", i.uuid},
                                        {"name", i.name},
                                        {"version", i.version},
                                        {"published_at", i.published_at}}));
  }
  j["platforms"] = Json::array();
  for (const auto& p : platforms) {
    j["platforms"].push_back(Json::object(
        {{"version", p.version}, {"latest", p.latest}, {"boot", p.boot}, {"servers", p.servers}}));
  }
  j["agents"] = Json::array();
  for (const auto& a : agents) {
    j["agents"].push_back(Json::object({{"name", a.name}, {"images", a.images}}));
  }
  if (agentsshar) {
    Json a = Json::object({{"uuid", agentsshar->uuid}, {"version", agentsshar->version}});
    if (!agentsshar->sha1.empty()) a["sha1"] = agentsshar->sha1;
    j["agentsshar"] = std::move(a);
  }
  if (gz_tools) {
    Json g = Json::object({{"uuid", gz_tools->uuid}});
    if (!gz_tools->version.empty()) g["version"] = gz_tools->version;
    j["gz_tools"] = std::move(g);
  }
  fields::append_unknown(j, unknown);
  return common::dump_json(j) + "\n";
}

std::string Inventory::digest() const {
  return source_sha256.empty() ? inventory_digest(serialize()) : source_sha256;
}

const InventoryService* Inventory::find_service(std::string_view name) const {
  const auto it = std::find_if(services.begin(), services.end(),
                               [&](const InventoryService& s) { return s.name == name; });
  return it == services.end() ? nullptr : &*it;
}

const InventoryImage* Inventory::find_image(std::string_view uuid) const {
  const auto it = std::find_if(images.begin(), images.end(),
                               [&](const InventoryImage& i) { return i.uuid == uuid; });
  return it == images.end() ? nullptr : &*it;
}

const InventoryAgent* Inventory::find_agent(std::string_view name) const {
  const auto it = std::find_if(agents.begin(), agents.end(),
                               [&](const InventoryAgent& a) { return a.name == name; });
  return it == agents.end() ? nullptr : &*it;
}

bool Inventory::runs_service(std::string_view name) const { return find_service(name) != nullptr; }

bool Inventory::has_active_image(std::string_view uuid) const {
  return find_image(uuid) != nullptr;
}

std::vector<std::string> Inventory::current_images_for_service(std::string_view name) const {
  const InventoryService* s = find_service(name);
  std::vector<std::string> out;
  if (s == nullptr) return out;
  for (const auto& i : s->instances) {
    if (std::find(out.begin(), out.end(), i.image) == out.end()) out.push_back(i.image);
  }
  // sdcadm falls back to SAPI's params.image_uuid for a service without instances.
  if (out.empty() && !s->params_image.empty()) out.push_back(s->params_image);
  return out;
}

std::optional<std::string> Inventory::current_published_at(std::string_view service) const {
  std::optional<std::string> oldest;
  for (const auto& uuid : current_images_for_service(service)) {
    const InventoryImage* image = find_image(uuid);
    if (image == nullptr) continue;
    if (!oldest || compare_published_at(image->published_at, *oldest) < 0) {
      oldest = image->published_at;
    }
  }
  return oldest;
}

bool Inventory::has_platform(std::string_view version) const {
  return std::any_of(platforms.begin(), platforms.end(),
                     [&](const InventoryPlatform& p) { return p.version == version; });
}

std::string inventory_digest(std::string_view bytes) {
  return common::hex_digest(common::HashAlgorithm::sha256, bytes);
}

}  // namespace manifest
