#pragma once
// The fault knob: make one step of the simulated sdcadm fail, so installer tests can check
// that they stop, record where, and resume. Set in the state file
//   "fail": {"command": "up", "service": "imgapi", "once": true}
// or in the environment: FAKE_SDCADM_FAIL=up:imgapi, FAKE_SDCADM_FAIL=platform-install.
// Commands: up, update (`experimental update`), self-update, update-agents, update-gz-tools,
// update-other, platform-install, check-health, amonadm-update (fake-sdc-amonadm update). "service" (optional) limits up, update and
// check-health to changes/instances of that service. A firing fault changes nothing in the state, except
// that a state-file fault with "once": true clears itself (so a re-run succeeds).
//
// The no-op knob (issue 13 part 1): FAKE_SDCADM_NOOP=up,update-agents (comma-separated; the
// same command names but check-health) makes those commands exit 0 WITHOUT doing their
// work, printing what the real sdcadm prints when it silently does nothing: `up` and
// `update` "Up-to-date." (every change dropped, lib/procedures/index.js:262-334),
// `platform-install` the "Aborting platform install" text (lib/platform.js:577-607),
// `self-update` "Already up-to-date", `update-agents` "already updated" per server,
// `update-gz-tools` its success line. The installer's post-step checks must catch each.

#include <tools/fake_sdcadm/root.hpp>
#include <tools/fake_sdcadm/state.hpp>

#include <optional>
#include <string>

namespace fake_sdcadm {

struct Fault {
  std::string command;
  std::string service;  // "" = any
  bool once = false;
  bool from_env = false;
};

// The active fault: FAKE_SDCADM_FAIL when set, else the state's "fail". Throws
// Error(usage) for an unknown command name or a malformed knob.
std::optional<Fault> active_fault(const State& state);

// Parses "command[:service]".
Fault parse_fault_env(const std::string& text);

// True when `fault` is for `command` and, if it names a service, `service` is it.
bool fault_matches(const std::optional<Fault>& fault, const std::string& command,
                   const std::string& service);

// If the fault matches: clears a once-fault in the state file (saved), then throws
// Error(step_failed) with `message` (sdcadm-like text). Otherwise returns.
void fire_fault(const std::optional<Fault>& fault, const std::string& command,
                const std::string& service, const std::string& message, State& state,
                const Root& root);

// True when FAKE_SDCADM_NOOP names `command`. Throws Error(usage) for an unknown name.
bool noop_requested(const std::string& command);

}  // namespace fake_sdcadm
