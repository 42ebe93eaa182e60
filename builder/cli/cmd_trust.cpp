// `sdcadm-bundle trust init|rotate|sign|show`: the release team's trust root (root.json,
// docs/trust.md). init writes version 1; rotate writes version N+1 (keys added or removed,
// a new threshold or expiry) signed by the old threshold and the new one; sign adds
// signatures in a later session (an offline signing room, one key holder at a time); show
// prints a root and whether it is signed well enough. init and rotate refuse to write a
// root that would not be accepted unless --partial says more signatures follow.

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <signing/key.hpp>
#include <signing/root.hpp>
#include <signing/root_chain.hpp>
#include <signing/utc_time.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

constexpr std::int64_t k_default_root_days = 365;

struct TrustArgs {
  std::string root, prev, output;
  std::vector<std::string> keys, add_keys, remove_keys, sign_keys;
  std::int64_t threshold = 0;  // 0 = keep (rotate) / required (init)
  std::int64_t expires_in = k_default_root_days;
  bool partial = false, force = false, json = false;
};

// "NAME=PATH" or "PATH" (the name is then the file name without its extension).
signing::NamedKey named_key(const std::string& arg) {
  const auto eq = arg.find('=');
  std::string path = eq == std::string::npos ? arg : arg.substr(eq + 1);
  std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
  if (name.empty()) {
    const auto slash = path.find_last_of('/');
    name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    name = name.substr(0, name.find('.'));
  }
  return {name, signing::load_public_key(path)};
}

std::vector<signing::PrivateKey> load_keys(const std::vector<std::string>& paths) {
  std::vector<signing::PrivateKey> keys;
  for (const auto& p : paths) keys.push_back(signing::load_private_key(p));
  return keys;
}

void write_root(const signing::TrustRoot& root, const std::string& path, bool force) {
  struct stat st {};
  if (!force && ::stat(path.c_str(), &st) == 0) {
    throw Error(ExitCode::conflict, path + " already exists; choose another name with -o, or "
                                           "pass --force to replace it");
  }
  common::write_file_atomic(path, root.serialize(), 0644);
}

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

// A root about to be written must be accepted unless --partial.
void require_complete(const TrustArgs& args, const signing::TrustRoot& root, const signing::TrustRoot* prev) {
  if (args.partial) return;
  if (prev) {
    signing::require_rotation(*prev, root);
  } else if (!root.self_valid()) {
    throw Error(ExitCode::trust_root,
                "root v1 needs " + std::to_string(root.threshold()) + " signatures by its keys, got " +
                    std::to_string(root.self_tally().valid.size()) +
                    "; give more --key, or pass --partial and add them later with trust sign");
  }
}

void run_init(const TrustArgs& args) {
  std::vector<signing::NamedKey> keys;
  for (const auto& k : args.keys) keys.push_back(named_key(k));
  const auto signers = load_keys(args.sign_keys);
  auto root = signing::TrustRoot::create(1, signing::now_utc() + args.expires_in * 86400,
                                         args.threshold, keys);
  for (const auto& k : signers) root.sign(k);
  require_complete(args, root, nullptr);
  write_root(root, args.output, args.force);
  report(args, root, nullptr, args.output);
}

bool matches(const signing::NamedKey& k, const std::string& spec) {
  if (spec == k.key.id()) return true;
  if (spec.size() == 64) return false;
  return signing::load_public_key(spec).id() == k.key.id();
}

void run_rotate(const TrustArgs& args) {
  const signing::TrustRoot old_root = signing::load_root(args.root);
  if (!old_root.self_valid()) {
    throw Error(ExitCode::trust_root, args.root + " is not signed by its own threshold; finish "
                                                  "signing it (trust sign) before rotating from it");
  }
  std::vector<signing::NamedKey> keys;
  for (const auto& k : old_root.keys()) {
    bool removed = false;
    for (const auto& spec : args.remove_keys) removed = removed || matches(k, spec);
    if (!removed) keys.push_back(k);
  }
  if (keys.size() + args.remove_keys.size() != old_root.keys().size()) {
    throw Error(ExitCode::usage, "--remove-key: each must name one key of " + args.root +
                                     " (a key id or a public key file)");
  }
  for (const auto& k : args.add_keys) keys.push_back(named_key(k));
  const auto signers = load_keys(args.sign_keys);
  auto next = signing::TrustRoot::create(old_root.version() + 1,
                                         signing::now_utc() + args.expires_in * 86400,
                                         args.threshold ? args.threshold : old_root.threshold(), keys);
  for (const auto& k : signers) next.sign(k);
  require_complete(args, next, &old_root);
  write_root(next, args.output, args.force);
  report(args, next, &old_root, args.output);
}

void run_sign(const TrustArgs& args) {
  signing::TrustRoot root = signing::load_root(args.root);
  std::optional<signing::TrustRoot> prev;
  if (!args.prev.empty()) prev = signing::load_root(args.prev);
  for (const auto& key : load_keys(args.sign_keys)) {
    if (!root.has_key(key.id()) && !(prev && prev->has_key(key.id()))) {
      throw Error(ExitCode::usage, "key " + key.id() + " is not a key of root v" +
                                       std::to_string(root.version()) +
                                       (prev ? " nor of the previous root" : "") +
                                       (prev ? "" : " (a key of the previous root? give it with --prev)"));
    }
    root.sign(key);
  }
  const std::string out = args.output.empty() ? args.root : args.output;
  write_root(root, out, args.output.empty() || args.force);
  report(args, root, prev ? &*prev : nullptr, out);
}

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
