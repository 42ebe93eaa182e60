// `sdcadm-install inventory [-o DC.json]`: what this DC runs, in the schema of
// docs/inventory.md, for `sdcadm-bundle build --inventory DC.json` (issue 5 item 10).

#include <installer/cli.hpp>
#include <installer/cli_options.hpp>
#include <installer/inventory.hpp>
#include <installer/sdcadm_runner.hpp>
#include <installer/usbkey_config.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <imgapi/client.hpp>

#include <iostream>

namespace installer {
namespace {

struct InventoryArgs {
  std::string output;
};

void run_inventory(const GlobalOptions& globals, const InventoryArgs& args) {
  const Paths paths = start_run(globals, false);
  const std::string url = imgapi_url(globals, paths);
  const SdcadmRunner runner(globals.sdcadm);
  InventoryInputs in;
  in.datacenter = UsbkeyConfig::load(paths.usbkey_config).get("datacenter_name").value_or("");
  if (in.datacenter.empty()) {
    throw common::Error(common::ExitCode::config, paths.usbkey_config + " has no datacenter_name");
  }
  in.created = utc_now_seconds();
  in.sdcadm = runner.version();
  in.svcs = runner.svcs();
  in.insts = runner.insts();
  imgapi::ListFilter active;
  active.state = "active";
  in.active_images = imgapi::Client(url).list_images(active);
  in.files = read_headnode_files({paths.usbkey_os, paths.usbkey_extra_agents + "/latest",
                                  paths.local("/opt/smartdc/etc/gz-tools.image"), paths.trust_root,
                                  SharDigest::compute});
  const std::string text = build_inventory(in).serialize();
  if (args.output.empty() || args.output == "-") {
    std::cout << text << std::flush;
    return;
  }
  common::write_file_atomic(args.output, text);
  std::cerr << "wrote the inventory of " << in.datacenter << " to " << args.output << "\n";
}

}  // namespace

void register_inventory(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<InventoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inventory", "Write what this DC runs (docs/inventory.md), the input of `sdcadm-bundle build --inventory`");
  cmd->add_option("-o,--output", args->output, "Write to this file (default: stdout)")->option_text("DC.json");
  cmd->footer("Exit codes: 0, 3 no IMGAPI or datacenter_name configured, 6 IMGAPI unreachable, "
              "9 sdcadm printed something unexpected, 42 an sdcadm command failed (docs/exit-codes.md).");
  cmd->callback([globals, args] { run_inventory(*globals, *args); });
}

}  // namespace installer
