#pragma once
// How apply and plan (apply_run.hpp) talk to the front end besides what every run says
// (run_observer.hpp): the plan is shown and confirmed, and a self-updating run replaces the
// process. The defaults confirm and say nothing, so a test overrides only what it looks at.

#include <installer/dc_channel.hpp>
#include <installer/plan.hpp>
#include <installer/run_observer.hpp>

#include <string>

namespace installer {

class ApplyObserver : public RunObserver {
 public:
  // Shows the plan, with the DC's channel and the bundle's, and, when `ask`, asks whether to
  // go on: false declines (nothing is changed).
  virtual bool confirm(const Plan& /*plan*/, const ChannelCheck& /*channel*/, const std::string& /*bundle_channel*/,
                       bool /*ask*/) {
    return true;
  }
  // A re-executed installer continues the plan its predecessor showed and had confirmed.
  virtual void continuing() {}
  // The process is about to be replaced by the newer installer (self-update): what is still
  // buffered for the operator must be written now.
  virtual void before_exec() {}
};

}  // namespace installer
