// fake-sdc-amonadm: the simulated headnode's /opt/smartdc/bin/sdc-amonadm, the GZ wrapper
// (sdc-headnode Makefile:81, tools/lib/wrap.sh) of the sdc zone's sdc-amonadm
// (TritonDataCenter/sdc-amonadm v1.0.2 main.js, through sdc-sdc bin/sdc-amonadm), over
// <FAKE_SDCADM_ROOT>/var/fake-sdcadm/state.json (docs/simulated-headnode.md "sdc-amonadm").
// Simulated: `update` and `probes`; the other real commands (add, drop, probe, alarm,
// alarms, close) say they are not simulated. Errors are cmdln 1.2.0's "sdc-amonadm: error:
// <message>", exit 1 (lib/cmdln.js:414-430). The fault knob's command is `amonadm-update`;
// every run goes to the command log (test_knobs.hpp).
#include <tools/fake_sdcadm/amon.hpp>
#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/root.hpp>
#include <tools/fake_sdcadm/state.hpp>
#include <tools/fake_sdcadm/test_knobs.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <iostream>
#include <set>

namespace {

using common::Error;
using common::ExitCode;
using fake_sdcadm::Root;
using fake_sdcadm::State;

const char* const k_help =
    "Usage:\n"
    "    sdc-amonadm [OPTIONS] COMMAND [ARGS...]\n"
    "\n"
    "Manages AMON probes for a SAPI application\n"
    "\n"
    "Commands (simulated: update, probes):\n"
    "    update [--concurrency LIMIT] [-v]   add missing probes, update changed ones, drop the others\n"
    "    probes [-H] [-m MACHINE_UUID]... [-r ROLE_NAME]...   list the probes\n";

struct Options {
  bool header = true;
  std::vector<std::string> roles, machines;
};

// The options main.js gives `update` and `probes` (DEFAULT_OPTIONS plus theirs); -f and -d
// are what the GZ wrapper appends (sdc-sdc bin/sdc-amonadm:18): accepted, not used.
Options parse(const std::string& command, const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw Error(ExitCode::usage, "do not have enough args for \"" + a + "\" option");
      return args[++i];
    };
    if (a == "-f" || a == "--file" || a == "-d" || a == "--dir") {
      value();
    } else if (a == "-v" || a == "--verbose") {
    } else if (command == "update" && a == "--concurrency") {
      const std::string n = value();
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n == "0") {
        throw Error(ExitCode::usage, "arg for \"--concurrency\" is not a positive integer: \"" + n + "\"");
      }
    } else if (command == "probes" && a == "-H") {
      o.header = false;
    } else if (a == "-m" || a == "--machine") {
      o.machines.push_back(value());
    } else if (a == "-r" || a == "--role") {
      o.roles.push_back(value());
    } else {
      throw Error(ExitCode::usage, "unknown option: \"" + a + "\"");
    }
  }
  if (command == "update" && (!o.roles.empty() || !o.machines.empty())) {
    throw Error(ExitCode::usage, "fake-sdc-amonadm simulates `update` for all roles only (no -m, -r)");
  }
  return o;
}

// "sim-1.example.com" from /usbkey/config (the DC's DNS names, amon.<this>).
std::string dns_suffix(const Root& root) {
  try {
    const auto c = fake_sdcadm::parse_usbkey_config(common::read_small_file(root.path("/usbkey/config"), 1 << 20),
                                                    "/usbkey/config");
    if (c.count("datacenter_name") && c.count("dns_domain")) return c.at("datacenter_name") + "." + c.at("dns_domain");
  } catch (const Error&) {  // no config: the simulated DC's names
  }
  return "sim-1.example.com";
}

void update(const Root& root, const std::vector<std::string>& argv) {
  const fake_sdcadm::StateLock lock(root);
  State state = State::load(root);
  fake_sdcadm::fire_fault(fake_sdcadm::active_fault(state), "amonadm-update", "",
                          "sdc-amonadm: error: amon: simulated failure (fake-sdcadm fault knob)", state, root);
  fake_sdcadm::check_amonadm_can_run(state, dns_suffix(root));
  fake_sdcadm::update_probes(state, std::cout);
  state.append_log(argv);
  state.save(root);
}

void probes(const Root& root, const Options& o) {
  const State state = State::load(root);
  fake_sdcadm::check_amonadm_can_run(state, dns_suffix(root));
  std::cout << fake_sdcadm::list_probes(state, o.header, o.roles, o.machines);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << k_help;  // cmdln prints the help for no command (lib/cmdln.js:232-235)
    return 0;
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  static const std::set<std::string> k_real = {"add", "drop", "probe", "alarm", "alarms", "close"};
  std::vector<std::string> logged = {"sdc-amonadm"};
  logged.insert(logged.end(), args.begin(), args.end());
  try {
    if (command != "update" && command != "probes") {
      if (k_real.count(command)) {
        throw Error(ExitCode::usage, "fake-sdc-amonadm simulates only \"update\" and \"probes\", not \"" + command + "\"");
      }
      throw Error(ExitCode::usage, "unknown command: \"" + command + "\"");
    }
    const Options o = parse(command, rest);
    const Root root = Root::from_env();
    fake_sdcadm::command_starting(root, logged);
    try {
      if (command == "update") update(root, logged);
      else probes(root, o);
    } catch (...) {
      std::cout.flush();
      fake_sdcadm::command_ended(root, logged, 1);
      throw;
    }
    std::cout.flush();
    fake_sdcadm::command_ended(root, logged, 0);
    return 0;
  } catch (const std::exception& e) {
    std::cout.flush();
    const std::string what = e.what();
    // The wrapper's own error and the ones already in sdc-amonadm's words go as they are.
    const bool worded = what.rfind("error: ", 0) == 0 || what.rfind("sdc-amonadm: error: ", 0) == 0;
    std::cerr << (worded ? what : "sdc-amonadm: error: " + what) << "\n";
    return 1;
  }
}
