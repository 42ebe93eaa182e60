#pragma once
// manifest::Inventory: what a datacenter runs, as `sdcadm-install inventory -o DC.json` writes
// it and `sdcadm-bundle build --inventory DC.json` reads it to trim a bundle to what the DC
// lacks. Documented field by field in docs/inventory.md; sample: docs/examples/inventory.json.
// The file comes from another machine and may be edited by hand, so parse() is bounded and
// hostile-input safe; every refusal is common::Error(bad_data) naming the field path
// ("inventory: services[2].instances[0].image: not a UUID").

#include <common/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

inline constexpr const char* k_inventory_format = "sdcadm-inventory";
inline constexpr int k_inventory_schema_version = 1;
// Bounds: a DC of 1000 compute nodes with a dozen agents each is about 2 MiB of JSON.
inline constexpr std::size_t k_inventory_max_bytes = 16u << 20;
inline constexpr int k_inventory_max_depth = 16;
inline constexpr std::size_t k_inventory_max_items = 100000;  // per array (instances: total)

// vm: a core service zone (imgapi, sapi, ...); agent: a global-zone agent (cn-agent, ...).
enum class ServiceType { vm, agent };
std::string_view to_string(ServiceType type);

struct InventoryInstance {
  std::string uuid;    // VM uuid (vm) or instance uuid (agent)
  std::string alias;   // "" = absent (agents have none)
  std::string server;  // server uuid; "" = absent
  std::string image;   // image uuid the instance runs
};

struct InventoryService {
  std::string name;                        // SAPI service name
  ServiceType type = ServiceType::vm;
  std::vector<InventoryInstance> instances;
  std::string params_image;                // SAPI params.image_uuid; "" = absent
};

// An image in state "active" in the DC's IMGAPI.
struct InventoryImage {
  std::string uuid, name, version, published_at;
};

// A platform installed on the headnode's USB key.
struct InventoryPlatform {
  std::string version;        // e.g. "20250101T000000Z"
  bool latest = false;        // the newest installed platform
  bool boot = false;          // the default boot platform for new servers
  std::uint64_t servers = 0;  // servers currently booted on it
};

// One global-zone agent and the image uuids its instances run across the DC.
struct InventoryAgent {
  std::string name;
  std::vector<std::string> images;
};

// The agentsshar /usbkey/extra/agents/latest points at.
struct InventoryAgentsshar {
  std::string uuid, version;
  std::string sha1;  // of the .sh file; "" = absent
};

// gz-tools as /opt/smartdc/etc/gz-tools.image names them.
struct InventoryGzTools {
  std::string uuid;
  std::string version;  // "" = absent (the .image file holds only the uuid)
};

struct Inventory {
  int schema_version = k_inventory_schema_version;
  std::string datacenter;  // datacenter_name from the headnode config
  std::string created;     // YYYY-MM-DDTHH:MM:SSZ
  // The DC's update channel (sdcadm's update_channel, `sdcadm channel get`); "" = not
  // recorded (an inventory of an older sdcadm-install, or a DC without a channel).
  std::string update_channel;
  struct Sdcadm { std::string version, buildstamp; } sdcadm;
  std::optional<std::int64_t> trust_root_version;
  std::vector<InventoryService> services;
  std::vector<InventoryImage> images;
  std::vector<InventoryPlatform> platforms;
  std::vector<InventoryAgent> agents;
  std::optional<InventoryAgentsshar> agentsshar;
  std::optional<InventoryGzTools> gz_tools;
  common::Json unknown;  // keys this version does not know (object or null)
  // SHA-256 hex of the bytes parse() read; "" for an inventory built in code.
  std::string source_sha256;

  // Parses and checks an inventory (bounded: 16 MiB, depth 16, 100000 items per array).
  // Throws common::Error(bad_data) with the field path (also for a key twice in one object);
  // schema_version > 1 is refused with a message asking for a newer sdcadm-bundle.
  static Inventory parse(std::string_view bytes);

  // Deterministic 2-space JSON (key order as in docs/inventory.md), newline-terminated.
  std::string serialize() const;

  // SHA-256 hex of the exact file bytes (what a trimmed bundle's index records):
  // source_sha256 when parsed, else the digest of serialize().
  std::string digest() const;

  // Lookups the builder uses to trim.
  const InventoryService* find_service(std::string_view name) const;
  const InventoryImage* find_image(std::string_view uuid) const;
  const InventoryAgent* find_agent(std::string_view name) const;
  // True if the service is deployed in the DC (listed, whether or not it has instances).
  bool runs_service(std::string_view name) const;
  // True if `uuid` is active in the DC IMGAPI.
  bool has_active_image(std::string_view uuid) const;
  // The distinct images the service's instances run, in first-seen order; the service's
  // params_image when it has no instances (as sdcadm does); {} for an unknown service.
  std::vector<std::string> current_images_for_service(std::string_view name) const;
  // sdcadm's update marker: the oldest published_at among the service's current images that
  // are known to the DC IMGAPI list; nullopt when none is known.
  std::optional<std::string> current_published_at(std::string_view service) const;
  // True if a platform with this version is installed.
  bool has_platform(std::string_view version) const;
};

// SHA-256 lower-case hex of `bytes`.
std::string inventory_digest(std::string_view bytes);

}  // namespace manifest
