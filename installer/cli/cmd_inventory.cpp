// `sdcadm-install inventory [-o DC.json]`: what this DC runs, in the schema of
// docs/inventory.md, for `sdcadm-bundle build --inventory DC.json` (issue 5 item 10).

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/dc_inventory.hpp>

#include <common/atomic_file.hpp>

#include <iostream>

namespace installer {
namespace {

struct InventoryArgs {
  std::string output;
};

void run_inventory(const HostOptions& host, const InventoryArgs& args) {
  const Paths paths = start_run(host, false);
  const std::string url = imgapi_url(host, paths);
  const DcInventory inv = read_dc_inventory(paths, host.sdcadm, url);
  const std::string& text = inv.text;
  if (args.output.empty() || args.output == "-") {
    std::cout << text << std::flush;
    return;
  }
  common::write_file_atomic(args.output, text);
  if (!common::quiet()) std::cerr << "wrote the inventory of " << inv.datacenter << " to " << args.output << "\n";
}

}  // namespace

void register_inventory(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<InventoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inventory", "Write what this DC runs (docs/inventory.md), the input of `sdcadm-bundle build --inventory`");
  cmd->add_option("-o,--output", args->output, "Write to this file (default: stdout)")->option_text("DC.json");
  using common::ExitCode;
  cmd->footer(common::exit_code_footer({{ExitCode::config, "no IMGAPI or datacenter_name configured"},
                                        {ExitCode::network, "IMGAPI unreachable"},
                                        {ExitCode::bad_data, "sdcadm printed something unexpected"},
                                        {ExitCode::step_failed, "an sdcadm command failed"}}));
  cmd->callback([globals, args] { run_inventory(host_options(*globals), *args); });
}

}  // namespace installer
