// `sdcadm-bundle receipt verify RECEIPT --dc-key DC.pub [-j]`: checks an install receipt a DC
// wrote (issue 13 part 3, docs/receipt.md) against that DC's public key, then prints it:
// the bundle, who ran it with which flags, the outcome, each step with its outcome and
// post-step evidence, and a summary of the DC's inventory after the run.

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/receipt_file.hpp>

#include <common/error.hpp>
#include <manifest/inventory.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace builder {
namespace {

using common::Json;

struct ReceiptArgs {
  std::string file;
  std::string dc_key;
  bool json = false;
};

std::string text_or(const Json& v, const std::string& fallback) {
  return v.is_string() ? v.get<std::string>() : fallback;
}

// "check instances: 3 instance(s)" from a step's evidence; the full object is in -j.
std::string evidence_line(const Json& e) {
  if (!e.is_object()) return "";
  std::string out = "evidence: " + text_or(e.contains("check") ? e["check"] : Json(), "check");
  for (const auto& [key, value] : e.items()) {
    if (key == "check") continue;
    if (value.is_array()) out += ", " + key + ": " + std::to_string(value.size());
    else if (value.is_string() || value.is_number() || value.is_boolean()) out += ", " + key + ": " + value.dump();
  }
  return out;
}

std::string flags_text(const Json& f) {
  std::string out;
  for (const char* k : {"force", "yes", "allow_expired", "allow_rollback", "change_channel", "include_rabbitmq",
                        "no_self_update"}) {
    if (f[k].get<bool>()) out += std::string(" --") + (std::string(k) == "yes" ? "yes" : k);
  }
  for (char& c : out) c = c == '_' ? '-' : c;
  if (f["spec"].is_string()) out += " -f " + f["spec"].get<std::string>();
  if (!f["exclude_servers"].empty()) {
    std::string names;
    for (const auto& s : f["exclude_servers"]) names += (names.empty() ? "" : ",") + s.get<std::string>();
    out += " --exclude-servers " + names;
  }
  return out.empty() ? "(none)" : out.substr(1);
}

Json inventory_summary(const std::string& bytes) {
  const manifest::Inventory inv = manifest::Inventory::parse(bytes);
  std::size_t instances = 0;
  for (const auto& s : inv.services) instances += s.instances.size();
  std::string latest;
  for (const auto& p : inv.platforms) {
    if (p.latest) latest = p.version;
  }
  return {{"datacenter", inv.datacenter}, {"created", inv.created}, {"sdcadm", inv.sdcadm.version},
          {"services", inv.services.size()}, {"instances", instances}, {"images", inv.images.size()},
          {"platform_latest", latest.empty() ? Json(nullptr) : Json(latest)},
          {"gz_tools", inv.gz_tools ? Json(inv.gz_tools->uuid) : Json(nullptr)},
          {"sha256", manifest::inventory_digest(bytes)}};
}

void print_text(const signing::VerifiedReceipt& v, const Json& inv) {
  const Json& r = v.receipt;
  const Json& b = r["bundle"];
  std::cout << "receipt " << r["receipt_id"].get<std::string>() << ": signed by DC key " << v.signer << " (verified)\n"
            << "datacenter: " << r["datacenter"].get<std::string>() << ", sdcadm-install "
            << r["installer_version"].get<std::string>() << "\n"
            << "bundle: " << b["bundle_id"].get<std::string>() << " (channel " << b["channel"].get<std::string>()
            << ", content " << b["content_id"].get<std::string>() << ", index sha256 "
            << b["index_sha256"].get<std::string>() << "), signed by " << b["signers"].size()
            << " release key(s) the DC accepted\n"
            << "run: " << r["run"].get<std::string>() << " by " << r["user"].get<std::string>() << ", flags "
            << flags_text(r["flags"]) << "\n"
            << "time: " << r["started"].get<std::string>() << " .. " << r["ended"].get<std::string>() << "\n"
            << "outcome: " << r["outcome"].get<std::string>() << " (exit " << r["exit_code"].get<std::int64_t>() << ")";
  if (r["error"].is_string()) std::cout << ": " << r["error"].get<std::string>();
  if (r["stopped_at"].is_string()) std::cout << " (stopped at " << r["stopped_at"].get<std::string>() << ")";
  std::cout << "\nsteps:\n";
  for (const auto& s : r["steps"]) {
    std::cout << "  " << s["name"].get<std::string>() << ": " << s["state"].get<std::string>()
              << (s["this_run"].is_null() ? " (in an earlier run)" : "") << ", attempts "
              << s["attempts"].get<std::int64_t>() << ", " << s["started"].get<std::string>() << " .. "
              << s["ended"].get<std::string>() << "\n";
    if (s["error"].is_string()) std::cout << "    error: " << s["error"].get<std::string>() << "\n";
    if (const std::string e = evidence_line(s["evidence"]); !e.empty()) std::cout << "    " << e << "\n";
  }
  if (r["steps"].empty()) std::cout << "  (none)\n";
  if (inv.is_null()) {
    std::cout << "inventory: none (" << text_or(r["inventory_error"], "not read") << ")\n";
  } else {
    std::cout << "inventory after the run: " << inv["services"] << " services, " << inv["instances"] << " instances, "
              << inv["images"] << " active images, sdcadm " << inv["sdcadm"].get<std::string>() << ", platform "
              << text_or(inv["platform_latest"], "none") << " (sha256 " << inv["sha256"].get<std::string>()
              << "; sdcadm-bundle build --inventory RECEIPT --dc-key DC.pub trims against it)\n";
  }
  std::cout << std::flush;
}

void run_verify(const ReceiptArgs& args) {
  signing::VerifiedReceipt v;
  try {
    v = read_verified_receipt(args.file, args.dc_key);
  } catch (const common::Error& e) {
    if (args.json) {
      print_json({{"receipt", args.file}, {"ok", false}, {"exit_code", common::to_int(e.code())}, {"error", e.what()}});
    }
    throw;
  }
  const Json inv = v.inventory_bytes.empty() ? Json(nullptr) : inventory_summary(v.inventory_bytes);
  if (args.json) {
    print_json({{"receipt", args.file}, {"ok", true}, {"dc_key", v.signer}, {"content", v.receipt},
                {"inventory", inv}});
    return;
  }
  print_text(v, inv);
}

}  // namespace

