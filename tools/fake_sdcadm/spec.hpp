#pragma once
// sdcadm's update spec ("changes"), as `sdcadm update` reads it from stdin or builds it
// from arguments, with the key checks of genUpdatePlan's validateChanges (sdcadm.md §2.2).
// Value checks that need the DC (unknown service, image lookup, image name) are in plan.hpp.

#include <common/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fake_sdcadm {

struct Change {
  enum class Kind { update_service, update_instance, update_agent_on_server };
  Kind kind = Kind::update_service;
  std::string service;   // update_service, update_agent_on_server
  std::string instance;  // update_instance: instance uuid or alias
  std::string server;    // update_agent_on_server
  std::optional<std::string> image;    // a UUID (checked here)
  std::optional<std::string> version;
  std::string repr;      // JSON.stringify of the change as given, for validateChanges' messages
  // JSON.stringify of the change once validateChanges has set its "type" (appended when the
  // spec has none, lib/sdcadm.js:1789-1831): what normalizeChanges' messages show.
  std::string typed_repr;
};

// Validates a parsed spec: an object (wrapped in an array) or an array of objects (an
// empty one is no change at all: "Up-to-date."). Every problem becomes one message in
// sdcadm's words; one problem throws Error(usage) with it, several sdcadm's MultiError text
// (lib/errors.js:188-204): "multiple (N) errors", then "    error (Validation): <message>"
// per problem.
std::vector<Change> validate_changes(const common::Json& spec);

// The spec text from stdin: parsed (bounded) and validated.
std::vector<Change> parse_spec(std::string_view text);

// One command-line argument, as sdcadm's _specFromArgs reads it: "svc", "svc@<uuid>",
// "svc@<version>", and the same with an instance; `is_service` says whether the part before
// '@' names a SAPI service.
Change change_from_arg(const std::string& arg, bool is_service);

}  // namespace fake_sdcadm
