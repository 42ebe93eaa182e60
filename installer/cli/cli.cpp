#include <installer/cli/cli.hpp>

#include <installer/cli/cli_args.hpp>
#include <installer/installer_version.hpp>
#include <installer/self_update.hpp>

#include <bundles/byte_source.hpp>
#include <common/cli_flags.hpp>
#include <common/command_tree.hpp>
#include <common/error.hpp>
#include <common/exit_code.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
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

int run(int argc, char** argv) {
  remember_invocation(argc, argv);  // for a self-update's re-exec
  CLI::App app{"sdcadm-install: verify, stage, import and apply an offline update bundle "
               "(.sdc) in the headnode global zone of a Triton DataCenter",
               "sdcadm-install"};
  app.set_version_flag("--version", std::string("sdcadm-install ") + running_version());
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command
  common::use_plain_help(app);
  common::add_output_flags(app);  // read by start_run (log lines) and the progress flags
  auto globals = std::make_shared<GlobalOptions>();
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
  app.footer("Exit codes: see docs/exit-codes.md. Run 'sdcadm-install COMMAND --help' for details.");

  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  try {
    // A mistyped command is a usage error naming the nearest one, never a bundle path
    // (common/command_tree.hpp); `help [COMMAND]` is `[COMMAND] --help`.
    std::vector<std::string> args = with_default_command(
        std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc), commands, "apply");
    const std::size_t at = command_word_index(args);
    args = common::help_as_flag(args, at);
    common::check_command_words(app, args, at, "sdcadm-install");
    std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse order
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version itself; usage errors get exit code 2.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : common::to_int(common::ExitCode::usage);
  } catch (const common::Error& e) {
    std::cerr << "sdcadm-install: error: " << e.what() << "\n";
    return common::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "sdcadm-install: internal error: " << e.what() << "\n";
    return common::to_int(common::ExitCode::internal);
  }
  return 0;
}

}  // namespace installer
