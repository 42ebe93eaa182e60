#include <installer/dc_inventory.hpp>

#include <installer/dc_channel.hpp>
#include <installer/inventory.hpp>
#include <installer/sdcadm_runner.hpp>
#include <installer/usbkey_config.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>

namespace installer {

DcInventory read_dc_inventory(const Paths& paths, const std::string& sdcadm, const std::string& imgapi_url) {
  const SdcadmRunner runner(sdcadm);
  InventoryInputs in;
  in.datacenter = UsbkeyConfig::load(paths.usbkey_config).get("datacenter_name").value_or("");
  if (in.datacenter.empty()) {
    throw common::Error(common::ExitCode::config, paths.usbkey_config + " has no datacenter_name");
  }
  in.created = utc_now_seconds();
  in.sdcadm = runner.version();
  // The builder checks a trimmed bundle's channel against it (docs/inventory.md); without
  // it the inventory is still worth having, and the builder says the channel is unchecked.
  try {
    in.update_channel = read_dc_channel(runner);
  } catch (const common::Error& e) {
    common::log::warn(std::string("the inventory records no update channel: ") + e.what());
  }
  in.svcs = runner.svcs();
  in.insts = runner.insts();
  imgapi::ListFilter active;
  active.state = "active";
  in.active_images = imgapi::Client(imgapi_url).list_images(active);
  in.files = read_headnode_files({paths.usbkey_os, paths.usbkey_extra_agents + "/latest",
                                  paths.local("/opt/smartdc/etc/gz-tools.image"), paths.trust_root,
                                  SharDigest::compute});
  return {in.datacenter, build_inventory(in).serialize()};
}

}  // namespace installer
