#pragma once
// `sdcadm-install inventory` (issue 5 item 10): what this DC runs, in the schema of
// manifest/inventory.hpp (docs/inventory.md), the input of `sdcadm-bundle build
// --inventory`. The facts come from sdcadm (`svcs -j`, `insts -j`, `--version`), the DC
// IMGAPI (active images) and the headnode's files (platforms under /usbkey/os, the
// agentsshar /usbkey/extra/agents/latest points at, /opt/smartdc/etc/gz-tools.image, the
// trust root); build_inventory is the pure part, read_headnode_files the file part.
//
// Known limits (no CNAPI here): platforms[].boot and .servers are not known and stay
// false / 0; the agentsshar is named only when its image is active in the DC IMGAPI.

#include <manifest/image_manifest.hpp>
#include <manifest/inventory.hpp>
#include <manifest/version_order.hpp>

#include <common/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

// What the headnode's files say.
struct HeadnodeFiles {
  std::vector<std::string> platforms;           // stamps of /usbkey/os/<YYYYMMDDTHHMMSSZ>/, sorted
  std::string agents_latest;                    // file name the latest link points at, "" = none
  std::string gz_tools_image;                   // uuid in gz-tools.image, "" = none
  std::optional<std::int64_t> trust_root_version;
};

// Where read_headnode_files looks (all under the root).
struct HeadnodeLocations {
  std::string usbkey_os;        // /usbkey/os
  std::string agents_latest;    // /usbkey/extra/agents/latest
  std::string gz_tools_image;   // /opt/smartdc/etc/gz-tools.image
  std::string trust_root;       // /var/sdcadm/trust/root.json
};

// Reads the files; missing ones are simply absent. A gz-tools.image that is not a uuid or
// a trust root that is not JSON with an integer "version" is Error(bad_data).
HeadnodeFiles read_headnode_files(const HeadnodeLocations& where);

struct InventoryInputs {
  std::string datacenter;                              // datacenter_name of /usbkey/config
  std::string created;                                 // YYYY-MM-DDTHH:MM:SSZ
  manifest::SdcadmVersion sdcadm;
  common::Json svcs, insts;                            // sdcadm svcs -j, insts -j
  std::vector<manifest::ImageManifest> active_images;  // GET /images?state=active
  HeadnodeFiles files;
};

// The inventory. Services keep svcs order; each instance goes under its service (an
// instance of a service svcs does not list is Error(bad_data)). Error(bad_data) for rows
// with missing fields (the message names the row).
manifest::Inventory build_inventory(const InventoryInputs& in);

// Now as YYYY-MM-DDTHH:MM:SSZ.
std::string utc_now_seconds();

}  // namespace installer
