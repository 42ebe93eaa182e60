#include <installer/cli/cli.hpp>

#include <installer/cli/cli_args.hpp>
#include <installer/cli/cli_options.hpp>
#include <installer/installer_version.hpp>
#include <installer/self_update.hpp>

#include <bundles/byte_source.hpp>
#include <common/cli_flags.hpp>
#include <common/command_tree.hpp>
#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/run_main.hpp>

#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace installer {

namespace {

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option("--root", g.root,
                 "Root of the headnode's file system (default /); a simulated headnode's "
                 "directory in tests and the demo")
      ->option_text("DIR");
  app.add_option("--imgapi", g.imgapi,
                 "The DC IMGAPI (default http://<imgapi_domain> from ROOT/usbkey/config)")
      ->option_text("URL");
  app.add_option("--sdcadm", g.sdcadm, "The sdcadm program (default /opt/smartdc/bin/sdcadm)")
      ->option_text("PATH");
  app.add_option("--sdc-server", g.sdc_server,
                 "The headnode's sdc-server, which lists CNAPI's servers (default /opt/smartdc/bin/sdc-server)")
      ->option_text("PATH");
  app.add_option("--sdc-amonadm", g.sdc_amonadm,
                 "The headnode's sdc-amonadm, which brings the amon probes up to date after core zone "
                 "changes (default /opt/smartdc/bin/sdc-amonadm under --root)")
      ->option_text("PATH");
  app.add_option("--lock-wait", g.lock_wait_s,
                 "Seconds to wait for the sdcadm lock or another sdcadm-install before "
                 "failing with exit code 40 (default 600)")
      ->option_text("SECONDS")
      ->check(CLI::Range(0.0, 86400.0));
  // 300 s: a bundle piped from ssh, curl or zstd may pause, but five minutes without one
  // byte is a stall; it is also shorter than --lock-wait's 600 s, so a run queued behind a
  // stalled `stage -` still gets the installer lock.
  app.add_option_function<int>(
         "--stdin-timeout", [](const int& s) { bundles::set_pipe_read_timeout(s); },
         "Seconds `verify -` and `stage -` wait for the next byte on standard input before "
         "failing with exit code 13 (default " +
             std::to_string(bundles::k_default_pipe_timeout_s) + "; 0 waits forever)")
      ->option_text("SECONDS")
      ->check(CLI::Range(0, 86400));
}

}  // namespace

std::unique_ptr<CLI::App> make_app(const Globals& globals) {
  auto owned = std::make_unique<CLI::App>(
      "sdcadm-install: verify, stage, import and apply an offline update bundle "
      "(.sdc) in the headnode global zone of a Triton DataCenter",
      "sdcadm-install");
  CLI::App& app = *owned;
  app.set_version_flag("--version", std::string("sdcadm-install ") + running_version());
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command
  common::use_plain_help(app);
  common::add_output_flags(app);  // read by start_run (log lines) and the progress flags
  add_global_options(app, *globals);

  register_verify(app, globals);
  register_stage(app, globals);
  register_import(app, globals);
  register_apply(app, globals);
  register_plan(app, globals);
  register_check(app, globals);
  register_avail(app, globals);
  register_inventory(app, globals);
  register_history(app, globals);
  register_trust(app, globals);
  register_seed_agents(app, globals);
  register_receipt(app, globals);
  // After the commands: a command inherits the footer its parent has when it is added, and
  // this line is about choosing a command.
  app.footer("Exit codes: see docs/exit-codes.md. Run 'sdcadm-install COMMAND --help' for details. "
             "Log: bunyan JSON lines of every run, warning and error (with its exit code) in "
             "/var/log/sdcadm/sdcadm-install.log (under --root), beside sdcadm's logs; see docs/logs.md.");
  return owned;
}

int run(int argc, char** argv) {
  remember_invocation(argc, argv);  // for a self-update's re-exec
  auto globals = std::make_shared<GlobalOptions>();
  const std::unique_ptr<CLI::App> owned = make_app(globals);
  CLI::App& app = *owned;

  common::MainHooks hooks;
  // A mistyped command is a usage error naming the nearest one, never a bundle path
  // (common/command_tree.hpp); `help [COMMAND]` is `[COMMAND] --help`.
  hooks.prepare = [&app](const std::vector<std::string>& given) {
    std::vector<std::string> args = with_default_command(given, common::command_names(app), k_default_command);
    const std::size_t at = command_word_index(args);
    args = common::help_as_flag(args, at);
    common::check_command_words(app, args, at, "sdcadm-install");
    return args;
  };
  // A failure before the command opened the log (a --root that is no directory, ...).
  hooks.open_log = [globals] {
    struct stat st {};
    const Paths paths = Paths::under(globals->root);
    if (::stat(paths.root.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) open_run_log(paths, common::log::Level::info);
  };
  return common::run_main(app, "sdcadm-install", argc, argv, hooks);
}

}  // namespace installer
