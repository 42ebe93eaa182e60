#pragma once
// The simulated DC's Amon probes and what `sdc-amonadm update` does to them
// (docs/simulated-headnode.md "sdc-amonadm"). Triton's core probes are kept by
// sdc-amonadm (TritonDataCenter/sdc-amonadm v1.0.2, run from the sdc zone: sdc-sdc
// bin/sdc-amonadm:18, the GZ's /opt/smartdc/bin/sdc-amonadm is sdc-headnode's wrapper,
// Makefile:81, tools/lib/wrap.sh). Its rules, as modelled here:
//
//  * the probe files are per role, one directory each under the sdc zone's probes/sdc/
//    (sdc-sdc probes/sdc/<role>/*.json), plus probes/sdc/common for every role but
//    "compute" (lib/probes.js:565-587); the roles are the directories, and a role
//    without instances in the DC fails the run: `role "R" not a valid role`
//    (lib/probes.js:332-338);
//  * a role's instances are the sdc application's SAPI instances of type vm whose
//    smartdc_role tag (the service name for core zones) is the role (lib/topo.js:20-61,
//    120-145): agents never get probes;
//  * one probe group per role, named after it, created with contacts email and
//    pagerdutyemail when missing (lib/probes.js:223-253, main.js:74);
//  * each (role, instance, probe file entry) is one probe whose agent is the instance's
//    uuid (lib/probes.js:268-278); an existing probe with that group and name on that
//    agent is kept ("unchanged") or rewritten ("updated") when its type or config differ
//    (lib/probes.js:261-318); a missing one is created;
//  * every other probe of the admin user is deleted (lib/probes.js:375-411: all probes
//    not among the created, updated and unchanged): probes of instances that are gone.
//
// So the probe set goes stale when instances are created or removed (a reprovision keeps
// the instance uuid: `sdcadm up` alone leaves the agents right) and when the sdc zone gets
// an image whose probe files differ. The fake cannot read probe files; it keeps, per
// probe, the image of the sdc zone whose files made it (`sdc_image`) and counts a probe as
// changed when the sdc zone now runs another image (see the doc's "Simplified").

#include <tools/fake_sdcadm/state.hpp>

#include <common/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace fake_sdcadm {

// One entry of sdc-sdc's probe files (b97e460 probes/sdc/<role>/*.json).
struct ProbeTemplate {
  std::string role, name, type;
};

// The probe file entries per role, "common" ones included in every role: what
// sdc-amonadm reads from the sdc zone.
std::vector<ProbeTemplate> probe_templates();

// Checks the state's "amon" section ({"probegroups": [{uuid, name, contacts}], "probes":
// [{uuid, name, type, group, agent, sdc_image}]}, absent = none yet): Error(bad_data)
// naming the field.
void check_amon_section(const common::Json& amon);

// Counts of one `update` run.
struct AmonUpdate {
  std::size_t added = 0, updated = 0, dropped = 0, unchanged = 0;
};

// Refuses as sdc-amonadm (through the GZ wrapper) does when it cannot run: no sdc zone
// (wrap.sh:26-35), no amon to talk to (the amon client's connection error). Error(step_failed).
void check_amonadm_can_run(const State& state, const std::string& dns_suffix);

// `sdc-amonadm update` on `state` (changed in place): prints "Probe U has been
// created|updated" / "Probe U is unchanged" per probe, then the three count lines
// (main.js:248-265), and returns the counts.
AmonUpdate update_probes(State& state, std::ostream& out);

// `sdc-amonadm probes [-H] [-r ROLE]... [-m MACHINE]...`: the table (main.js:403-429),
// sorted by role, agent, uuid (lib/probes.js:496-510); -m matches a substring of the agent.
std::string list_probes(const State& state, bool header, const std::vector<std::string>& roles,
                        const std::vector<std::string>& machines);

}  // namespace fake_sdcadm
