#pragma once
// A post-step check run again from the evidence it recorded (issue 13 part 1): the evidence
// holds what the step was to bring about (instances' targets, images' sha1 and size, the
// gz-tools image, the platform stamp, sdcadm's version), so the same check can be asked of
// the DC now, with nothing but the journal. Used by a resumed apply (a step that failed its
// check may have been finished by hand, resume.hpp) and by `sdcadm-install check`.
//
// The evidence is read as hostile input (the journal is a file on disk): wrong shapes are
// Error(bad_data) naming the step.

#include <installer/step_checks.hpp>

#include <common/json.hpp>

#include <string>

namespace installer {

// True when `evidence` is one recheck knows ({"check": KIND} of a known kind).
bool rechecks(const common::Json& evidence);

// Runs the check of `evidence` again: its new evidence, or Unverified.
common::Json recheck(const std::string& step, const common::Json& evidence, const CheckEnv& env);

// A step run again (after a failed check, or undone by hand) plans only what is left, so its
// new evidence covers less than the earlier attempt's. For the instance kinds, the instances
// `before` expected and `now` does not cover are checked too and the evidence covers all of
// them (Unverified when those no longer show); otherwise `now` as it is.
common::Json widen_evidence(const std::string& step, const common::Json& now, const common::Json& before,
                            const CheckEnv& env);

// One line for the operator: "12 instances on their targets (sdcadm insts -j); check-health:
// 12 healthy; /ping: imgapi 200; no address known: cnapi, vmapi".
std::string describe_evidence(const common::Json& evidence);

}  // namespace installer
