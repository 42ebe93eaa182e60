#pragma once
// Do the services of the instances a step moved answer? (issue 13 part 1) Two sources:
//   * `sdcadm check-health -j`: the rows of those instances are healthy (a row missing is
//     listed, not a failure: sdcadm reports what Ur and its pings reached);
//   * the service's own GET /ping, for the services sdcadm's check-health pings with a plain
//     HTTP GET /ping on port 80 (pingPaths and pingPorts, sdcadm lib/sdcadm.js:3826-3847:
//     amon, cnapi, fwapi, imgapi, napi, papi, sapi, vmapi, volapi, workflow; cloudapi,
//     grafana and prometheus are HTTPS or another path and are left out), at the address the
//     DC's /usbkey/config gives it: <service>_domain (sdc-headnode
//     scripts/prompt-config.sh:1589, as tools/bin/libdc.sh:31 reaches CNAPI from the global
//     zone) and, for imgapi, the IMGAPI URL the installer uses; else the service's SAPI
//     metadata.SERVICE_DOMAIN as `sdcadm svcs -j` prints the SAPI service objects
//     (lib/cli/do_services.js: JSON.stringify of getServices; set by sdc-headnode
//     scripts/sdc-init.js:361 and sdcadm lib/cli/do_update_other.js:294-311). Services
//     without an address in either are named in the evidence ("no_address"); no address is
//     ever guessed.

#include <installer/step_checks.hpp>
#include <installer/usbkey_config.hpp>

#include <common/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace installer {

// True for the services whose /ping the check asks (the list above).
bool has_plain_ping(const std::string& service);

// service -> "http://<address>" for every service of the list with an address: imgapi from
// `imgapi_url` (when not empty), the others from <service>_domain in `config`.
std::map<std::string, std::string> ping_urls(const UsbkeyConfig& config, const std::string& imgapi_url);

// service -> "http://<metadata.SERVICE_DOMAIN>" from `sdcadm svcs -j` rows (hostile input:
// rows of another shape and values that are not a host name are skipped).
std::map<std::string, std::string> sapi_ping_urls(const common::Json& svcs);

struct AnswerTarget {
  std::string uuid, service, alias;
};

// {"health": {"source": ..., "healthy": [alias...], "no_row": [alias...]},
//  "ping": [{"service", "url", "status"}], "no_address": [service...]}. What did not
// answer goes to `problems`, one phrase each.
// `sapi_urls` (sapi_ping_urls) is used for services env.service_urls has no address for.
common::Json service_answers(const CheckEnv& env, const std::vector<AnswerTarget>& targets,
                             std::vector<std::string>& problems,
                             const std::map<std::string, std::string>& sapi_urls = {});

}  // namespace installer
