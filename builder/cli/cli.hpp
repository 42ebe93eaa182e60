#pragma once
// Command-line front end of sdcadm-bundle.

#include <CLI/CLI.hpp>

namespace builder {

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
