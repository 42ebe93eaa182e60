#pragma once
// Checks after an sdcadm step that the DC shows what the step was for (issue 13 part 1),
// independently of the command that made it. sdcadm can exit 0 having done nothing: a
// change no procedure took is dropped silently (lib/procedures/index.js:262-267, 313-334,
// `changes = remaining` at :279), and `platform install` without -y on a headnode booting
// "latest" prints "Aborting platform install" and exits 0 (lib/platform.js:577-607).
//
// Each check returns its evidence, a JSON object recorded with the step in the journal, the
// history and the install receipt:
//   {"check": "<kind>", ...what was expected, what was seen and where...}
// or throws Unverified (exit 46, step_unverified) whose message names the check and what
// was seen, carrying the same evidence. The evidence holds what was expected, so that it
// can be checked again later from the journal alone (recheck.hpp: a resumed apply,
// `sdcadm-install check`). The kinds:
//   instances  (up-*, update-agents-experimental): every instance the step moves runs its
//              target in `sdcadm insts -j`, and the services answer (service_answers.hpp)
//   agents     (update-agents): every agent instance of the servers the plan updates runs the
//              bundle's image in `sdcadm insts -j` (servers the plan leaves out are not checked)
//   images     (import, image_checks.hpp): each image active in the DC IMGAPI, sha1 and size
//   gz-tools   (update-gz-tools): /opt/smartdc/etc/gz-tools.image names the bundle's image
//   platform   (platform-install): /usbkey/os/<stamp>/ exists; says the assign step
//   sdcadm     (sdcadm-self-update): `sdcadm --version` is the bundle's version and build stamp

#include <installer/sdcadm_runner.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace installer {

// How the checks read the DC. Only what a check needs has to be set.
struct CheckEnv {
  const SdcadmRunner* runner = nullptr;  // insts -j, check-health -j, --version
  std::string imgapi_url;                // the DC IMGAPI (images; imgapi's /ping)
  std::string usbkey_os;                 // /usbkey/os under --root
  std::string gz_tools_image_file;       // /opt/smartdc/etc/gz-tools.image under --root
  // service name -> "http://<address>" of services whose /ping can be asked, from
  // /usbkey/config (service_answers.hpp); imgapi is imgapi_url.
  std::map<std::string, std::string> service_urls;
  std::string sdc_amonadm;  // the alarm-config step's program (amon_probes.hpp)
};

// A check that failed: Error(step_unverified) with the evidence of what was seen.
class Unverified : public common::Error {
 public:
  Unverified(const std::string& message, common::Json evidence)
      : common::Error(common::ExitCode::step_unverified, message), m_evidence(std::move(evidence)) {}
  const common::Json& evidence() const { return m_evidence; }

 private:
  common::Json m_evidence;
};

// (instance uuid, target image uuid)
using Moves = std::vector<std::pair<std::string, std::string>>;

// kind "instances" (with the services' answers) or "agents". `step` names the step in
// messages.
common::Json verify_instances(const CheckEnv& env, const std::string& step, const Moves& moving,
                              const std::string& kind = "instances");

// <usbkey_os>/<stamp>/ exists: where install-platform.sh leaves an installed platform. The
// evidence's "next" is the step the operator still has to take: `sdcadm platform assign
// <stamp> --all` (sdcadm lib/platform.js:1753-1837, do_assign and its help).
common::Json verify_platform(const std::string& usbkey_os, const std::string& stamp);

// The file names `image` (its first line, blanks dropped): /opt/smartdc/etc/gz-tools.image is
// what sdcadm itself reads as "the latest installed gz-tools image"
// (lib/cli/do_update_gz_tools.js:429-445); update-gz-tools' tools.tar.gz writes it.
common::Json verify_gz_tools(const std::string& file, const std::string& image);

// `sdcadm --version` prints "sdcadm VERSION (BUILDSTAMP)" (lib/cli/index.js:166-175) with
// the expected ones.
common::Json verify_sdcadm(const SdcadmRunner& runner, const std::string& version, const std::string& buildstamp);

// The platform assign command the operator runs after platform-install.
std::string platform_assign_command(const std::string& stamp);

}  // namespace installer
