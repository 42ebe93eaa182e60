#pragma once
// coordinatePlan's procedures (sdcadm lib/procedures/index.js:100-1100): which procedure
// takes each change (coordinate_plan, declared in plan.hpp, defined in procedures.cpp) and
// what each procedure's summarize() prints in the plan (procedure_summary.cpp).

#include <tools/fake_sdcadm/plan.hpp>

#include <string>
#include <vector>

namespace fake_sdcadm {

// The lines `sdcadm update` prints under "This update will make the following changes:"
// (summarizePlan: each procedure's summarize(), indented by 4, lib/sdcadm.js:2586-2594),
// one procedure after the other in the plan's order, each line without its newline.
std::vector<std::string> plan_summary(const Plan& plan, const State& state);

}  // namespace fake_sdcadm