void register_receipt(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("receipt", "Check and print an install receipt a DC wrote (docs/receipt.md)");
  cmd->require_subcommand(1);
  cmd->footer("Run 'sdcadm-bundle receipt COMMAND --help' for details.");
  auto args = std::make_shared<ReceiptArgs>();
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check RECEIPT against the DC's public key (every byte, signed by exactly that key), then print it");
  verify->add_option("RECEIPT", args->file, "The receipt file (sdcadm-install receipt --last -o FILE on the DC)")
      ->required();
  verify->add_option("--dc-key", args->dc_key, "The DC's public key (sdcadm-install trust dc-key -o DC.pub on the DC)")
      ->required()
      ->option_text("DC.pub");
  verify->add_flag("-j,--json", args->json, "JSON output: the whole receipt (steps with their evidence) and an inventory summary");
  using common::ExitCode;
  verify->footer(common::exit_code_footer(
                     {{ExitCode::ok, "intact and signed by the DC key"},
                      {ExitCode::bad_data, "a bad key file or receipt content"},
                      {ExitCode::not_found, "a missing file"},
                      {ExitCode::trust_unsigned},
                      {ExitCode::trust_unknown_key, "signed by another key than DC.pub"},
                      {ExitCode::trust_mismatch, "not an intact receipt (a byte changed anywhere, damaged, or not a receipt)"}}) +
                 " See docs/receipt.md.");
  verify->callback([args] { run_verify(*args); });
}

}  // namespace builder
