#pragma once
// `sdcadm-install inventory` (issue 5 item 10): what this DC runs, in the schema of
// manifest/inventory.hpp (docs/inventory.md), the input of `sdcadm-bundle build
// --inventory`. The facts come from sdcadm (`svcs -j`, `insts -j`, `--version`), the DC
// IMGAPI (active images) and the headnode's files (platforms under /usbkey/os, the
// agentsshar /usbkey/extra/agents/latest points at, /opt/smartdc/etc/gz-tools.image, the
// trust root); build_inventory is the pure part, read_headnode_files the file part.
//
// Known limits (no CNAPI here): platforms[].boot and .servers are not known and stay
// false / 0; the agentsshar is named only when its image is active in the DC IMGAPI (a DC
// that fetched its shar from the updates server does not have it there).

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
  std::string agents_latest_sha1;               // SHA-1 of that file; "" = not computed or absent
  std::string gz_tools_image;                   // uuid in gz-tools.image, "" = none
  std::optional<std::int64_t> trust_root_version;
};

// Whether read_headnode_files hashes the file `latest` points at (a shar is 100+ MiB: only
// the inventory needs it, to name a shar whose file name does not say which image it is).
enum class SharDigest { skip, compute };

// Where read_headnode_files looks (all under the root).
struct HeadnodeLocations {
  std::string usbkey_os;        // /usbkey/os
  std::string agents_latest;    // /usbkey/extra/agents/latest
  std::string gz_tools_image;   // /opt/smartdc/etc/gz-tools.image
  std::string trust_root;       // /var/sdcadm/trust/root.json
  SharDigest shar_digest = SharDigest::skip;
};

// Reads the files; missing ones are simply absent. A gz-tools.image that is not a uuid or
// a trust root that is not JSON with an integer "version" is Error(bad_data).
HeadnodeFiles read_headnode_files(const HeadnodeLocations& where);

struct InventoryInputs {
  std::string datacenter;                              // datacenter_name of /usbkey/config
  std::string created;                                 // YYYY-MM-DDTHH:MM:SSZ
  std::string update_channel;                          // sdcadm channel get; "" = none
  manifest::SdcadmVersion sdcadm;
  common::Json svcs, insts;                            // sdcadm svcs -j, insts -j
  std::vector<manifest::ImageManifest> active_images;  // GET /images?state=active
  HeadnodeFiles files;
};

// The agentsshar `latest` points at is named the way sdcadm itself recognises a shar: by the
// image uuid in the name update-agents gives a shar it fetched (agents-<uuid>.sh, or the
// older agent-<uuid>.sh), else by the file's SHA-1 against the image's files[0].sha1 (its
// "already downloaded" check); either way the image must be an active "agentsshar" in the DC
// IMGAPI (the inventory needs its version). A local file keeps its own name under
// update-agents, so the name alone never says the version.
//
// The inventory. Services keep svcs order; each instance goes under its service (an
// instance of a service svcs does not list is Error(bad_data)). Error(bad_data) for rows
// with missing fields (the message names the row).
manifest::Inventory build_inventory(const InventoryInputs& in);

// Now as YYYY-MM-DDTHH:MM:SSZ.
std::string utc_now_seconds();

}  // namespace installer
