// `sdcadm-bundle key generate -o KEY.pem [--force]` and `sdcadm-bundle key id KEY`.
// generate writes the private key (PKCS#8 PEM, 0600, atomically) and KEY.pub (SPKI PEM)
// beside it, never over existing files unless --force, and prints the key id: the SHA-256
// of the DER public key, the same as
//   openssl pkey -pubin -in KEY.pub -outform DER | sha256sum
// `key id` prints it for a public or a private key file (ours or openssl's).

#include <builder/cli/cli.hpp>
#include <builder/cli/cli_options.hpp>

#include <signing/key.hpp>
#include <signing/key_file.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace builder {
namespace {

struct KeyArgs {
  std::string output;
  std::string key;
  bool force = false;
  bool json = false;
};

void run_generate(const KeyArgs& args) {
  const auto overwrite = args.force ? signing::Overwrite::yes : signing::Overwrite::no;
  const std::string pub_path = signing::public_key_path(args.output);
  const signing::PrivateKey key = signing::PrivateKey::generate();
  // The public file first: if it is in the way, nothing is written at all.
  signing::write_public_key(pub_path, key.public_key(), overwrite);
  signing::write_private_key(args.output, key, overwrite);
  if (args.json) {
    print_json({{"keyid", key.id()}, {"private", args.output}, {"public", pub_path}});
    return;
  }
  std::cout << key.id() << "\n" << std::flush;
  if (!common::quiet()) std::cerr << "wrote " << args.output << " (private, mode 0600: keep it offline) and " << pub_path
            << " (public: goes into the trust root)\n";
}

void run_id(const KeyArgs& args) {
  const signing::PublicKey key = signing::load_public_key(args.key);
  if (args.json) print_json({{"keyid", key.id()}, {"file", args.key}});
  else std::cout << key.id() << "\n" << std::flush;
}

}  // namespace

void register_key(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("key", "Make Ed25519 signing keys and print key ids");
  cmd->require_subcommand(1);
  cmd->footer("Run 'sdcadm-bundle key COMMAND --help' for details. See docs/trust.md.");
  auto args = std::make_shared<KeyArgs>();

  CLI::App* gen = cmd->add_subcommand(
      "generate", "Write a new Ed25519 private key (PKCS#8 PEM, mode 0600) and its public key "
                  "(KEY.pub beside it); print the key id");
  gen->add_option("-o,--output", args->output, "Private key file to write (KEY.pem -> KEY.pub)")
      ->type_name("KEY.pem")
      ->required();
  gen->add_flag("--force", args->force, "Replace existing key files (the old key is lost)");
  gen->add_flag("-j,--json", args->json, "JSON on stdout: keyid, private and public file");
  using common::ExitCode;
  gen->footer("Keys from 'openssl genpkey -algorithm ed25519' work as well. " +
              common::exit_code_footer({{ExitCode::io, "cannot write"},
                                        {ExitCode::conflict, "a file exists (--force replaces it)"}}));
  gen->callback([args] { run_generate(*args); });

  CLI::App* id = cmd->add_subcommand(
      "id", "Print the key id of a public or private key file: the SHA-256 of the DER public "
            "key (openssl pkey -pubin -in KEY.pub -outform DER | sha256sum)");
  id->add_option("KEY", args->key, "KEY.pub or KEY.pem")->required();
  id->add_flag("-j,--json", args->json, "JSON on stdout: keyid and file");
  id->footer(common::exit_code_footer({{ExitCode::bad_data, "not an Ed25519 PEM key (RSA, EC, encrypted, malformed)"},
                                       {ExitCode::not_found, "no such file"}}));
  id->callback([args] { run_id(*args); });
}

}  // namespace builder
