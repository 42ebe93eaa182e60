// `sdcadm-install receipt [--last | RUN] -o FILE` and `sdcadm-install receipt list`: the
// signed install receipts every apply run writes (issue 13 part 3, docs/receipt.md), exported
// for the USB stick that carries them out. Each is checked against this DC's key before it is
// listed or exported: a receipt changed on the headnode is named, never passed on. The
// workflows are the library's (installer/receipt_export.hpp); this file prints them.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/receipt_export.hpp>

#include <common/error.hpp>

#include <iostream>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;
using common::Json;

struct ReceiptArgs {
  std::string run;
  bool last = false;
  std::string output;
  bool force = false;
  bool json = false;
};

Json summary_json(const StoredReceipt& stored, const Json& r) {
  return {{"run", stored.run}, {"path", stored.path}, {"ended", r["ended"]}, {"bundle_id", r["bundle"]["bundle_id"]},
          {"outcome", r["outcome"]}, {"exit_code", r["exit_code"]}};
}

void run_list(const HostOptions& host, const ReceiptArgs& args) {
  const ReceiptList list = list_receipts(host, args.json);
  Json rows = Json::array();
  for (const ListedReceipt& listed : list.receipts) {
    Json row = {{"run", listed.stored.run}, {"path", listed.stored.path}};
    if (listed.checked) {
      row = summary_json(listed.stored, listed.checked->receipt);
      row["intact"] = true;
    } else {
      row["intact"] = false;
      row["error"] = listed.error;
    }
    rows.push_back(row);
  }
  if (args.json) {
    print_json({{"dir", list.dir}, {"receipts", rows}});
    return;
  }
  if (rows.empty()) {
    std::cout << "no receipts in " << list.dir << " yet (every apply that runs writes one)\n";
    return;
  }
  for (const auto& row : rows) {
    if (!row["intact"].get<bool>()) {
      std::cout << row["run"].get<std::string>() << "  NOT INTACT: " << row["error"].get<std::string>() << "\n";
      continue;
    }
    std::cout << row["run"].get<std::string>() << "  " << row["ended"].get<std::string>() << "  "
              << row["outcome"].get<std::string>() << "  " << row["bundle_id"].get<std::string>() << "\n";
  }
}

void run_export(const HostOptions& host, const ReceiptArgs& args) {
  if (args.last == !args.run.empty()) throw Error(ExitCode::usage, "give --last or a RUN id (one of them)");
  if (args.output.empty()) throw Error(ExitCode::usage, "-o FILE is required (- writes the receipt to stdout)");
  ReceiptExportOptions options;
  options.host = host;
  options.run = args.last ? std::string() : args.run;
  options.output = args.output;
  options.force = args.force;
  options.quiet = args.json;
  const ExportedReceipt exported = export_receipt(options);
  const StoredReceipt& stored = exported.stored;
  const Json& r = exported.checked.receipt;
  if (args.output == "-") {
    std::cout << exported.bytes << std::flush;
    return;
  }
  if (args.json) {
    Json j = summary_json(stored, r);
    j["ok"] = true;
    j["output"] = args.output;
    j["dc_key"] = exported.checked.signer;
    print_json(j);
    return;
  }
  std::cout << "exported the receipt of run " << stored.run << " (bundle " << r["bundle"]["bundle_id"].get<std::string>()
            << ", " << r["outcome"].get<std::string>() << ", ended " << r["ended"].get<std::string>() << ") to "
            << args.output << "\ncheck it on the connected side: sdcadm-bundle receipt verify " << args.output
            << " --dc-key DC.pub   (DC.pub: sdcadm-install trust dc-key -o DC.pub)\n";
}

}  // namespace

void register_receipt(CLI::App& app, const Globals& globals) {
  auto args = std::make_shared<ReceiptArgs>();
  CLI::App* cmd = app.add_subcommand(
      "receipt", "Export the signed receipt of an apply run (--last or RUN) to carry out of the DC; `receipt list` lists them");
  cmd->require_subcommand(0, 1);
  cmd->add_option("RUN", args->run, "Run id (or a unique prefix of 8+ characters) from `receipt list` or `history`");
  cmd->add_flag("--last", args->last, "The newest receipt");
  cmd->add_option("-o,--output", args->output, "Write the receipt file here (- = stdout)")->option_text("FILE");
  cmd->add_flag("--force", args->force, "Replace an existing FILE");
  cmd->add_flag("-j,--json", args->json, "JSON output");
  cmd->footer("Receipts: /var/sdcadm/install/receipts/ (under --root), one per apply run, signed with the DC key "
              "(/var/sdcadm/install/dc-key.pem). Check one with sdcadm-bundle receipt verify FILE --dc-key DC.pub, "
              "or with stock tar and openssl (docs/receipt.md). " +
              common::exit_code_footer({{ExitCode::not_found, "no such receipt (or no DC key)"},
                                        {ExitCode::conflict, "FILE exists (--force replaces it)"},
                                        {ExitCode::trust_unsigned, "the stored receipt is unsigned"},
                                        {ExitCode::trust_unknown_key, "signed by another key"},
                                        {ExitCode::trust_mismatch, "not intact"}}));
  CLI::App* list = cmd->add_subcommand("list", "The runs that have a receipt, oldest first, each checked against the DC key");
  list->add_flag("-j,--json", args->json, "JSON output");
  list->footer("A receipt that does not verify is listed as NOT INTACT; the listing still succeeds. " +
               common::exit_code_footer({}));
  list->callback([globals, args] { run_reporting(args->json, [&] { run_list(host_options(*globals), *args); }); });
  cmd->callback([globals, args, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    run_reporting(args->json, [&] { run_export(host_options(*globals), *args); });
  });
}

}  // namespace installer
