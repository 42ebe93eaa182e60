#pragma once
// The alarm-config step (issue 13 item 2): bring the DC's Amon probes up to date after the
// instance changes of a run. Real sdcadm has no command for it (sdcadm 1.39.0 lib/cli/
// index.js; its TODO.md:31 still asks for "`sdc-amonadm update` (library equivalent)
// procedure after instance changes"): Triton's core probes are kept by sdc-amonadm, which
// lives in the sdc zone (TritonDataCenter/sdc-amonadm, through sdc-sdc bin/sdc-amonadm)
// and which the GZ reaches as /opt/smartdc/bin/sdc-amonadm (sdc-headnode Makefile:81,
// tools/lib/wrap.sh). Headnode setup runs `sdc-amonadm update` (scripts/headnode.sh:985)
// and the sdc zone's cron runs it hourly (sdc-sdc boot/setup.sh:47); the installer runs it
// right after its last instance change so the probes do not lag up to an hour.
//
// `sdc-amonadm update` takes no -y and asks nothing (sdc-amonadm main.js:248-286): it adds
// the probes the probe files give each instance of each role, rewrites changed ones and
// deletes every other admin probe (lib/probes.js:147-435), so running it again is harmless.
//
// The check afterwards reads `sdc-amonadm probes -H` (main.js:403-429: ROLE, the first 7
// characters of the probe's agent, of its uuid, and its name) against `sdcadm insts -j`:
// every VM instance of a role that has probes has some, and no probe of a role is on a
// machine that is no instance of that service any more. A changed probe file is not
// visible in that listing and is not checked.

#include <installer/sdcadm_runner.hpp>

#include <common/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace installer {

// `PROGRAM update`: Error(config) when it cannot be started, Error(step_failed) with the
// last lines of its output for a non-zero exit.
void amonadm_update(const std::string& program);

// One row of `sdc-amonadm probes -H`.
struct ProbeRow {
  std::string role, machine, probe, name;  // machine, probe: uuid prefixes
};

// Parses `sdc-amonadm probes -H` output (hostile: Error(bad_data) naming the line).
std::vector<ProbeRow> parse_probe_rows(std::string_view text);

// The post-step check of alarm-config: Error(step_unverified) naming the instances without
// probes and the probes on machines that are gone; else the evidence
// {"check": "amon-probes", "source": ..., "probes": N, "roles": {ROLE: {"instances": N, "probes": N}}}.
common::Json verify_probes(const std::string& program, const SdcadmRunner& runner);

}  // namespace installer
