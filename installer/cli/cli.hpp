#pragma once
// Command-line front end of sdcadm-install: `sdcadm-install [GLOBAL OPTIONS] COMMAND ...`.
// Global options (--root, --imgapi, --sdcadm, --sdc-server, --sdc-amonadm, --lock-wait, --stdin-timeout,
// -q/--quiet, -v/--verbose: docs/cli.md) may come before or after the command; each command registers its own options and handler (one cmd_*.cpp each) and
// throws common::Error on failure, which run() turns into "sdcadm-install: error: ..."
// and the exit code.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace installer {

struct GlobalOptions {
  std::string root = "/";                         // --root: a simulated headnode
  std::string imgapi;                             // --imgapi: "" = from /usbkey/config
  std::string sdcadm = "/opt/smartdc/bin/sdcadm"; // --sdcadm
  std::string sdc_server = "/opt/smartdc/bin/sdc-server";  // --sdc-server: CNAPI's servers
  // --sdc-amonadm: the alarm-config step's program; "" = /opt/smartdc/bin/sdc-amonadm under
  // --root (the headnode's own; a simulated headnode links fake-sdc-amonadm there).
  std::string sdc_amonadm;
  double lock_wait_s = 600;                       // --lock-wait: give up on a held lock
};
using Globals = std::shared_ptr<GlobalOptions>;

// The command a bundle path alone runs: `sdcadm-install B.sdc` is `sdcadm-install apply B.sdc`
// (cli_args.hpp). Named here so the bash completion (tools/cli_docs) knows it too.
inline constexpr const char* k_default_command = "apply";

// The whole command line of sdcadm-install (global options, every command and its options,
// the footers), configured but not parsed. run() parses with it; tools/cli_docs reads it to
// write the man page and the bash completion, so they cannot drift from --help. The global
// options land in `globals`, which every command's handler shares.
std::unique_ptr<CLI::App> make_app(const Globals& globals);

// Parses argv, runs the chosen command and returns the process exit code
// (common/exit_code.hpp). Never throws.
int run(int argc, char** argv);

void register_verify(CLI::App& app, const Globals& globals);
void register_stage(CLI::App& app, const Globals& globals);
void register_import(CLI::App& app, const Globals& globals);
void register_apply(CLI::App& app, const Globals& globals);
void register_plan(CLI::App& app, const Globals& globals);
void register_check(CLI::App& app, const Globals& globals);
void register_avail(CLI::App& app, const Globals& globals);
void register_inventory(CLI::App& app, const Globals& globals);
void register_history(CLI::App& app, const Globals& globals);
void register_trust(CLI::App& app, const Globals& globals);
void register_seed_agents(CLI::App& app, const Globals& globals);
void register_receipt(CLI::App& app, const Globals& globals);

}  // namespace installer
