#include <builder/cli/cli.hpp>

#include <common/cli_flags.hpp>
#include <common/command_tree.hpp>
#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <exception>
#include <iostream>

namespace builder {

int run(int argc, char** argv) {
  CLI::App app{"sdcadm-bundle: build, sign, inspect and serve offline update bundles for Triton DataCenter",
               "sdcadm-bundle"};
  app.set_version_flag("--version", std::string("sdcadm-bundle ") + SDCB_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // -q and -v may also follow the command
  common::use_plain_help(app);
  common::add_output_flags(app, [] {
    // The library's debug lines (what was resolved, downloaded, trimmed) on stderr.
    common::log::configure({"sdcadm-bundle", "", common::log::Level::debug, common::log::Level::debug});
  });

  register_build(app);
  register_inspect(app);
  register_changelog(app);
  register_verify(app);
  register_sign(app);
  register_key(app);
  register_trust(app);
  register_serve(app);
  register_receipt(app);
  // After the commands: a command inherits the footer its parent has when it is added, and
  // this line is about choosing a command.
  app.footer("Exit codes: see docs/exit-codes.md. Run 'sdcadm-bundle COMMAND --help' for details.");

  try {
    // A mistyped command is a usage error naming the nearest one (common/command_tree.hpp);
    // `help [COMMAND]` is `[COMMAND] --help`.
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const std::size_t at = static_cast<std::size_t>(
        std::find_if(args.begin(), args.end(), [](const std::string& a) { return a.empty() || a[0] != '-'; }) -
        args.begin());
    args = common::help_as_flag(args, at);
    common::check_command_words(app, args, at, "sdcadm-bundle");
    std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version itself; usage errors get exit code 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : common::to_int(common::ExitCode::usage);
  } catch (const common::Error& e) {
    std::cerr << "sdcadm-bundle: error: " << e.what() << "\n";
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "sdcadm-bundle: internal error: " << e.what() << "\n";
    return common::to_int(common::ExitCode::internal);
  }
  return 0;
}

}  // namespace builder
