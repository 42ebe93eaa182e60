// `sdcadm-install trust init|show|add`: the DC's trust root (issue 4, installer side;
// docs/trust.md). init installs the release team's root as the DC's first; add moves it
// forward through rotations; show prints it with the anti-rollback marks per channel.
// A bundle can also move the root forward: apply stores a newer root it carries.

#include <installer/cli.hpp>
#include <installer/cli_options.hpp>
#include <installer/trust_store.hpp>

#include <common/error.hpp>

#include <ctime>
#include <iostream>

namespace installer {
namespace {

struct TrustArgs {
  std::vector<std::string> files;
  bool replace = false;
  bool json = false;
};

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

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

void run_init(const GlobalOptions& globals, const TrustArgs& args) {
  TrustStore store(Paths::under(globals.root));
  const signing::TrustRoot root = store.init(args.files.at(0), args.replace, now());
  if (args.json) {
    print_json({{"ok", true}, {"path", store.root_path()}, {"root", root_json(root)}});
    return;
  }
  std::cout << "installed ";
  print_root(root, store.root_path());
}

void run_add(const GlobalOptions& globals, const TrustArgs& args) {
  TrustStore store(Paths::under(globals.root));
  const std::optional<signing::TrustRoot> before = store.root();
  const signing::TrustRoot root = store.add(args.files, now());
  const bool moved = !before || root.version() != before->version();
  if (args.json) {
    print_json({{"ok", true}, {"changed", moved}, {"path", store.root_path()},
                {"root", root_json(root)}});
    return;
  }
  std::cout << (moved ? "moved to " : "already at or past every given root: ");
  print_root(root, store.root_path());
}

void run_show(const GlobalOptions& globals, const TrustArgs& args) {
  TrustStore store(Paths::under(globals.root));
  const std::optional<signing::TrustRoot> root = store.root();
  if (!root) {
    throw common::Error(common::ExitCode::trust_no_root,
                        "no trust root at " + store.root_path() + "; " + no_root_hint());
  }
  const signing::RollbackState state = store.rollback();
  if (args.json) {
    common::Json channels = common::Json::object();
    for (const auto& [name, entry] : state.channels) {
      channels[name] = {{"sequence", entry.sequence}, {"bundle_id", entry.bundle_id}};
    }
    print_json({{"path", store.root_path()}, {"root", root_json(*root)},
                {"expired", root->expired(now())}, {"channels", channels}});
    return;
  }
  print_root(*root, store.root_path());
  if (root->expired(now())) std::cout << "  EXPIRED: ask the release team for a rotation\n";
  for (const auto& [name, entry] : state.channels) {
    std::cout << "channel " << name << ": newest installed sequence " << entry.sequence
              << " (bundle " << entry.bundle_id << ")\n";
  }
  if (state.channels.empty()) std::cout << "no bundle installed yet\n";
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
  init->callback([globals, args] { run_init(*globals, *args); });

  CLI::App* add = trust->add_subcommand(
      "add", "Move the trust root forward through newer roots (rotations), oldest first or in any order");
  add->add_option("ROOT", args->files, "newer root.json file(s)")->required();
  add->add_flag("-j,--json", args->json, "JSON output");
  add->callback([globals, args] { run_add(*globals, *args); });

  CLI::App* show = trust->add_subcommand(
      "show", "Print the trust root and the newest installed bundle sequence per channel");
  show->add_flag("-j,--json", args->json, "JSON output");
  show->callback([globals, args] { run_show(*globals, *args); });

  trust->footer(
      "Files: /var/sdcadm/trust/root.json and channels.json (under --root). Exit codes: 9 bad "
      "file, 10 missing file, 11 a root exists already (init), 33 expired root, 35 a rotation "
      "that does not verify or skips a version, 37 no trust root yet. See docs/trust.md.");
}

}  // namespace installer
