// `sdcadm-install trust init|show|add`: the DC's trust root (issue 4, installer side;
// docs/trust.md). init installs the release team's root as the DC's first; add moves it
// forward through rotations; show prints it with the anti-rollback marks per channel.
// A bundle can also move the root forward: apply stores a newer root it carries. The
// workflows are the library's (installer/trust_admin.hpp); this file prints them.

#include <installer/cli/cli.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/trust_admin.hpp>

#include <iostream>

namespace installer {
namespace {

struct TrustArgs {
  std::vector<std::string> files;
  std::string output;  // dc-key -o
  bool force = false;
  bool replace = false;
  bool json = false;
};

common::Json root_json(const signing::TrustRoot& root) {
  common::Json keys = common::Json::array();
  for (const auto& k : root.keys()) keys.push_back({{"keyid", k.key.id()}, {"name", k.name}});
  return {{"version", root.version()}, {"expires", root.expires()},
          {"threshold", root.threshold()}, {"keys", keys}};
}

void print_root(const signing::TrustRoot& root, const std::string& path) {
  std::cout << "trust root " << path << ": version " << root.version() << ", expires "
            << root.expires() << ", " << root.threshold() << " of " << root.keys().size()
            << " signatures required\n";
  for (const auto& k : root.keys()) {
    std::cout << "  key " << k.key.id() << (k.name.empty() ? "" : "  " + k.name) << "\n";
  }
}

// The DC's own key (dc_key.hpp), which signs its install receipts.
common::Json dc_key_json(const Paths& paths, const signing::PublicKey& key, bool created) {
  return {{"keyid", key.id()}, {"private", dc_key_files(paths).private_path},
          {"public", dc_key_files(paths).public_path}, {"created", created}};
}

void print_dc_key(const Paths& paths, const signing::PublicKey& key, const char* how) {
  std::cout << "DC key " << key.id() << " (" << how << "): " << dc_key_files(paths).public_path
            << ", signs this DC's install receipts; export it with sdcadm-install trust dc-key -o FILE\n";
}

void run_init(const HostOptions& host, const TrustArgs& args) {
  const Paths paths = Paths::under(host.root);
  const TrustInit r = init_trust(host, args.files.at(0), args.replace);
  if (args.json) {
    print_json({{"ok", true}, {"path", r.path}, {"root", root_json(r.root)},
                {"dc_key", dc_key_json(paths, r.key.key.public_key(), r.key.created)}});
    return;
  }
  std::cout << "installed ";
  print_root(r.root, r.path);
  print_dc_key(paths, r.key.key.public_key(), r.key.created ? "created" : "kept");
}

void run_dc_key(const HostOptions& host, const TrustArgs& args) {
  const Paths paths = Paths::under(host.root);
  const signing::PrivateKey key = export_dc_key(host, args.output, args.force);
  if (args.output.empty() || args.output == "-") {
    const std::string pem = key.public_key().pem();
    if (args.json) {
      print_json({{"dc_key", dc_key_json(paths, key.public_key(), false)}, {"pem", pem}});
    } else {
      std::cout << pem << std::flush;
      if (!common::quiet()) std::cerr << "DC key id " << key.id() << "\n";
    }
    return;
  }
  if (args.json) {
    print_json({{"ok", true}, {"output", args.output}, {"dc_key", dc_key_json(paths, key.public_key(), false)}});
    return;
  }
  std::cout << "wrote the DC's public key " << key.id() << " to " << args.output
            << " (check receipts with sdcadm-bundle receipt verify FILE --dc-key " << args.output << ")\n";
}

void run_add(const HostOptions& host, const TrustArgs& args) {
  const TrustAdd r = add_trust_roots(host, args.files);
  if (args.json) {
    print_json({{"ok", true}, {"changed", r.changed}, {"path", r.path}, {"root", root_json(r.root)}});
    return;
  }
  std::cout << (r.changed ? "moved to " : "already at or past every given root: ");
  print_root(r.root, r.path);
}

void run_show(const HostOptions& host, const TrustArgs& args) {
  const Paths paths = Paths::under(host.root);
  const TrustShow r = show_trust(host);
  if (args.json) {
    common::Json channels = common::Json::object();
    for (const auto& [name, entry] : r.rollback.channels) {
      channels[name] = {{"sequence", entry.sequence}, {"bundle_id", entry.bundle_id}};
    }
    print_json({{"path", r.path}, {"root", root_json(r.root)},
                {"expired", r.expired}, {"channels", channels},
                {"dc_key", r.dc_key ? dc_key_json(paths, r.dc_key->public_key(), false) : common::Json(nullptr)}});
    return;
  }
  print_root(r.root, r.path);
  if (r.expired) std::cout << "  EXPIRED: ask the release team for a rotation\n";
  for (const auto& [name, entry] : r.rollback.channels) {
    std::cout << "channel " << name << ": newest installed sequence " << entry.sequence
              << " (bundle " << entry.bundle_id << ")\n";
  }
  if (r.rollback.channels.empty()) std::cout << "no bundle installed yet\n";
  if (r.dc_key) {
    print_dc_key(paths, r.dc_key->public_key(), "this DC's own");
  } else {
    std::cout << "no DC key yet: the next apply creates it (it signs install receipts)\n";
  }
}

}  // namespace

void register_trust(CLI::App& app, const Globals& globals) {
  CLI::App* trust = app.add_subcommand(
      "trust", "The DC's trust root: which release keys may sign bundles for this DC");
  trust->require_subcommand(1);
  auto args = std::make_shared<TrustArgs>();

  CLI::App* init = trust->add_subcommand(
      "init", "Install the release team's ROOT.json as this DC's first trust root");
  init->add_option("ROOT", args->files, "root.json from the release team")->required()->expected(1);
  init->add_flag("--replace", args->replace,
                 "Replace an existing root (recovery after a lost root key only; see docs/trust.md)");
  init->add_flag("-j,--json", args->json, "JSON output");
  using common::ExitCode;
  init->footer("Also creates the DC's own key (receipts), unless it has one: /var/sdcadm/install/dc-key.pem. " +
               common::exit_code_footer({{ExitCode::bad_data, "bad root file"},
                                         {ExitCode::not_found, "no such file"},
                                         {ExitCode::conflict, "a root exists already (--replace)"},
                                         {ExitCode::trust_expired, "expired root"},
                                         {ExitCode::trust_root, "the root does not verify"}}));
  init->callback([globals, args] { run_init(host_options(*globals), *args); });

  CLI::App* add = trust->add_subcommand(
      "add", "Move the trust root forward through newer roots (rotations), oldest first or in any order");
  add->add_option("ROOT", args->files, "newer root.json file(s)")->required();
  add->add_flag("-j,--json", args->json, "JSON output");
  add->footer(common::exit_code_footer({{ExitCode::bad_data, "bad root file"},
                                        {ExitCode::not_found, "no such file"},
                                        {ExitCode::trust_expired, "expired root"},
                                        {ExitCode::trust_root, "a rotation that does not verify or skips a version"},
                                        {ExitCode::trust_no_root, "no trust root yet (trust init)"}}));
  add->callback([globals, args] { run_add(host_options(*globals), *args); });

  CLI::App* show = trust->add_subcommand(
      "show", "Print the trust root and the newest installed bundle sequence per channel");
  show->add_flag("-j,--json", args->json, "JSON output");
  show->footer(common::exit_code_footer({{ExitCode::bad_data, "a damaged trust file"},
                                         {ExitCode::trust_no_root, "no trust root yet (trust init)"}}));
  show->callback([globals, args] { run_show(host_options(*globals), *args); });

  CLI::App* dc_key = trust->add_subcommand(
      "dc-key", "Print or write the DC's public key (it signs this DC's install receipts; docs/receipt.md)");
  dc_key->add_option("-o,--output", args->output, "Write the public key (PEM) to FILE (default: stdout)")
      ->option_text("FILE");
  dc_key->add_flag("--force", args->force, "Replace an existing FILE");
  dc_key->add_flag("-j,--json", args->json, "JSON output");
  dc_key->footer(common::exit_code_footer({{ExitCode::not_found, "no DC key yet (trust init or the next apply makes it)"},
                                           {ExitCode::conflict, "FILE exists (--force replaces it)"}}));
  dc_key->callback([globals, args] { run_dc_key(host_options(*globals), *args); });

  trust->footer(
      "Files: /var/sdcadm/trust/root.json and channels.json (under --root); the DC's own key "
      "/var/sdcadm/install/dc-key.pem (0600) and dc-key.pub, made by init. See docs/trust.md. Run "
      "'sdcadm-install trust COMMAND --help' for each command's exit codes.");
}

}  // namespace installer
