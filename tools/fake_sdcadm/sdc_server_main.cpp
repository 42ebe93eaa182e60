// fake-sdc-server: the simulated headnode's /opt/smartdc/bin/sdc-server (sdc-headnode
// 181d922 tools/bin/sdc-server), for the installer's server checks. Only `lookup` is
// simulated (server_lookup.hpp), over the CNAPI servers of
// <FAKE_SDCADM_ROOT>/var/fake-sdcadm/state.json (docs/simulated-headnode.md). As the real
// one: no sub-command prints the usage and exits 2 (main, 1660-1668); an unknown one prints
// the usage and "Error: unknown command: X" (dispatchCommand, 1653-1656); every error is
// "Error: <message>" on stderr, exit 1 (main, 1675-1689).
#include <tools/fake_sdcadm/root.hpp>
#include <tools/fake_sdcadm/server_lookup.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <iostream>
#include <set>

namespace {

using fake_sdcadm::string_field;

// usage() (sdc-server:42-72), verbatim.
void usage() {
  std::cout << "\n"
               "Usage:\n"
               "        /opt/smartdc/bin/sdc-server <sub-command> [options]\n"
               "\n"
               "Sub-commands:\n"
               "\n"
               "    delete [-f] <uuid>                    - remove all CNAPI information about\n"
               "                                            this server\n"
               "    jobs <uuid>                           - list all jobs for this server\n"
               "    get [<uuid>] <param>                  - get parameter (for a server)\n"
               "    set [<uuid>] <param> <value>          - set parameter (for a server)\n"
               "    list                                  - list all servers in this DC\n"
               "    lookup [-h1jHc] [field=val ...]       - lookup servers matching given fields\n"
               "    ips <uuid>                            - output the IPs for this server\n"
               "    nics <uuid>                           - output the nics for this server\n"
               "    admin-ip <uuid>                       - output the admin IP address for this server\n"
               "    setup [-s] <uuid> [params]            - setup a new server in this DC\n"
               "    sysinfo <uuid>                        - output the latest `sysinfo` from\n"
               "                                            the server\n"
               "    update-nictags [-s] <uuid> [params]   - update nic tags for this server\n"
               "    replace-nictags [-s] <uuid> [params]  - set nic tags for this server\n"
               "    delete-nictags [-s] <uuid> [params]   - delete nic tags from this server\n"
               "\n";
}

// The state's servers as CNAPI's ListServers returns them (sorted by uuid, sdc-cnapi
// lib/models/server.js:262-267), with the fields the simulation has.
std::vector<common::Json> cnapi_servers(const fake_sdcadm::Root& root, const fake_sdcadm::State& state) {
  std::string datacenter = "sim-1";
  try {
    const auto config = fake_sdcadm::parse_usbkey_config(common::read_small_file(root.path("/usbkey/config"), 1 << 20),
                                                         "/usbkey/config");
    if (config.count("datacenter_name")) datacenter = config.at("datacenter_name");
  } catch (const common::Error&) {  // no config: the simulated DC's name
  }
  std::vector<common::Json> out;
  for (const common::Json& s : state.servers()) {
    common::Json o = {{"uuid", string_field(s, "uuid")}, {"hostname", string_field(s, "hostname")},
                      {"headnode", s.at("headnode")}, {"setup", s.at("setup")}, {"status", string_field(s, "status")}};
    for (const char* key : {"current_platform", "boot_platform"}) {
      if (s.contains(key)) o[key] = s[key];
    }
    o["datacenter"] = datacenter;
    out.push_back(std::move(o));
  }
  std::stable_sort(out.begin(), out.end(), [](const common::Json& a, const common::Json& b) {
    return string_field(a, "uuid") < string_field(b, "uuid");
  });
  return out;
}

int lookup(const std::vector<std::string>& args) {
  const auto options = fake_sdcadm::parse_lookup_options(args);
  if (options.help) {
    std::cout << fake_sdcadm::lookup_help();
    return 0;
  }
  const auto filters = fake_sdcadm::parse_lookup_filters(options.filters);
  const fake_sdcadm::Root root = fake_sdcadm::Root::from_env();
  const fake_sdcadm::State state = fake_sdcadm::State::load(root);
  std::vector<common::Json> matched;
  for (const common::Json& s : cnapi_servers(root, state)) {
    if (fake_sdcadm::lookup_matches(s, filters)) matched.push_back(s);
  }
  std::cout << fake_sdcadm::lookup_output(matched, options);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '\0') {
    usage();
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  static const std::set<std::string> k_real = {"admin-ip", "delete", "ips", "jobs", "list", "nics", "sysinfo",
                                               "setup", "update-nictags", "replace-nictags", "delete-nictags",
                                               "get", "set"};
  try {
    if (command == "lookup") return lookup(args);
    if (k_real.count(command)) {
      throw common::Error(common::ExitCode::usage,
                          "fake-sdc-server simulates only \"lookup\", not \"" + command + "\"");
    }
    usage();
    throw common::Error(common::ExitCode::usage, "unknown command: " + command);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
}
