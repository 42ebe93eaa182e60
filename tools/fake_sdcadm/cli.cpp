#include <tools/fake_sdcadm/cli.hpp>

#include <tools/fake_sdcadm/commands.hpp>
#include <tools/fake_sdcadm/prompt.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/test_knobs.hpp>

#include <common/error.hpp>
#include <common/log.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <iterator>

namespace fake_sdcadm {

namespace {

struct Args {
  bool json = false;
  std::vector<std::string> words;
  UpOptions up;
  UpOptions exp_up;  // experimental update
  SelfUpdateOptions self;
  AgentsOptions agents;
  bool agents_latest = false;
  bool gz_latest = false;
  GzToolsOptions gz;
  PlatformOptions platform;
  std::vector<std::string> gz_servers, gz_exclude;
  bool gz_servers_given = false, gz_exclude_given = false;
  std::string file;
  std::string channel;  // sdcadm channel set CHANNEL
};

using Action = std::function<void(const Context&)>;

std::string read_stdin_bounded() {
  std::string text;
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
    if (text.size() > (2u << 20)) break;  // parse_spec refuses more than 1 MiB anyway
  }
  return text;
}

CLI::App* command(CLI::App& parent, const std::string& name, const std::string& alias,
                  const std::string& help, std::string& current, Action& action, Action run) {
  CLI::App* sub = parent.add_subcommand(name, help);
  if (!alias.empty()) sub->alias(alias);
  const std::string path = parent.get_parent() != nullptr ? parent.get_name() + " " + name : name;
  sub->callback([&current, &action, path, run] {
    current = path;
    action = run;
  });
  return sub;
}

void add_read_commands(CLI::App& app, Args& a, std::string& cur, Action& act) {
  auto out = [&a] { return a.json ? Output::json : Output::table; };
  auto* insts = command(app, "instances", "insts", "list core instances", cur, act,
                        [&a, out](const Context& c) { cmd_insts(c, out(), a.words); });
  insts->add_flag("-j,--json", a.json, "JSON output");
  insts->add_option("filters", a.words, "type=vm|agent, svc=NAME or a name");
  auto* svcs = command(app, "services", "svcs", "list services", cur, act,
                       [out](const Context& c) { cmd_svcs(c, out()); });
  svcs->add_flag("-j,--json", a.json, "JSON output");
  auto* health = command(app, "check-health", "health", "check instances' health", cur, act,
                         [&a, out](const Context& c) { cmd_check_health(c, out(), a.words); });
  health->add_flag("-j,--json", a.json, "JSON output");
  health->add_option("filters", a.words, "service, instance, alias or type=vm|agent");
}

// The flags `update` and `experimental update` share (do_update.options,
// lib/cli/do_update.js:299-375; experimental adds -j and -s, 435-451).
void add_update_flags(CLI::App* up, UpOptions& o) {
  up->add_flag("-a,--all", o.all, "update all services (needs the updates server)");
  up->add_flag("-I,--just-images", o.just_images, "only import images");
  up->add_flag("--force-same-image", o.force_same_image, "update even to the current image");
  up->add_flag("--force-rabbitmq", o.force_rabbitmq, "update rabbitmq (locked otherwise)");
  up->add_flag("--force-data-path", o.force_data_path, "update portolan (locked otherwise)");
  up->add_option("-C,--channel", o.channel, "update channel");
}

// sdcadm channel get|set (ChannelCLI, lib/channel.js).
void add_channel_commands(CLI::App& app, Args& a, std::string& cur, Action& act) {
  CLI::App* channel = app.add_subcommand("channel", "update channel commands");
  channel->require_subcommand(1);
  command(*channel, "get", "", "get the default update channel", cur, act,
          [](const Context& c) { cmd_channel_get(c); });
  auto* set = command(*channel, "set", "", "set the default update channel", cur, act,
                      [&a](const Context& c) { cmd_channel_set(c, a.channel); });
  set->add_option("channel", a.channel, "CHANNEL_NAME");
}

void add_update_commands(CLI::App& app, Args& a, std::string& cur, Action& act) {
  auto* up = command(app, "update", "up", "update core services (spec on stdin)", cur, act,
                     [&a](const Context& c) {
                       const bool from_stdin = a.up.args.empty() && !a.up.all && !stdin_is_tty();
                       cmd_up(c, a.up, from_stdin ? read_stdin_bounded() : std::string());
                     });
  up->add_flag("-y,--yes", a.up.yes, "answer yes to the confirmation");
  up->add_flag("-n,--dry-run", a.up.dry_run, "show the plan only");
  add_update_flags(up, a.up);
  up->add_option("args", a.up.args, "SVC, SVC@IMAGE-UUID, SVC@VERSION or INSTANCE");

  auto* self = command(app, "self-update", "", "update sdcadm itself", cur, act,
                       [&a](const Context& c) { cmd_self_update(c, a.self); });
  self->add_option("image", a.self.image, "sdcadm image UUID");
  self->add_flag("--latest", a.self.latest, "the latest sdcadm image");
  self->add_flag("-n,--dry-run", a.self.dry_run, "show what would happen");
  self->add_flag("--allow-major-update", a.self.allow_major, "allow a new major version");
  self->add_option("-C,--channel", a.self.channel, "update channel");
  self->add_option("-S,--source", a.self.source, "IMGAPI URL to update from");

  CLI::App* platform = app.add_subcommand("platform", "platform commands");
  platform->require_subcommand(1);
  // PlatformCLI do_install.options (lib/platform.js:1715-1745).
  auto* install = command(*platform, "install", "", "install a platform from a local file", cur, act,
                          [&a](const Context& c) {
                            a.platform.file = a.file;
                            cmd_platform_install(c, a.platform);
                          });
  install->add_option("file", a.file, "platform-<branch>-<stamp>.tgz")->required();
  install->add_flag("-y,--yes", a.platform.yes, "answer yes to all confirmations");
  install->add_option("-C,--channel", a.platform.channel, "update channel (for a UUID or --latest)");
}

// sdcadm experimental update: `update` with agents and dockerlogger (sdcadm.md §2.1).
void add_experimental_update(CLI::App& exp, Args& a, std::string& cur, Action& act) {
  auto* up = command(exp, "update", "", "update services, agents included (spec on stdin)", cur, act,
                     [&a](const Context& c) {
                       UpOptions o = a.exp_up;
                       o.command = UpdateCommand::experimental;
                       const bool from_stdin = o.args.empty() && !o.all && !stdin_is_tty();
                       cmd_up(c, o, from_stdin ? read_stdin_bounded() : std::string());
                     });
  up->add_flag("-y,--yes", a.exp_up.yes, "answer yes to the confirmation");
  up->add_flag("-n,--dry-run", a.exp_up.dry_run, "show the plan only");
  add_update_flags(up, a.exp_up);
  up->add_option("-j,--concurrency", a.exp_up.concurrency, "servers updated at once (default 5)");
  up->add_option("-s,--servers", a.exp_up.servers, "agent changes on these servers only (uuid or hostname)")
      ->delimiter(',')
      ->allow_extra_args(false);
  up->add_option("args", a.exp_up.args, "SVC, SVC@IMAGE-UUID, SVC@VERSION or INSTANCE");
}

void add_experimental(CLI::App& app, Args& a, std::string& cur, Action& act) {
  CLI::App* exp = app.add_subcommand("experimental", "experimental commands");
  exp->require_subcommand(1);
  add_experimental_update(*exp, a, cur, act);
  auto* agents = command(*exp, "update-agents", "", "update agents from an agentsshar", cur, act,
                         [&a](const Context& c) {
                           AgentsOptions o = a.agents;
                           o.latest = a.agents_latest;
                           if (!a.agents_latest && !a.words.empty()) {
                             o.agentsshar = a.words.front();
                             o.servers.assign(a.words.begin() + 1, a.words.end());
                           } else {
                             o.servers = a.words;
                           }
                           cmd_update_agents(c, o);
                         });
  // do_update_agents.options (lib/cli/do_update_agents.js:1328-1388).
  agents->add_option("args", a.words, "AGENTSSHAR (file or image UUID), then SERVER...");
  agents->add_flag("--latest", a.agents_latest, "the latest agentsshar (needs the updates server)");
  agents->add_flag("-a,--all", a.agents.all, "all setup servers");
  agents->add_option("-x,--exclude", a.agents.exclude, "servers to leave out with --all (uuid or hostname)")
      ->delimiter(',')
      ->allow_extra_args(false);
  agents->add_flag("-y,--yes", a.agents.yes, "answer yes to the confirmation");
  agents->add_option("-j,--concurrency", a.agents.concurrency, "servers updated at once (default 5)");
  agents->add_option("-C,--channel", a.agents.channel, "update channel (for a UUID or --latest)");
  auto* gz = command(*exp, "update-gz-tools", "", "update the headnode tools", cur, act,
                     [&a](const Context& c) {
                       if (a.file.empty() && !a.gz_latest) {  // do_update_gz_tools.js:816-820
                         throw common::Error(common::ExitCode::usage,
                                             "must specify installer image UUID or --latest");
                       }
                       GzToolsOptions o = a.gz;
                       o.file = a.gz_latest ? "--latest" : a.file;
                       if (a.gz_servers_given) o.servers = a.gz_servers;  // absent: every setup server
                       if (a.gz_exclude_given) o.exclude = a.gz_exclude;
                       cmd_update_gz_tools(c, o);
                     });
  // do_update_gz_tools.options (lib/cli/do_update_gz_tools.js:851-907).
  gz->add_option("file", a.file, "gz-tools tarball (an image UUID is refused offline)");
  gz->add_flag("--latest", a.gz_latest, "the latest gz-tools (needs the updates server)");
  gz->add_option("-s,--servers", a.gz_servers, "only these servers' cn_tools (uuids or hostnames)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->each([&a](const std::string&) { a.gz_servers_given = true; });
  gz->add_option("-S,--exclude-servers", a.gz_exclude, "leave these servers out (uuids or hostnames)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->each([&a](const std::string&) { a.gz_exclude_given = true; });
  gz->add_option("-C,--channel", a.gz.channel, "update channel (for a UUID or --latest)");
  gz->add_option("-j,--concurrency", a.gz.concurrency, "servers updated at once (default 5)");
  command(*exp, "update-other", "", "SAPI and metadata fixups", cur, act,
          [](const Context& c) { cmd_update_other(c); });
}

// The command a parse error belongs to ("update", "experimental update-agents"), for the
// "sdcadm <command>: error:" prefix.
std::string parsed_command(CLI::App& app) {
  std::string name;
  CLI::App* level = &app;
  for (bool found = true; found;) {
    found = false;
    for (CLI::App* sub : level->get_subcommands([](CLI::App* a) { return a->count() > 0; })) {
      name += (name.empty() ? "" : " ") + sub->get_name();
      level = sub;
      found = true;
      break;
    }
  }
  return name;
}

// node-cmdln names the command as it was typed (nameFromErr: the tool's name and the
// subcommand word from argv), so `sdcadm up` fails with "sdcadm up: error: ...": the first
// word of `cmd` becomes the first word of argv that is not an option.
std::string as_typed(const std::string& cmd, int argc, char** argv) {
  for (int i = 1; i < argc && !cmd.empty(); ++i) {
    if (argv[i][0] == '-') continue;
    return argv[i] + cmd.substr(std::min(cmd.find(' '), cmd.size()));
  }
  return cmd;
}

int print_error(const std::string& cmd, const std::string& message) {
  std::cerr << "sdcadm" << (cmd.empty() ? "" : " " + cmd) << ": error: " << message << "\n";
  return 1;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"fake-sdcadm: the simulated headnode's sdcadm (FAKE_SDCADM_ROOT)", "sdcadm"};
  app.require_subcommand(0, 1);
  bool version = false;
  double hold_seconds = -1;
  app.add_flag("--version", version, "print the sdcadm version");
  app.add_option("--hold-lock", hold_seconds, "test helper: hold the sdcadm lock SECONDS")->group("");
  Args args;
  std::string current;
  Action action;
  add_read_commands(app, args, current, action);
  add_update_commands(app, args, current, action);
  add_channel_commands(app, args, current, action);
  add_experimental(app, args, current, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return print_error(as_typed(parsed_command(app), argc, argv), e.what());
  }
  common::log::configure({"sdcadm", "", common::log::Level::debug, common::log::Level::warn});
  try {
    Context ctx{Root::from_env(), std::vector<std::string>(argv + 1, argv + argc), std::cout};
    if (version) {
      const common::Json sdcadm = State::load(ctx.root).json()["sdcadm"];
      std::cout << "sdcadm " << sdcadm["version"].get<std::string>() << " ("
                << sdcadm["buildstamp"].get<std::string>() << ")\n";
    } else if (hold_seconds >= 0) {
      hold_lock(ctx, hold_seconds);
    } else if (action) {
      command_starting(ctx.root, ctx.argv);  // the command log and FAKE_SDCADM_SLOW (test_knobs.hpp)
      try {
        action(ctx);
      } catch (...) {
        command_ended(ctx.root, ctx.argv, 1);
        throw;
      }
      std::cout.flush();
      command_ended(ctx.root, ctx.argv, 0);  // may SIGKILL the caller (FAKE_SDCADM_KILL_PARENT)
    } else {
      std::cerr << app.help();
      return print_error("", "no command given");
    }
  } catch (const common::Error& e) {
    std::cout.flush();
    // An error without a message is one sdcadm does not show (cmdln's showErr false, as
    // check-health -j): exit 1 and nothing on stderr.
    if (std::string(e.what()).empty()) return 1;
    return print_error(as_typed(current, argc, argv), e.what());
  } catch (const std::exception& e) {
    std::cout.flush();
    return print_error(as_typed(current, argc, argv), std::string("internal error: ") + e.what());
  }
  return 0;
}

}  // namespace fake_sdcadm
