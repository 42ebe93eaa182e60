#pragma once
// The freeze window (issue 12 item 11, docs/trust.md §6a): no bundle built before the
// newest bundle this DC accepted, on any channel. Anti-rollback by sequence is per channel
// (signing/rollback_state.hpp) and a channel change is the one moment an old bundle of
// another channel could come in; its `created` cannot be older than what the DC already
// accepted. Kept in a file of its own, /var/sdcadm/trust/accepted.json, because
// channels.json refuses unknown keys and older installers read it:
//   {"format": "sdcadm-accepted", "format_version": 1,
//    "created": "2026-11-25T12:00:00Z", "bundle_id": "...", "channel": "dev"}

#include <installer/paths.hpp>

#include <manifest/bundle_index.hpp>

#include <optional>
#include <string>

namespace installer {

struct AcceptedBuild {
  std::string created, bundle_id, channel;
};

// <trust dir>/accepted.json.
std::string accepted_path(const Paths& paths);

// The newest accepted bundle, or nullopt when none was recorded (Error(bad_data) for a file
// that does not parse).
std::optional<AcceptedBuild> load_accepted(const Paths& paths);

// Error(trust_rollback) when `index` was created before `accepted`, unless `allow_rollback`
// (then the returned text is the override to record and warn about; "" otherwise).
std::string check_freeze_window(const manifest::BundleIndex& index, const std::optional<AcceptedBuild>& accepted,
                                bool allow_rollback);

// After a successful install: remembers `index` when it is newer than what is recorded
// (never moves back, as channels.json). Atomic.
void record_accepted(const Paths& paths, const manifest::BundleIndex& index);

}  // namespace installer
