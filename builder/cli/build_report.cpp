#include <builder/cli/build_report.hpp>

#include <builder/delta_report.hpp>

#include <common/progress.hpp>
#include <common/text_table.hpp>

#include <cstdio>
#include <algorithm>
#include <map>
#include <sstream>

namespace builder {

namespace {

const char* state_word(CacheState state) {
  switch (state) {
    case CacheState::hit: return "cached";
    case CacheState::needs_hash: return "cached (hash once)";
    case CacheState::miss: return "download";
  }
  return "download";
}

common::Json notes_json(const std::vector<TrimNote>& notes) {
  common::Json out = common::Json::array();
  for (const auto& note : notes) out.push_back({{"what", note.what}, {"reason", note.reason}});
  return out;
}

void notes_text(std::ostringstream& out, const char* title, const std::vector<TrimNote>& notes) {
  if (notes.empty()) return;
  out << title << " (" << notes.size() << "):\n";
  for (const auto& note : notes) out << "  " << note.what << ": " << note.reason << "\n";
}

// Cache state per SHA-1 (first artifact of a file decides; the others share it).
std::map<std::string, CacheState> states_by_sha1(const std::vector<FetchPlanEntry>& files) {
  std::map<std::string, CacheState> out;
  for (const auto& entry : files) out.emplace(entry.item.file.sha1, entry.state);
  return out;
}

struct Totals {
  std::size_t download_files = 0, cached_files = 0;
  std::uint64_t download_bytes = 0, cached_bytes = 0;
};

Totals totals_of(const std::vector<FetchPlanEntry>& files) {
  Totals t;
  for (const auto& entry : files) {
    if (entry.state == CacheState::miss) {
      t.download_files += 1;
      t.download_bytes += entry.item.file.size;
    } else {
      t.cached_files += 1;
      t.cached_bytes += entry.item.file.size;
    }
  }
  return t;
}

// The installer and its signatures beside the bundle (builder/installer_beside.hpp), and how
// the operator checks them: the first delivery to a headnode rests on these files.
std::string beside_text(const std::vector<std::string>& files, const std::string& lead) {
  std::string out = lead;
  for (std::size_t i = 0; i < files.size(); ++i) out += (i ? ", " : "") + files[i];
  out += "\n    (the installer for a headnode's first install; each .sig checks with openssl pkeyutl -verify "
         "-rawin, docs/trust.md section 4a)\n";
  return out;
}

}  // namespace

std::string count_by_role(const std::vector<manifest::BundleArtifact>& artifacts) {
  std::vector<std::pair<std::string, std::size_t>> counts;
  for (const auto& a : artifacts) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == a.role; });
    if (it == counts.end()) counts.emplace_back(a.role, 1);
    else it->second += 1;
  }
  std::string out;
  for (const auto& [role, n] : counts) {
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + role;
  }
  return out;
}

common::Json plan_json(const BuildPlanReport& plan) {
  const Resolution& r = *plan.resolution;
  const auto states = states_by_sha1(plan.files);
  common::Json artifacts = common::Json::array();
  for (const auto& a : r.artifacts) {
    const auto file = a.image.file();
    common::Json j = {{"role", a.role}, {"services", a.services}, {"uuid", a.image.uuid()},
                      {"name", a.image.name()}, {"version", a.image.version()},
                      {"published_at", a.image.published_at()}, {"pinned", a.pinned}};
    if (file) {
      j["size"] = file->size;
      j["sha1"] = file->sha1;
      j["cache"] = state_word(states.at(file->sha1));
    }
    artifacts.push_back(std::move(j));
  }
  const Totals t = totals_of(plan.files);
  common::Json out = {{"dry_run", true},
                      {"source", {{"url", r.source_url}, {"channel", r.channel}}},
                      {"output", plan.output},
                      {"cache_dir", plan.cache_root},
                      {"artifacts", std::move(artifacts)},
                      {"trimmed", notes_json(r.trimmed)},
                      {"skipped", notes_json(r.skipped)},
                      {"download", {{"files", t.download_files}, {"bytes", t.download_bytes}}},
                      {"cached", {{"files", t.cached_files}, {"bytes", t.cached_bytes}}},
                      {"estimated_size", plan.estimated_size}};
  if (plan.split_size > 0) out["split_size"] = plan.split_size;
  if (plan.deltas_considered) out["deltas"] = delta_report_json(delta_rows(plan.deltas));
  if (!plan.space_problem.empty()) out["space_problem"] = plan.space_problem;
  if (!plan.beside.empty()) out["beside"] = plan.beside;
  return out;
}

