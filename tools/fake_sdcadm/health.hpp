#pragma once
// sdcadm check-health's rows (lib/sdcadm.js checkHealth 3800-4300, lib/cli/do_check_health.js
// displayResults 159-227), from the state: which instances are checked, the ur error of an
// instance on a server that does not answer, the headnode's "global" row, the JSON shape and
// the table. Pure, for the unit tests; health.cpp's cmd_check_health prints them.

#include <tools/fake_sdcadm/fault.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <common/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fake_sdcadm {

// The rows, sorted -type,service,hostname,instance, each {type, healthy?, hostname,
// instance?, alias?, service, health_errors?}: `healthy` is absent (JSON.stringify drops
// undefined) when ur could not run the check. `filters`: service names, aliases, instance
// uuids or type=vm|agent (any may match); an unknown name is refused as the real one
// refuses it (Error(usage), "unrecognized service or instance: ...").
std::vector<common::Json> health_rows(const State& state, const std::optional<Fault>& fault,
                                      const std::vector<std::string>& filters);

// A row the real one reports as a problem: it has health_errors (do_check_health.js:185-187).
bool has_health_errors(const common::Json& row);

// The table (tabula: "-" for a missing value) and one FMA-style block per row with errors.
std::string health_table(const std::vector<common::Json>& rows);

}  // namespace fake_sdcadm
