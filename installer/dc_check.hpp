#pragma once
// `sdcadm-install check` as a workflow (issue 13 part 1): the post-step checks on demand.
//   * Without a bundle: the last applied bundle's journal (the one under
//     /var/sdcadm/install/journal written last). Each step's recorded evidence says what the
//     step brought about (recheck.hpp); each is checked against the DC now. Steps without a
//     check (stage, seed-agents, update-other) are listed, not counted.
//   * With a bundle: the bundle, checked like `plan` checks it (the trust check), and its
//     targets as the plan reads them now: every instance of its services that the plan does
//     not leave out (held services, instances on newer images, left-out servers) runs the
//     bundle's image and answers, every image is active in the DC IMGAPI with the bundle's
//     sha1 and size, gz-tools, the platform on the USB key, sdcadm's version.
// Changes nothing, takes no lock.

#include <installer/host_options.hpp>
#include <installer/install_trust.hpp>

#include <common/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace installer {

struct DcCheckOptions {
  HostOptions host;
  std::string bundle;  // "" = the last applied bundle's journal
  TrustOverrides trust;
  bool quiet = false;  // only warnings on stderr (the front end prints JSON)
};

// One check and what it saw, whether it passed or not.
struct DcCheckLine {
  std::string step, kind;  // kind: the check ("instances", "images", ...); "" without one
  bool ran = false, ok = false;
  common::Json evidence;
  std::string error;  // why it failed
  std::string note;   // for a step without a check: why
};

struct DcCheckReport {
  // What was checked: {"source": "journal", "bundle_id", "journal", "finished"} or
  // {"source": "bundle", "bundle_id", "bundle", "not_checked": ["service: reason"...]}.
  common::Json about;
  std::vector<DcCheckLine> lines;
  std::size_t ran = 0, failed = 0;
  // "" when every check passed; else "N of M checks failed: ...; the DC does not show what
  // was applied (each line says what it saw)".
  std::string error;
};

// Runs the checks. A check that fails is a line, not an error. Errors: Error(not_found) when
// no bundle was applied and none is given, the trust check's (reported to `report` first),
// Error(config) without an IMGAPI, the plan's.
DcCheckReport check_dc(const DcCheckOptions& options, const TrustReport& report);

}  // namespace installer
