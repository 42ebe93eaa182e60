#pragma once
// fake-sdcadm's subcommands (one file each, see docs/simulated-headnode.md). Each prints
// sdcadm-like output on the context's `out`, and throws common::Error on failure; main()
// prints "sdcadm <cmd>: error: <message>" and exits 1, as sdcadm does for every error.

#include <tools/fake_sdcadm/lock.hpp>
#include <tools/fake_sdcadm/root.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fake_sdcadm {

struct Context {
  Root root;
  std::vector<std::string> argv;  // as given, for the state's log
  std::ostream& out;
};

// Takes <root>/var/run/sdcadm.lock for as long as the result lives (lock.hpp), printing
// "Waiting for sdcadm lock" after 1 s.
FileLock take_sdcadm_lock(const Context& ctx);

enum class Output { table, json };

// sdcadm instances|insts [-j] [FILTER...]: type=vm|agent, svc=NAME or a bare name.
void cmd_insts(const Context& ctx, Output output, const std::vector<std::string>& filters);
// sdcadm services|svcs [-j].
void cmd_svcs(const Context& ctx, Output output);
// sdcadm check-health [-j] [SERVICE|INSTANCE...]
void cmd_check_health(const Context& ctx, Output output, const std::vector<std::string>& filters);

// `sdcadm update|up`, or `sdcadm experimental update` (agents and dockerlogger too, -j, -s).
enum class UpdateCommand { up, experimental };

struct UpOptions {
  UpdateCommand command = UpdateCommand::up;
  std::vector<std::string> args;  // svc, svc@uuid, svc@version, inst...
  bool all = false;
  bool yes = false;
  bool dry_run = false;
  bool just_images = false;
  bool force_same_image = false;
  bool force_rabbitmq = false;       // --force-rabbitmq (lib/cli/do_update.js:331-335)
  bool force_data_path = false;      // --force-data-path: portolan (do_update.js:326-330)
  std::string channel;               // -C/--channel: the channel "Using channel" names
  int concurrency = 5;               // experimental -j (checked, runs are sequential here)
  std::vector<std::string> servers;  // experimental -s: agent changes on these servers only
};
// sdcadm update|up and sdcadm experimental update; the spec comes from stdin when there are
// no args and no --all. The fault knob's command is "up" for the first, "update" for the
// second (as "update-agents" is `experimental update-agents`).
void cmd_up(const Context& ctx, const UpOptions& options, const std::string& stdin_text);

// sdcadm channel get / set CHANNEL (cmd_channel.cpp).
void cmd_channel_get(const Context& ctx);
void cmd_channel_set(const Context& ctx, const std::string& channel);

struct SelfUpdateOptions {
  std::string image;  // UUID, or "" with latest
  bool latest = false;
  bool dry_run = false;
  bool allow_major = false;
  std::string channel;
  std::string source;
};
void cmd_self_update(const Context& ctx, const SelfUpdateOptions& options);

// sdcadm experimental update-agents (lib/cli/do_update_agents.js, options 1328-1388).
struct AgentsOptions {
  std::string agentsshar;  // local path or image UUID; "" with --latest
  bool latest = false;
  bool all = false;
  std::vector<std::string> servers;
  std::vector<std::string> exclude;  // -x/--exclude: uuids or hostnames, with --all only
  bool yes = false;
  int concurrency = 5;  // -j: accepted; servers are done one after the other here
  std::string channel;  // -C: only for a UUID or --latest, which need the updates server
};
void cmd_update_agents(const Context& ctx, const AgentsOptions& options);

// A local FILE argument that must exist (under the root when absolute). Error(network) for
// --latest or an image UUID (the updates server, offline), Error(not_found) for no file.
std::string existing_file(const Context& ctx, const std::string& arg, const std::string& what);

// sdcadm experimental update-gz-tools FILE (cmd_gz_tools.cpp; lib/cli/do_update_gz_tools.js,
// options 851-907).
struct GzToolsOptions {
  std::string file;  // a local tarball, "--latest" or an image UUID (both refused offline)
  std::optional<std::vector<std::string>> servers;  // -s/--servers NAMES (default: every setup server)
  std::optional<std::vector<std::string>> exclude;  // -S/--exclude-servers NAMES
  std::string channel;                              // -C: only for a UUID or --latest
  int concurrency = 5;                              // -j: servers are done one after the other here
};
void cmd_update_gz_tools(const Context& ctx, const GzToolsOptions& options);
void cmd_update_other(const Context& ctx);
// sdcadm platform install FILE [-y] [-C CH] (cmd_platform.cpp).
struct PlatformOptions {
  std::string file;
  bool yes = false;     // -y: skip the headnode "latest" guard
  std::string channel;  // -C: only for a UUID, a version or --latest (the updates server)
};
void cmd_platform_install(const Context& ctx, const PlatformOptions& options);

// Test helper (fake-sdcadm --hold-lock SECONDS): holds the sdcadm lock, prints "locked"
// once it has it, and releases it after SECONDS.
void hold_lock(const Context& ctx, double seconds);

}  // namespace fake_sdcadm
