// changelog.json (docs/bundle-format.md §6) and the text of `sdcadm-bundle changelog`.
// The descriptions come from image manifests published by whoever controls the updates
// server: render_text() never lets their bytes reach a terminal as control sequences.
#include <manifest/changelog.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/json_fields.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <unordered_set>

namespace manifest {

namespace {

using common::ExitCode;
using common::Json;
using fields::Presence;
using fields::Reader;

constexpr std::size_t k_max_artifacts = 10000;
constexpr std::size_t k_max_entries = 100000;

bool is_stamp_segment(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

std::vector<std::string_view> split_dashes(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = s.find('-', start);
    if (dash == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, dash - start));
    start = dash + 1;
  }
}

bool is_git_sha(std::string_view s) {
  return s.size() >= 7 && s.size() <= 40 &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

ChangelogRef read_ref(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  ChangelogRef out;
  out.uuid = r.string(j, "uuid", path);
  if (!is_uuid(out.uuid)) r.fail(path + ".uuid", fields::quote(out.uuid) + " is not a UUID");
  out.version = r.string(j, "version", path);
  if (out.version.empty()) r.fail(path + ".version", "must not be empty");
  return out;
}

ChangelogEntry read_entry(const Reader& r, const Json& j, const std::string& path) {
  const ChangelogRef ref = read_ref(r, j, path);
  ChangelogEntry out;
  out.uuid = ref.uuid;
  out.version = ref.version;
  out.published_at = r.string(j, "published_at", path);
  if (!parse_published_at(out.published_at)) {
    r.fail(path + ".published_at",
           fields::quote(out.published_at) + " is not an IMGAPI time stamp");
  }
  out.git_sha = r.string(j, "git_sha", path, Presence::optional);
  if (!out.git_sha.empty() && !is_git_sha(out.git_sha)) {
    r.fail(path + ".git_sha", fields::quote(out.git_sha) + " is not 7 to 40 lower-case hex digits");
  }
  out.description = r.string(j, "description", path, Presence::optional);
  return out;
}

ChangelogArtifact read_artifact(const Reader& r, const Json& j, const std::string& path) {
  r.expect_object(j, path);
  ChangelogArtifact out;
  out.name = r.string(j, "name", path);
  if (out.name.empty()) r.fail(path + ".name", "must not be empty");
  const auto from = j.find("from");
  if (from != j.end() && !from->is_null()) out.from = read_ref(r, *from, path + ".from");
  out.to = read_ref(r, *r.object(j, "to", path), path + ".to");
  const Json* entries = r.array(j, "entries", path, k_max_entries);
  out.entries.reserve(entries->size());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    out.entries.push_back(read_entry(r, (*entries)[i], fields::index(path + ".entries", i)));
  }
  out.unknown = fields::unknown_keys(j, {"name", "from", "to", "entries"});
  return out;
}

Json ref_json(const ChangelogRef& ref) {
  return Json::object({{"uuid", ref.uuid}, {"version", ref.version}});
}

// Control bytes (C0, DEL, and C1 as UTF-8 U+0080..U+009F) become '?'.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      out += '?';
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string first_line(std::string_view s) {
  const std::size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  s = s.substr(start);
  const std::size_t end = s.find_first_of("\r\n");
  s = s.substr(0, end);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Changelog Changelog::parse(std::string_view bytes) {
  const Reader r("changelog", ExitCode::bad_data);
  const Json j = r.parse_object(bytes, k_changelog_max_depth, k_changelog_max_bytes);
  Changelog out;
  const Json* artifacts = r.array(j, "artifacts", "", k_max_artifacts);
  std::unordered_set<std::string> names;
  for (std::size_t i = 0; i < artifacts->size(); ++i) {
    const std::string path = fields::index("artifacts", i);
    out.artifacts.push_back(read_artifact(r, (*artifacts)[i], path));
    if (!names.insert(out.artifacts.back().name).second) {
      r.fail(path + ".name", "duplicate artifact " + fields::quote(out.artifacts.back().name));
    }
  }
  out.unknown = fields::unknown_keys(j, {"artifacts"});
  return out;
}

std::string Changelog::serialize() const {
  Json list = Json::array();
  for (const auto& a : artifacts) {
    Json j = Json::object();
    j["name"] = a.name;
    if (a.from) j["from"] = ref_json(*a.from);
    j["to"] = ref_json(a.to);
    Json entries = Json::array();
    for (const auto& e : a.entries) {
      entries.push_back(Json::object({{"uuid", e.uuid},
                                      {"version", e.version},
                                      {"published_at", e.published_at},
                                      {"git_sha", e.git_sha},
                                      {"description", e.description}}));
    }
    j["entries"] = std::move(entries);
    fields::append_unknown(j, a.unknown);
    list.push_back(std::move(j));
  }
  Json out = Json::object({{"artifacts", std::move(list)}});
  fields::append_unknown(out, unknown);
  return common::dump_json(out) + "\n";
}

const ChangelogArtifact* Changelog::find(std::string_view name) const {
  const auto it = std::find_if(artifacts.begin(), artifacts.end(),
                               [&](const ChangelogArtifact& a) { return a.name == name; });
  return it == artifacts.end() ? nullptr : &*it;
}

std::string git_sha_from_version(std::string_view version) {
  const std::vector<std::string_view> parts = split_dashes(version);
  // The sha follows the time stamp segment; take the last stamp, as a branch name such as
  // "release-20250101" may precede it.
  for (std::size_t i = parts.size(); i-- > 1;) {
    if (is_stamp_segment(parts[i - 1])) {
      const std::string_view sha = parts[i];
      if (sha.size() >= 2 && sha[0] == 'g' && is_git_sha(sha.substr(1))) {
        return std::string(sha.substr(1));
      }
      return {};
    }
  }
  return {};
}

ChangelogEntry changelog_entry_from(const ImageManifest& manifest) {
  ChangelogEntry e;
  e.uuid = manifest.uuid();
  e.version = manifest.version();
  e.published_at = manifest.published_at();
  e.git_sha = git_sha_from_version(e.version);
  if (e.git_sha.empty()) e.git_sha = git_sha_from_version(manifest.tag_string("buildstamp"));
  const auto d = manifest.json().find("description");
  if (d != manifest.json().end() && d->is_string()) e.description = d->get<std::string>();
  return e;
}

std::string transition_text(const ChangelogArtifact& a) {
  if (!a.from) return "(new) -> " + printable(a.to.version);
  if (a.from->version != a.to.version) return printable(a.from->version) + " -> " + printable(a.to.version);
  // "sdcadm: 1.40.0 -> 1.40.0" would read like a no-op: two builds of one version (sdcadm
  // orders them by build stamp) are told apart by their uuids.
  const auto short_uuid = [](const std::string& u) { return printable(u.substr(0, 8)); };
  return printable(a.from->version) + " (" + short_uuid(a.from->uuid) + ") -> " + printable(a.to.version) + " (" +
         short_uuid(a.to.uuid) + "), same version, newer build";
}

std::string render_text(const Changelog& changelog, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& a : changelog.artifacts) {
    if (!names.empty() && std::find(names.begin(), names.end(), a.name) == names.end()) continue;
    if (!out.empty()) out += '\n';
    const std::size_t n = a.entries.size();
    out += printable(a.name) + ": " + transition_text(a) + " (" + std::to_string(n) +
           (n == 1 ? " image)\n" : " images)\n");
    for (const auto& e : a.entries) {
      out += "  " + printable(e.published_at.substr(0, 10)) + "  " + printable(e.version) + "  " +
             (e.git_sha.empty() ? std::string("-") : printable(e.git_sha));
      const std::string desc = printable(first_line(e.description));
      if (!desc.empty()) out += "  " + desc;
      out += '\n';
    }
  }
  return out;
}

}  // namespace manifest
