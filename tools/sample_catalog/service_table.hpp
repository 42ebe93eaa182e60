#pragma once
// The Triton services the sample catalog covers and the image names sdcadm looks up for
// each: sdcadm's etc/defaults.json "imgNamesFromSvcName" (copy in data/), in file order.

#include <string>
#include <vector>

namespace sample_catalog {

// How a service's images are built and installed.
enum class ServiceKind {
  zone,   // a core service zone: zone-dataset image with an origin chain
  agent,  // a global-zone agent: .tgz holding <name>/image_uuid
};

struct ServiceEntry {
  std::string service;             // SAPI service name
  std::vector<std::string> names;  // image names sdcadm accepts, preferred first
  ServiceKind kind;
};

// Every entry of imgNamesFromSvcName, in the order of sdcadm's etc/defaults.json.
const std::vector<ServiceEntry>& service_table();

// Image names Triton uses for zones that are not in imgNamesFromSvcName: "nat" (used by
// `sdcadm post-setup fabrics`) and "mantav2-deployment" (lib/manta.js for service manta).
const std::vector<ServiceEntry>& extra_zone_services();

}  // namespace sample_catalog
