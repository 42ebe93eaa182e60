// `sdcadm-install history [-j]`: every apply run with its steps, results and times
// (issue 5 item 9; installer/history.hpp), oldest first.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/history.hpp>

#include <iostream>

namespace installer {
namespace {

void run_history(const GlobalOptions& globals, bool json) {
  const Paths paths = Paths::under(globals.root);
  std::size_t skipped = 0;
  const auto records = History(paths.history_file).read_all(&skipped);
  if (json) {
    print_json(common::Json(records));
    return;
  }
  std::cout << history_text(records);
  if (skipped) std::cout << "(" << skipped << " damaged line(s) skipped)\n";
  std::cout << std::flush;
}

}  // namespace

void register_history(CLI::App& app, const Globals& globals) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("history", "What earlier runs of apply did: bundles, steps, results, times");
  cmd->add_flag("-j,--json", *json, "Every record (one per run start, step and run end) as a JSON array");
  cmd->footer("Kept in /var/sdcadm/install/history.jsonl (rotated by size to .1 ... .5). " +
              common::exit_code_footer({}));
  cmd->callback([globals, json] { run_history(*globals, *json); });
}

}  // namespace installer
