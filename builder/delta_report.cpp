#include <builder/delta_report.hpp>

#include <common/progress.hpp>
#include <common/text_table.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

namespace builder {

namespace {

std::string outcome_of(const DeltaOutcome& o) {
  if (o.is_delta()) return "delta";
  if (o.shared) return "shared";
  if (o.candidate && o.reason.empty()) return "candidate";
  return "full";
}

std::string string_at(const common::Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

struct Totals {
  std::size_t delta = 0, full = 0, shared = 0, candidates = 0;
  std::uint64_t full_bytes = 0, patch_bytes = 0, saved_bytes = 0;
  std::map<std::string, std::size_t> reasons;
};

Totals totals_of(const std::vector<DeltaRow>& rows) {
  Totals t;
  for (const DeltaRow& r : rows) {
    if (r.outcome == "delta") {
      t.delta += 1;
      t.full_bytes += r.full_size;
      t.patch_bytes += r.patch_size;
      t.saved_bytes += r.full_size > r.patch_size ? r.full_size - r.patch_size : 0;
    } else if (r.outcome == "full") {
      t.full += 1;
      t.full_bytes += r.full_size;
      t.reasons[r.reason_kind.empty() ? "unknown" : r.reason_kind] += 1;
    } else if (r.outcome == "shared") {
      t.shared += 1;
    } else {
      t.candidates += 1;
      t.full_bytes += r.full_size;
    }
  }
  return t;
}

double fallback_percent(const Totals& t) {
  const std::size_t decided = t.delta + t.full;
  return decided ? 100.0 * double(t.full) / double(decided) : 0.0;
}

// A reason fits a table row (JSON keeps it whole: find_recipe's lists every candidate).
std::string short_reason(const std::string& reason) {
  constexpr std::size_t k_max = 120;
  return reason.size() <= k_max ? reason : reason.substr(0, k_max) + "... (-j has all)";
}

}  // namespace

common::Json delta_note(const DeltaOutcome& o) {
  common::Json note = common::Json::object();
  note["outcome"] = outcome_of(o);
  if (!o.is_delta()) {
    note["reason"] = o.reason;
    note["reason_kind"] = o.reason_kind;
  }
  if (!o.base_uuid.empty()) {
    note["base_uuid"] = o.base_uuid;
    note["base_version"] = o.base_version;
  }
  return note;
}

std::vector<DeltaRow> delta_rows(const std::vector<DeltaOutcome>& outcomes) {
  std::vector<DeltaRow> rows;
  for (const DeltaOutcome& o : outcomes) {
    rows.push_back({o.uuid, o.role, o.name, o.version, outcome_of(o), o.is_delta() ? "" : o.reason,
                    o.is_delta() ? "" : o.reason_kind, o.base_uuid, o.base_version, o.full_size,
                    o.patch_size(), o.patch_from_cache});
  }
  return rows;
}

std::vector<DeltaRow> delta_rows(const manifest::BundleIndex& index) {
  std::vector<DeltaRow> rows;
  bool any = false;
  for (const manifest::BundleArtifact& a : index.artifacts) {
    if (a.uuid.empty()) continue;  // the installer
    const common::Json note =
        a.unknown.is_object() && a.unknown.contains("delta_note") ? a.unknown["delta_note"] : common::Json();
    any = any || a.delta || !note.is_null();
    DeltaRow r{a.uuid, a.role, a.name, a.version, "full", string_at(note, "reason"),
               string_at(note, "reason_kind"), string_at(note, "base_uuid"),
               string_at(note, "base_version"), 0, 0, false};
    const std::string own = "images/" + a.uuid + (a.delta ? ".imgpatch" : ".imgfile");
    const std::string& member = a.delta ? a.delta->patch_member : a.file_member;
    if (member != own) {
      r.outcome = "shared";
      r.reason = "the same file as " + member + " (stored once)";
      r.reason_kind = "shared";
    } else if (a.delta) {
      r.outcome = "delta";
      r.reason.clear();
      r.reason_kind.clear();
      r.base_uuid = a.delta->base_uuid;
      const manifest::BundleMember* m = index.find_member(member);
      r.patch_size = m ? m->size : 0;
    }
    if (a.delta) {
      r.full_size = a.delta->file_size;
    } else if (const manifest::BundleMember* m = index.find_member(a.file_member)) {
      r.full_size = m->size;
    }
    rows.push_back(std::move(r));
  }
  if (!any) rows.clear();
  return rows;
}

common::Json delta_report_json(const std::vector<DeltaRow>& rows) {
  common::Json artifacts = common::Json::array();
  for (const DeltaRow& r : rows) {
    common::Json j = {{"uuid", r.uuid}, {"role", r.role}, {"name", r.name}, {"version", r.version},
                      {"outcome", r.outcome}, {"full_size", r.full_size}};
    if (r.outcome == "delta") {
      j["patch_size"] = r.patch_size;
      j["saved_bytes"] = r.full_size > r.patch_size ? r.full_size - r.patch_size : 0;
      if (r.patch_cached) j["patch_cached"] = true;
    }
    if (!r.reason.empty()) {
      j["reason"] = r.reason;
      j["reason_kind"] = r.reason_kind;
    }
    if (!r.base_uuid.empty()) j["base"] = {{"uuid", r.base_uuid}, {"version", r.base_version}};
    artifacts.push_back(std::move(j));
  }
  const Totals t = totals_of(rows);
  common::Json totals = {{"delta", t.delta}, {"full", t.full}, {"shared", t.shared},
                         {"candidates", t.candidates}, {"fallback_percent", fallback_percent(t)},
                         {"reasons", t.reasons}, {"full_bytes", t.full_bytes},
                         {"patch_bytes", t.patch_bytes}, {"saved_bytes", t.saved_bytes}};
  return {{"artifacts", std::move(artifacts)}, {"totals", std::move(totals)}};
}

std::string delta_report_text(const std::vector<DeltaRow>& rows, const std::string& indent) {
  std::vector<std::vector<std::string>> table{{"NAME", "VERSION", "SHIPS", "FULL", "PATCH", "SAVED", "BASE", "WHY"}};
  for (const DeltaRow& r : rows) {
    const bool delta = r.outcome == "delta";
    table.push_back({r.name, r.version, r.outcome, common::format_bytes(r.full_size),
                     delta ? common::format_bytes(r.patch_size) : "-",
                     delta ? common::format_bytes(r.full_size - std::min(r.full_size, r.patch_size)) : "-",
                     r.base_uuid.empty() ? "-" : r.base_version + " (" + r.base_uuid + ")",
                     r.reason.empty() ? "-" : short_reason(r.reason)});
  }
  std::string out = common::text_table(table, indent);
  const Totals t = totals_of(rows);
  char line[256];
  if (t.candidates > 0) {
    std::snprintf(line, sizeof line, "%s%zu delta candidate(s), %zu full, %zu shared; patch sizes are known once encoded\n",
                  indent.c_str(), t.candidates, t.full, t.shared);
    out += line;
  } else {
    std::snprintf(line, sizeof line, "%s%zu delta, %zu full (%.0f%% fell back to full files), %zu shared; saved %s (patches of %s replace files of %s)\n",
                  indent.c_str(), t.delta, t.full, fallback_percent(t), t.shared,
                  common::format_bytes(t.saved_bytes).c_str(), common::format_bytes(t.patch_bytes).c_str(),
                  common::format_bytes(t.patch_bytes + t.saved_bytes).c_str());
    out += line;
  }
  if (!t.reasons.empty()) {
    std::string reasons;
    for (const auto& [kind, n] : t.reasons) reasons += (reasons.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    out += indent + "full because: " + reasons + "\n";
  }
  return out;
}

}  // namespace builder