std::string plan_text(const BuildPlanReport& plan) {
  const Resolution& r = *plan.resolution;
  const auto states = states_by_sha1(plan.files);
  std::ostringstream out;
  out << "dry run: nothing is downloaded or written\n"
      << "source:  " << r.source_url << " (channel " << r.channel << ")\n"
      << "output:  " << plan.output << "\n"
      << "cache:   " << plan.cache_root << "\n\n";
  std::vector<std::vector<std::string>> rows{{"ROLE", "NAME", "VERSION", "UUID", "SIZE", "FILE"}};
  for (const auto& a : r.artifacts) {
    const auto file = a.image.file();
    rows.push_back({a.role, a.image.name(), a.image.version(), a.image.uuid(),
                    file ? common::format_bytes(file->size) : "-",
                    std::string(file ? state_word(states.at(file->sha1)) : "-") +
                        (a.pinned ? " (pinned)" : "")});
  }
  out << common::text_table(rows) << "\n";
  notes_text(out, "trimmed", r.trimmed);
  notes_text(out, "skipped", r.skipped);
  if (plan.deltas_considered) out << "deltas (--no-delta ships whole files):\n" << delta_report_text(delta_rows(plan.deltas));
  const Totals t = totals_of(plan.files);
  out << "download " << t.download_files << " file(s), "
      << common::format_bytes(t.download_bytes) << ", from " << r.source_url << "; "
      << t.cached_files << " cached (" << common::format_bytes(t.cached_bytes) << ")\n"
      << "bundle:  " << r.artifacts.size() << " artifacts, "
      << (plan.deltas_considered ? "at most " : "about ") << common::format_bytes(plan.estimated_size);
  if (plan.split_size > 0) {
    const std::uint64_t parts = (plan.estimated_size + plan.split_size - 1) / plan.split_size;
    out << ", in about " << parts << " part(s) of " << common::format_bytes(plan.split_size);
  }
  out << "\n";
  if (!plan.beside.empty()) out << beside_text(plan.beside, "would write beside it: ");
  if (!plan.space_problem.empty()) out << "warning: " << plan.space_problem << "\n";
  return out.str();
}

common::Json summary_json(const BuildSummary& s) {
  const manifest::BundleIndex& index = s.pack->index;
  std::map<std::string, std::size_t> roles;
  for (const auto& a : index.artifacts) roles[a.role] += 1;
  common::Json out = {
      {"bundle", s.result->path},
      {"bundle_id", index.bundle_id},
      {"size", s.result->stats.file_bytes},
      {"payload_size", index.payload_size()},
      {"created", index.created},
      {"channel", index.channel},
      {"artifacts", index.artifacts.size()},
      {"roles", roles},
      {"downloaded", {{"files", s.fetched->downloaded}, {"bytes", s.fetched->downloaded_bytes}}},
      {"cached", {{"files", s.fetched->cached}, {"bytes", s.fetched->cached_bytes}}},
      {"trimmed", notes_json(s.resolution->trimmed)},
      {"skipped", notes_json(s.resolution->skipped)},
      {"elapsed_seconds", s.elapsed_seconds},
      {"seconds", {{"resolve", s.resolve_seconds}, {"fetch", s.fetch_seconds},
                   {"deltas", s.delta_seconds}, {"write", s.write_seconds}}}};
  if (s.deltas_considered) out["deltas"] = delta_report_json(delta_rows(s.deltas));
  if (s.result->split) {
    common::Json parts = common::Json::array();
    for (const auto& p : s.result->split->part_paths) parts.push_back(p);
    out["parts"] = std::move(parts);
  }
  if (!s.beside.empty()) out["beside"] = s.beside;
  return out;
}

std::string summary_text(const BuildSummary& s) {
  const manifest::BundleIndex& index = s.pack->index;
  std::ostringstream out;
  out << "wrote " << s.result->path << " (" << common::format_bytes(s.result->stats.file_bytes)
      << "): " << index.artifacts.size() << " artifacts (" << count_by_role(index.artifacts)
      << ")\n";
  if (s.result->split) {
    const auto& parts = s.result->split->part_paths;
    out << "  split into " << parts.size() << " part(s): " << parts.front()
        << (parts.size() > 1 ? " .. " + parts.back() : std::string()) << "\n";
  }
  out << "  bundle id " << index.bundle_id << ", channel " << index.channel << ", created "
      << index.created << ", expires " << index.expires << "\n"
      << "  downloaded " << s.fetched->downloaded << " file(s) ("
      << common::format_bytes(s.fetched->downloaded_bytes) << "), cached " << s.fetched->cached
      << " (" << common::format_bytes(s.fetched->cached_bytes) << ")\n";
  if (index.trim) {
    out << "  trimmed against the inventory of " << index.trim->datacenter << ": "
        << s.resolution->trimmed.size() << " left out\n";
  }
  for (const auto& note : s.resolution->trimmed) {
    out << "    " << note.what << ": " << note.reason << "\n";
  }
  for (const auto& note : s.resolution->skipped) {
    out << "  skipped " << note.what << ": " << note.reason << "\n";
  }
  if (s.deltas_considered) {
    out << "  format v" << index.format_version << "; deltas against the images the DC runs:\n"
        << delta_report_text(delta_rows(s.deltas), "    ");
  }
  if (!s.beside.empty()) out << beside_text(s.beside, "  beside it: ");
  char elapsed[160];
  std::snprintf(elapsed, sizeof elapsed, "%.1fs (resolve %.1fs, download %.1fs, deltas %.1fs, write %.1fs)",
                s.elapsed_seconds, s.resolve_seconds, s.fetch_seconds, s.delta_seconds, s.write_seconds);
  out << "  elapsed " << elapsed << "\n";
  return out.str();
}

}  // namespace builder
