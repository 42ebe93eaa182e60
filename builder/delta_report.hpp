#pragma once
// How a trimmed build's artifacts shipped: as deltas (patches against the image the DC
// runs) or as full files, and why. One place for `build -n` (candidates, before any patch
// is encoded), the build summary, and `inspect` (from the index: the delta objects and each
// artifact's informational "delta_note", docs/bundle-format.md §3a), text and JSON alike.
//
// Totals: artifacts as delta / full / shared (an identical file stored once under another
// artifact: neither), the fallback share (full / (delta + full), in percent) with the
// reasons counted by kind, and bytes saved (full sizes minus patch sizes of the deltas).

#include <builder/delta_members.hpp>

#include <common/json.hpp>
#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace builder {

struct DeltaRow {
  std::string uuid, role, name, version;
  std::string outcome;      // "delta", "full", "shared", or in a plan "candidate"
  std::string reason;       // why not a delta ("" for delta and candidate)
  std::string reason_kind;  // DeltaOutcome::reason_kind
  std::string base_uuid, base_version;
  std::uint64_t full_size = 0;
  std::uint64_t patch_size = 0;  // delta only
  bool patch_cached = false;     // a build's delta whose patch an earlier build encoded
};

// The artifact's "delta_note" object: outcome, reason, reason_kind, base uuid and version.
common::Json delta_note(const DeltaOutcome& outcome);

std::vector<DeltaRow> delta_rows(const std::vector<DeltaOutcome>& outcomes);
// From a bundle's index; empty when the build made no deltas and recorded no notes.
std::vector<DeltaRow> delta_rows(const manifest::BundleIndex& index);

// {"artifacts": [...], "totals": {"delta", "full", "shared", "candidates", "fallback_percent",
//  "reasons": {kind: n}, "full_bytes", "patch_bytes", "saved_bytes"}}
common::Json delta_report_json(const std::vector<DeltaRow>& rows);
// A table (one row per artifact) and the totals lines, each line indented by `indent`.
std::string delta_report_text(const std::vector<DeltaRow>& rows, const std::string& indent = "  ");

}  // namespace builder
