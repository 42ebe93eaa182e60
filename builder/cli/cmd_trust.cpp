// `sdcadm-bundle trust init|rotate|sign|show`: the release team's trust root (root.json,
// docs/trust.md). init, rotate and sign turn the arguments into builder::RootEditOptions
// and call builder/trust_root_edit.hpp, which writes the root; show loads one. Each then
// prints the root and whether it is signed well enough.

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/trust_root_edit.hpp>

#include <common/exit_code.hpp>
#include <common/exit_code_text.hpp>
#include <signing/root.hpp>
#include <signing/root_chain.hpp>
#include <signing/utc_time.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace builder {
namespace {

using common::ExitCode;

struct TrustArgs {
  std::string root, prev, output;
  std::vector<std::string> keys, add_keys, remove_keys, sign_keys;
  std::int64_t threshold = 0;  // 0 = keep (rotate) / required (init)
  std::int64_t expires_in = k_default_root_days;
  bool partial = false, force = false, json = false;
};

std::string side_text(const signing::TrustRoot& keys_of, const signing::Tally& t) {
  return "signed by " + std::to_string(t.valid.size()) + ", " + std::to_string(keys_of.threshold()) +
         " required (" + signing::key_labels(keys_of.keys(), t.valid) + ")";
}

common::Json status_json(const signing::TrustRoot& root, const signing::TrustRoot* prev) {
  const signing::Tally own = root.self_tally();
  common::Json keys = common::Json::array();
  for (const auto& k : root.keys()) {
    bool signed_it = false;
    for (const auto& id : own.valid) signed_it = signed_it || id == k.key.id();
    keys.push_back({{"keyid", k.key.id()}, {"name", k.name}, {"signed", signed_it}});
  }
  common::Json j = {{"version", root.version()}, {"expires", root.expires()},
                    {"expired", root.expired(signing::now_utc())}, {"threshold", root.threshold()},
                    {"keys", keys}, {"self_valid", root.self_valid()},
                    {"bad_signatures", own.invalid}, {"other_signatures", own.unknown}};
  if (prev) {
    const auto r = signing::tally_rotation(*prev, root);
    j["rotation"] = {{"from_version", prev->version()}, {"old_signed", r.by_old.valid},
                     {"old_ok", r.old_ok}, {"new_ok", r.new_ok},
                     {"accepted", r.accepted() && root.version() == prev->version() + 1}};
  }
  return j;
}

std::string status_text(const signing::TrustRoot& root, const signing::TrustRoot* prev) {
  std::string out = "root v" + std::to_string(root.version()) + ", expires " + root.expires() +
                    (root.expired(signing::now_utc()) ? " (EXPIRED)" : "") + ", threshold " +
                    std::to_string(root.threshold()) + " of " + std::to_string(root.keys().size()) + "\n";
  for (const auto& k : root.keys()) out += "  " + k.key.id() + "  " + k.name + "\n";
  const signing::Tally own = root.self_tally();
  out += "own keys:  " + side_text(root, own) + (root.self_valid() ? ": complete\n" : ": more signatures needed\n");
  if (!own.invalid.empty()) out += "bad signatures by: " + signing::key_labels(root.keys(), own.invalid) + "\n";
  if (prev) {
    const auto r = signing::tally_rotation(*prev, root);
    out += "previous root v" + std::to_string(prev->version()) + ": " + side_text(*prev, r.by_old) +
           (r.old_ok ? ": complete\n" : ": more signatures needed\n");
  }
  return out;
}

void report(const TrustArgs& args, const signing::TrustRoot& root, const signing::TrustRoot* prev,
            const std::string& written) {
  if (args.json) {
    common::Json j = status_json(root, prev);
    if (!written.empty()) j["written"] = written;
    print_json(j);
    return;
  }
  std::cout << status_text(root, prev) << std::flush;
  if (!written.empty() && !common::quiet()) std::cerr << "wrote " << written << "\n";
}

RootEditOptions edit_options(const TrustArgs& args) {
  RootEditOptions options;
  options.output = args.output;
  options.replace_output = args.force;
  options.partial = args.partial;
  options.keys = args.keys;
  options.add_keys = args.add_keys;
  options.remove_keys = args.remove_keys;
  options.sign_keys = args.sign_keys;
  options.threshold = args.threshold;
  options.expires_in_days = args.expires_in;
  return options;
}

void report(const TrustArgs& args, const EditedRoot& edited) {
  report(args, edited.root, edited.prev ? &*edited.prev : nullptr, edited.written);
}

void run_init(const TrustArgs& args) { report(args, init_root(edit_options(args))); }

void run_rotate(const TrustArgs& args) { report(args, rotate_root(args.root, edit_options(args))); }

void run_sign(const TrustArgs& args) { report(args, sign_root(args.root, args.prev, edit_options(args))); }

void run_show(const TrustArgs& args) {
  const signing::TrustRoot root = signing::load_root(args.root);
  std::optional<signing::TrustRoot> prev;
  if (!args.prev.empty()) prev = signing::load_root(args.prev);
  report(args, root, prev ? &*prev : nullptr, "");
}

CLI::App* add_root_output(CLI::App* cmd, TrustArgs& args) {
  cmd->add_option("-o,--output", args.output, "Root file to write")->type_name("ROOT.json")->required();
  cmd->add_flag("--force", args.force, "Replace an existing output file");
  cmd->add_flag("--partial", args.partial,
                "Write the root even though it lacks signatures (more key holders add theirs "
                "with trust sign)");
  cmd->add_option("--expires-in", args.expires_in, "Days until the root expires")
      ->option_text("DAYS")->check(CLI::Range(1, 3650))->capture_default_str();
  cmd->add_option("--key", args.sign_keys, "Private key that signs the root (repeatable)")
      ->type_name("PRIV.pem");
  cmd->add_flag("-j,--json", args.json, "The root's status as JSON on stdout");
  return cmd;
}

}  // namespace

