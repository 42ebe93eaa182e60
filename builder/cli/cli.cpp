#include <builder/cli/cli.hpp>
#include <builder/log_file.hpp>

#include <common/cli_flags.hpp>
#include <common/command_tree.hpp>
#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/run_main.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace builder {

std::unique_ptr<CLI::App> make_app(const std::shared_ptr<std::string>& log) {
  auto owned = std::make_unique<CLI::App>(
      "sdcadm-bundle: build, sign, inspect and serve offline update bundles for Triton DataCenter",
      "sdcadm-bundle");
  CLI::App& app = *owned;
  app.set_version_flag("--version", std::string("sdcadm-bundle ") + SDCB_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // -q, -v and --log may also follow the command
  common::use_plain_help(app);
  common::add_output_flags(app);  // -v: the log's debug lines on stderr (open_log below)
  app.add_option("--log", *log, "Append this run's log (bunyan JSON lines) to FILE instead of the default "
                                "named below")
      ->option_text("FILE");
  // Before the command runs, so everything it does is recorded.
  const auto verbose = [] { return common::output_level() == common::OutputLevel::verbose; };
  app.parse_complete_callback([log, verbose] { open_log(*log, verbose()); });

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
  app.footer("Exit codes: see docs/exit-codes.md. Run 'sdcadm-bundle COMMAND --help' for details. "
             "Log: every run appends bunyan JSON lines (what it resolved, fetched and wrote, and any "
             "error with its exit code) to $XDG_STATE_HOME/sdcadm-bundle/sdcadm-bundle.log "
             "(default ~/.local/state/sdcadm-bundle/sdcadm-bundle.log) or --log FILE; see docs/logs.md.");
  return owned;
}

int run(int argc, char** argv) {
  auto log = std::make_shared<std::string>();
  const std::unique_ptr<CLI::App> owned = make_app(log);
  CLI::App& app = *owned;
  const auto verbose = [] { return common::output_level() == common::OutputLevel::verbose; };

  common::MainHooks hooks;
  // A mistyped command is a usage error naming the nearest one (common/command_tree.hpp);
  // `help [COMMAND]` is `[COMMAND] --help`.
  hooks.prepare = [&app](std::vector<std::string> args) {
    std::size_t at = 0;  // the command word: the first that is no option nor --log's value
    while (at < args.size() && !args[at].empty() && args[at][0] == '-') at += args[at] == "--log" ? 2 : 1;
    at = std::min(at, args.size());
    args = common::help_as_flag(args, at);
    common::check_command_words(app, args, at, "sdcadm-bundle");
    return args;
  };
  hooks.open_log = [log, verbose] { open_log(*log, verbose()); };
  return common::run_main(app, "sdcadm-bundle", argc, argv, hooks);
}

}  // namespace builder
