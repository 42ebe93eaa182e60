#pragma once
// Command-line front end of sdcadm-bundle.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace builder {

// The whole command line of sdcadm-bundle (global options, every command and its options,
// the footers), configured but not parsed. run() parses with it; tools/cli_docs reads it to
// write the man page and the bash completion, so they cannot drift from --help. `log` is
// where --log's value lands (run() opens the log with it once the command line is parsed).
std::unique_ptr<CLI::App> make_app(const std::shared_ptr<std::string>& log);

// Parses argv, runs the chosen subcommand and returns the process exit code
// (see common/exit_code.hpp). Never throws.
int run(int argc, char** argv);

// Each subcommand registers its options and handler on the app (one cmd_*.cpp each).
// The handler throws common::Error on failure.
void register_serve(CLI::App& app);
void register_build(CLI::App& app);
void register_inspect(CLI::App& app);
void register_changelog(CLI::App& app);
void register_verify(CLI::App& app);
void register_key(CLI::App& app);
void register_trust(CLI::App& app);
void register_sign(CLI::App& app);
void register_receipt(CLI::App& app);

}  // namespace builder
