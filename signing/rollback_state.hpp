#pragma once
// Anti-rollback state: per channel, the sequence and bundle_id of the newest bundle a DC
// accepted. The installer persists it (its JSON form below) and updates it only after a
// successful install; the policy (policy.hpp) only reads it.
//   {"format": "sdcadm-rollback-state", "format_version": 1,
//    "channels": {"release": {"sequence": 1764072000, "bundle_id": "..."}}}

#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace signing {

inline constexpr const char* k_rollback_format = "sdcadm-rollback-state";

struct RollbackEntry {
  std::int64_t sequence = 0;
  std::string bundle_id;
};

struct RollbackState {
  std::map<std::string, RollbackEntry> channels;

  // Strict parse (at most 1 MiB; unknown keys refused). Throws Error(bad_data) naming `what`.
  static RollbackState parse(std::string_view text, const std::string& what);
  // 2-space JSON with a final newline; parse(serialize()) == *this.
  std::string serialize() const;

  // The entry for `channel`, or nullptr.
  const RollbackEntry* find(const std::string& channel) const;
  // Remembers `index` as the newest accepted bundle of its channel (never lowers a
  // channel's sequence: an install under --allow-rollback keeps the higher mark).
  void record(const manifest::BundleIndex& index);
};

}  // namespace signing
