#pragma once
// Reading this DC's inventory (installer/inventory.hpp) from sdcadm, the DC IMGAPI and the
// headnode's files: what `sdcadm-install inventory` writes and an install receipt carries
// (the same bytes for the same DC state, so the builder trims the same way from either).

#include <installer/paths.hpp>

#include <string>

namespace installer {

struct DcInventory {
  std::string datacenter;  // datacenter_name of /usbkey/config
  std::string text;        // manifest::Inventory::serialize()
};

// Error(config) when /usbkey/config has no datacenter_name; sdcadm and IMGAPI errors as
// they come (step_failed, bad_data, network codes).
DcInventory read_dc_inventory(const Paths& paths, const std::string& sdcadm, const std::string& imgapi_url);

}  // namespace installer
