// `sdcadm-bundle sign BUNDLE --key PRIV... [--root R.json...] [--detached]`: turns the
// arguments into builder::SignOptions, calls builder::sign_bundle (builder/sign_bundle.hpp:
// what is signed, where it goes, why a split bundle is signed detached) and prints what
// now holds which signatures.

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>
#include <builder/sign_bundle.hpp>

#include <common/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace builder {
namespace {

struct SignArgs {
  std::string bundle;
  std::vector<std::string> keys, roots;
  bool detached = false, json = false;
};

void run_sign(const SignArgs& args) {
  SignOptions options;
  options.bundle = args.bundle;
  options.keys = args.keys;
  options.roots = args.roots;
  options.detached = args.detached;
  if (!args.json && !common::quiet()) options.notice = [](const std::string& text) { std::cerr << text << "\n"; };
  const SignResult signed_bundle = sign_bundle(options);
  const signing::SignatureDocument& doc = signed_bundle.document;
  const bool detached = signed_bundle.detached;
  const std::string written = detached ? signed_bundle.sig_path : "signature slot of " + args.bundle;

  common::Json keyids = common::Json::array();
  for (const auto& s : doc.signatures()) keyids.push_back(s.keyid);
  common::Json roots = common::Json::array();
  for (const auto& r : doc.root_documents()) roots.push_back(r["signed"]["version"]);
  if (args.json) {
    print_json({{"bundle", args.bundle}, {"bundle_id", signed_bundle.bundle_id},
                {"written", detached ? signed_bundle.sig_path : signed_bundle.path},
                {"detached", detached}, {"signatures", keyids}, {"roots", roots},
                {"beside", signed_bundle.beside}});
    return;
  }
  std::cout << "signed " << args.bundle << " (bundle " << signed_bundle.bundle_id << "): "
            << written << " now holds " << doc.signatures().size()
            << (doc.signatures().size() == 1 ? " signature" : " signatures");
  if (!roots.empty()) std::cout << " and carries root versions " << common::dump_json(roots, -1);
  std::cout << "\n";
  for (const auto& s : doc.signatures()) std::cout << "  " << s.keyid << "\n";
  for (const auto& sig : signed_bundle.beside) std::cout << "signed the installer beside it: " << sig << "\n";
  std::cout << std::flush;
}

}  // namespace

void register_sign(CLI::App& app) {
  auto args = std::make_shared<SignArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sign", "Add signatures to a built bundle (rewrites only its 64 KiB signature slot, or "
              "writes NAME.sdc.sig with --detached) and to the installer beside it; cheap on a bundle of any size");
  cmd->add_option("BUNDLE", args->bundle,
                  "NAME.sdc, or NAME.sdc.parts.json / NAME.sdc.001 of a split bundle (signed "
                  "with a detached NAME.sdc.sig)")
      ->required();
  cmd->add_option("--key", args->keys, "Private key that signs (repeatable; a key that "
                                       "signed before is replaced, never counted twice)")
      ->type_name("PRIV.pem")
      ->required();
  cmd->add_option("--root", args->roots, "A newer trust root the bundle carries so DCs on an "
                                         "older root can rotate (repeatable)")
      ->type_name("ROOT.json");
  cmd->add_flag("--detached", args->detached, "Write NAME.sdc.sig beside the bundle instead of "
                                              "the slot (adds to an existing one)");
  cmd->add_flag("-j,--json", args->json, "JSON on stdout: where, key ids, carried roots");
  using common::ExitCode;
  cmd->footer(common::exit_code_footer(
                  {{ExitCode::bad_data, "bad key or signature file"},
                   {ExitCode::not_found, "no such file"},
                   {ExitCode::bundle_too_large, "too large, or signatures larger than the slot (use --detached or fewer roots)"},
                   {ExitCode::trust_root, "a --root not signed by its own threshold"},
                   {ExitCode::trust_mismatch, "NAME.sdc.sig belongs to another bundle, or the sdcadm-install beside it is not the one it carries"}},
                  {common::CodeFamily::bundle}) +
              " See docs/trust.md.");
  cmd->callback([args] { run_sign(*args); });
}

}  // namespace builder