void register_trust(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("trust", "Create, rotate, co-sign and show the trust root "
                                              "(root.json) that bundles are checked against");
  cmd->require_subcommand(1);
  cmd->footer("Run 'sdcadm-bundle trust COMMAND --help' for details. See docs/trust.md.");
  auto args = std::make_shared<TrustArgs>();

  CLI::App* init = add_root_output(cmd->add_subcommand(
      "init", "Write root version 1: the keys that may sign bundles and how many must"), *args);
  init->add_option("--signer", args->keys, "Public key of a key holder who may sign bundles: PUB or "
                                           "NAME=PUB (the name defaults to the file name; repeatable)")
      ->type_name("[NAME=]KEY.pub")->required();
  init->add_option("--threshold", args->threshold, "Signatures required (k of n)")
      ->option_text("K")->required()->check(CLI::PositiveNumber);
  init->footer(common::exit_code_footer({{ExitCode::bad_data, "bad key file"},
                                         {ExitCode::conflict, "output exists (--force replaces it)"},
                                         {ExitCode::trust_root, "not enough signatures (use --partial)"}}) +
               " See docs/trust.md.");
  init->callback([args] { run_init(*args); });

  CLI::App* rotate = add_root_output(cmd->add_subcommand(
      "rotate", "Write root version N+1 from ROOT.json: add or remove keys, change the "
                "threshold or expiry; it must be signed by the old threshold and the new one"), *args);
  rotate->add_option("ROOT", args->root, "The current root (version N)")->required();
  rotate->add_option("--add-key", args->add_keys, "Public key to add ([NAME=]PUB; repeatable)")
      ->type_name("[NAME=]KEY.pub");
  rotate->add_option("--remove-key", args->remove_keys, "Key to remove: its id or public key "
                                                        "file (repeatable)")
      ->type_name("KEYID|KEY.pub");
  rotate->add_option("--threshold", args->threshold, "New threshold (default: the current one)")
      ->option_text("K")->check(CLI::PositiveNumber);
  rotate->footer(common::exit_code_footer(
                     {{ExitCode::bad_data, "bad key or root file"},
                      {ExitCode::conflict, "output exists (--force replaces it)"},
                      {ExitCode::trust_root, "the new root lacks signatures of the old or the new threshold"}}) +
                 " See docs/trust.md.");
  rotate->callback([args] { run_rotate(*args); });

  CLI::App* sign = cmd->add_subcommand(
      "sign", "Add signatures to a root (in place, or to -o): one key holder at a time");
  sign->add_option("ROOT", args->root, "The root to co-sign")->required();
  sign->add_option("--key", args->sign_keys, "Private key that signs (repeatable)")
      ->type_name("PRIV.pem")->required();
  sign->add_option("--prev", args->prev, "The root it rotates from: lets its keys sign and "
                                         "shows whether the old threshold is reached")
      ->type_name("PREV.json");
  sign->add_option("-o,--output", args->output, "Write here instead of replacing ROOT")
      ->type_name("OUT.json");
  sign->add_flag("--force", args->force, "Replace an existing -o file");
  sign->add_flag("-j,--json", args->json, "The root's status as JSON on stdout");
  sign->footer(common::exit_code_footer({{ExitCode::bad_data, "bad key or root file"},
                                         {ExitCode::not_found, "no such file"},
                                         {ExitCode::conflict, "the -o file exists (--force replaces it)"}}) +
               " See docs/trust.md.");
  sign->callback([args] { run_sign(*args); });

  CLI::App* show = cmd->add_subcommand("show", "Print a root: version, expiry, keys, and whether "
                                               "it is signed well enough");
  show->add_option("ROOT", args->root, "root.json")->required();
  show->add_option("--prev", args->prev, "Also check it as a rotation from this root")
      ->type_name("PREV.json");
  show->add_flag("-j,--json", args->json, "JSON on stdout");
  show->footer(common::exit_code_footer({{ExitCode::bad_data, "not a trust root"}, {ExitCode::not_found, "no such file"}}) +
               " See docs/trust.md.");
  show->callback([args] { run_show(*args); });
}

}  // namespace builder
