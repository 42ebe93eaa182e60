#pragma once
// How the library's workflows (apply_run.hpp, dc_check.hpp, seed_agents_run.hpp ...) talk to
// the front end: the library prints nothing, it tells an observer what happens. Every call
// has a default that says nothing, so a test overrides only what it looks at.

#include <installer/install_trust.hpp>

#include <manifest/bundle_index.hpp>
#include <signing/policy.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace installer {

// A long phase with a byte count (staging, importing): the front end draws a bar.
class PhaseProgress {
 public:
  // Without finish() the phase failed: a drawn line is only ended.
  virtual ~PhaseProgress() = default;
  virtual void update(std::uint64_t done) = 0;  // called from several threads
  virtual void finish() = 0;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;

  // The bundle passed the trust check: who signed it, with any override or warning.
  virtual void trusted(const manifest::BundleIndex& /*index*/, const signing::TrustVerdict& /*verdict*/) {}
  // A line of the run for the operator: a step starting ("--- update-agents"), a line sdcadm
  // printed (indented), a warning the run goes on after, where the receipt is.
  virtual void say(const std::string& /*line*/) {}
  // Something that costs part of the run's record but not the install (the receipt): the
  // text after "warning: ".
  virtual void warn(const std::string& /*text*/) {}
  // A phase named `label` of `total` bytes (0 unknown) starts.
  virtual std::unique_ptr<PhaseProgress> phase(const std::string& label, std::uint64_t total);
};

// The trust check's report (install_trust.hpp) going to observer.trusted.
TrustReport trust_report_to(RunObserver& observer);

}  // namespace installer
