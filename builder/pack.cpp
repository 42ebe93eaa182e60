#include <builder/pack.hpp>

#include <builder/service_map.hpp>
#include <bundles/layout.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace builder {

using common::Error;
using common::ExitCode;

namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_max_expires_days = 3650;
const std::string k_changelog_member = "changelog.json";

std::tm utc(std::int64_t epoch) {
  if (epoch < 0 || epoch > 253402300799) {  // 9999-12-31T23:59:59Z
    throw Error(ExitCode::usage, "time " + std::to_string(epoch) +
                                     " is outside 1970..9999 (check SOURCE_DATE_EPOCH)");
  }
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

enum class TimeFormat { rfc3339, compact };

std::string format_utc(std::int64_t epoch, TimeFormat format) {
  const std::tm tm = utc(epoch);
  char buf[32];
  if (format == TimeFormat::rfc3339) std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// A version that can be part of a file name on the headnode.
void require_file_name_part(const ResolvedArtifact& artifact, const std::string& version) {
  const bool ok = !version.empty() && version != "." && version != ".." &&
                  std::all_of(version.begin(), version.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                           c == '_' || c == '+';
                  });
  if (!ok) {
    throw Error(ExitCode::bad_data, "image " + artifact.image.uuid() + " (" + artifact.role +
                                        "): version \"" + version +
                                        "\" cannot name a staged file; report it to the "
                                        "publisher of the image");
  }
}

// True when `s` ends in "-YYYYMMDDTHHMMSSZ" (what install-platform.sh needs).
bool ends_with_stamp(const std::string& s) {
  if (s.size() < 17 || s[s.size() - 17] != '-') return false;
  const std::string stamp = s.substr(s.size() - 16);
  for (std::size_t i = 0; i < 16; ++i) {
    const char c = stamp[i];
    if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' : !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

manifest::ImageFile file_of(const ResolvedArtifact& artifact) {
  auto file = artifact.image.file();
  if (!file) {
    throw Error(ExitCode::bad_data, "image " + artifact.image.uuid() + " (" +
                                        artifact.image.name() + "@" + artifact.image.version() +
                                        ") has no file; it cannot be bundled");
  }
  return *file;
}

// Members in bundle order: changelog.json, then per uuid the manifest and the file.
struct MemberDraft {
  std::string uuid;
  int kind = 0;  // 0 manifest, 1 file
  bundles::MemberInput input;
  std::uint64_t size = 0;
  std::vector<std::string> sha256;
};

// The index entry of one artifact, without its file member (decided by the caller).
manifest::BundleArtifact artifact_entry(const ResolvedArtifact& resolved) {
  manifest::BundleArtifact a;
  a.role = resolved.role;
  a.services = resolved.services;
  a.uuid = resolved.image.uuid();
  a.name = resolved.image.name();
  a.version = resolved.image.version();
  a.published_at = resolved.image.published_at();
  a.manifest_member = "images/" + a.uuid + ".imgmanifest";
  a.stage_as = stage_path(resolved);
  a.pinned = resolved.pinned;
  return a;
}

// The manifest member: the manifest as the updates server serves it.
MemberDraft manifest_draft(const ResolvedArtifact& resolved, const std::string& name,
                           std::uint64_t chunk_size) {
  MemberDraft draft{resolved.image.uuid(), 0, {name, "", resolved.image.dump(), 0644}, 0, {}};
  draft.size = draft.input.bytes.size();
  draft.sha256 = bundles::chunk_hashes_of(draft.input.bytes, chunk_size);
  return draft;
}

// The informational "delta_note" of an artifact of a build that made deltas (§3a).
void add_delta_note(manifest::BundleArtifact& a, const PackDelta& d) {
  if (d.note.is_null()) return;
  if (a.unknown.is_null()) a.unknown = common::Json::object();
  a.unknown["delta_note"] = d.note;
}

// The member of an image's file: the file itself, or the delta's patch.
MemberDraft file_draft(manifest::BundleArtifact& a, const manifest::ImageFile& file,
                       const std::map<std::string, CachedFile>& files, const PackDelta* delta) {
  if (delta && delta->delta) {
    a.delta = delta->delta;
    a.delta->patch_member = "images/" + a.uuid + ".imgpatch";
    return {a.uuid, 1, {a.delta->patch_member, delta->patch.path, "", 0644}, delta->patch.size,
            delta->patch.sha256};
  }
  const auto cached = files.find(file.sha1);
  if (cached == files.end() || cached->second.size != file.size) {
    throw Error(ExitCode::internal, "pack: no cached file for image " + a.uuid);
  }
  a.file_member = "images/" + a.uuid + ".imgfile";
  // A file this build downloaded was hashed as it was written: the writer reads it without
  // hashing it again. One found in the cache is hashed again (it may have changed).
  return {a.uuid, 1, {a.file_member, cached->second.path, "", 0644, cached->second.fresh}, file.size,
          cached->second.sha256};
}

// How many of an image's origins (its origin, that one's origin, ...) the bundle carries.
std::map<std::string, int> origin_depths(const Resolution& resolution) {
  std::map<std::string, std::optional<std::string>> origin_of;
  for (const auto& resolved : resolution.artifacts) origin_of[resolved.image.uuid()] = resolved.image.origin();
  std::map<std::string, int> depth;
  for (const auto& [uuid, origin] : origin_of) {
    int d = 0;
    for (auto o = origin; o && origin_of.count(*o) && d <= static_cast<int>(origin_of.size()); o = origin_of[*o]) ++d;
    depth[uuid] = d;  // a loop (never in a real catalog) stops at the number of images
  }
  return depth;
}

std::vector<MemberDraft> draft_members(const Resolution& resolution,
                                       const std::map<std::string, CachedFile>& files,
                                       std::uint64_t chunk_size,
                                       const std::map<std::string, PackDelta>& deltas,
                                       std::vector<manifest::BundleArtifact>& artifacts) {
  std::vector<MemberDraft> drafts;
  // (sha1, size) -> the artifact that stored it (its "file" or "delta" is shared).
  std::map<std::pair<std::string, std::uint64_t>, std::size_t> stored;
  std::set<std::string> seen;
  for (const auto& resolved : resolution.artifacts) {
    manifest::BundleArtifact a = artifact_entry(resolved);
    if (!seen.insert(a.uuid).second) continue;  // each image once
    drafts.push_back(manifest_draft(resolved, a.manifest_member, chunk_size));
    const manifest::ImageFile file = file_of(resolved);
    const auto key = std::make_pair(file.sha1, file.size);
    const auto delta = deltas.find(a.uuid);
    if (const auto found = stored.find(key); found != stored.end()) {
      // Identical file: stored once. A shared delta names the same patch and base.
      a.file_member = artifacts[found->second].file_member;
      a.delta = artifacts[found->second].delta;
    } else {
      drafts.push_back(file_draft(a, file, files, delta == deltas.end() ? nullptr : &delta->second));
      stored.emplace(key, artifacts.size());
    }
    if (delta != deltas.end()) add_delta_note(a, delta->second);
    artifacts.push_back(std::move(a));
  }
  // Bundle order: origins before the images built on them, then by uuid; per uuid, the
  // manifest before its file. A streaming reader knows the manifest when the file arrives,
  // and the installer can upload an image as soon as it has verified: its origin is in
  // IMGAPI already (installer/stream_import.hpp).
  const std::map<std::string, int> depth = origin_depths(resolution);
  std::stable_sort(drafts.begin(), drafts.end(), [&](const MemberDraft& x, const MemberDraft& y) {
    return std::make_tuple(depth.at(x.uuid), std::cref(x.uuid), x.kind) <
           std::make_tuple(depth.at(y.uuid), std::cref(y.uuid), y.kind);
  });
  return drafts;
}

void fill_facts(manifest::BundleIndex& index, const Resolution& resolution,
                const PackOptions& options) {
  if (options.expires_in_days < 1 || options.expires_in_days > k_max_expires_days) {
    throw Error(ExitCode::usage, "--expires-in " + std::to_string(options.expires_in_days) +
                                     ": give a number of days from 1 to " +
                                     std::to_string(k_max_expires_days));
  }
  index.created = rfc3339_utc(options.created);
  index.expires = rfc3339_utc(options.created + options.expires_in_days * k_day);
  index.builder = {"sdcadm-bundle", SDCB_VERSION};
  index.source = {resolution.source_url, resolution.channel};
  index.channel = resolution.channel;
  index.sequence = options.sequence.value_or(options.created);
  index.min_installer_version = options.min_installer_version;
  index.chunk_size = options.chunk_size;
  if (options.inventory) {
    index.trim = manifest::BundleIndex::Trim{options.inventory->digest(),
                                             options.inventory->datacenter};
  }
}

// The writer's error for a cached file whose bytes no longer match the index carries that
// file's path (bundles/member_source.hpp). Left in the cache, the entry would pass the
// cheap check again and fail every later build, so it goes: the next build downloads it.
Error drop_damaged_input(const PackPlan& plan, const Error& error) {
  const std::string message = error.what();
  const std::string& damaged = error.details().path;
  for (const auto& input : plan.inputs) {
    if (input.path.empty() || input.path != damaged) continue;
    if (remove_cached_file(input.path)) {
      return Error(error.code(), message + "; removed it from the cache; run the build again",
                   error.details());
    }
  }
  return Error(error.code(),
               message + " (the download cache may be damaged: rerun with --verify-cache)",
               error.details());
}

// The installer goes last (bundle-format.md §2): after every image, so a streaming reader
// has staged nothing of it before the images, and apply extracts it by seeking anyway.
void add_installer(PackPlan& plan, const PackOptions& options) {
  if (!options.installer) return;
  const CarriedInstaller& inst = *options.installer;
  manifest::BundleArtifact a;
  a.role = "installer";
  a.name = "sdcadm-install";
  a.version = inst.version;
  a.file_member = k_installer_member;
  plan.index.artifacts.push_back(std::move(a));
  plan.index.members.push_back({k_installer_member, inst.size, inst.sha256});
  plan.inputs.push_back({k_installer_member, inst.path, "", 0755});
}

}  // namespace

std::string rfc3339_utc(std::int64_t epoch) { return format_utc(epoch, TimeFormat::rfc3339); }
std::string compact_utc(std::int64_t epoch) { return format_utc(epoch, TimeFormat::compact); }

std::string stage_path(const ResolvedArtifact& artifact) {
  const std::string version = artifact.image.version();
  if (artifact.role == "agentsshar") {
    require_file_name_part(artifact, version);
    return "/usbkey/extra/agents/agents-" + version + ".sh";
  }
  if (artifact.role == "gz-tools") {
    require_file_name_part(artifact, version);
    return "/usbkey/extra/gz-tools-" + version + ".tgz";
  }
  if (artifact.role == "platform") {
    // install-platform.sh takes the platform version from the file name, which must end
    // in -YYYYMMDDTHHMMSSZ.tgz; platform versions are <branch>-<stamp> already.
    require_file_name_part(artifact, version);
    std::string name = version;
    if (!ends_with_stamp(name)) {
      const std::string stamp = platform_stamp(artifact.image);
      if (stamp.empty()) {
        throw Error(ExitCode::bad_data, "platform image " + artifact.image.uuid() +
                                            ": neither its version \"" + version +
                                            "\" nor tags.buildstamp has a build time stamp; "
                                            "install-platform.sh could not install it");
      }
      name += "-" + stamp;
    }
    return "/usbkey/extra/platforms/platform-" + name + ".tgz";
  }
  return "/usbkey/images/" + artifact.image.uuid() + ".imgfile";
}

std::vector<FetchItem> fetch_items(const Resolution& resolution) {
  std::vector<FetchItem> items;
  for (const auto& artifact : resolution.artifacts) {
    items.push_back({artifact.image.uuid(),
                     artifact.image.name() + "@" + artifact.image.version(), file_of(artifact)});
  }
  return items;
}

PackPlan plan_pack(const Resolution& resolution, const std::map<std::string, CachedFile>& files,
                   const PackOptions& options, const std::map<std::string, PackDelta>& deltas) {
  if (resolution.artifacts.empty()) {
    throw Error(ExitCode::not_found,
                "nothing to bundle: no image is left after resolving" +
                    std::string(resolution.trimmed.empty()
                                    ? ""
                                    : " and trimming (the DC has everything it needs: " +
                                          std::to_string(resolution.trimmed.size()) +
                                          " left out)") +
                    "; name services explicitly, or build without --inventory");
  }
  PackPlan plan;
  manifest::BundleIndex& index = plan.index;
  fill_facts(index, resolution, options);

  const std::string changelog = resolution.changelog.serialize();
  index.members.push_back(
      {k_changelog_member, changelog.size(), bundles::chunk_hashes_of(changelog, options.chunk_size)});
  plan.inputs.push_back({k_changelog_member, "", changelog, 0644});
  for (auto& draft : draft_members(resolution, files, options.chunk_size, deltas, index.artifacts)) {
    index.members.push_back({draft.input.name, draft.size, std::move(draft.sha256)});
    plan.inputs.push_back(std::move(draft.input));
  }
  add_installer(plan, options);
  index.format_version = manifest::required_format_version(index.artifacts);
  // Content first: the build id hashes the whole index, content_id included (format §9).
  index.content_id = manifest::content_id_for(index.members);
  index.bundle_id = manifest::build_id_for(index);
  plan.index_bytes = index.serialize();
  // The writer parses these bytes with the reader's rules; doing it here too names a
  // bad index before any byte is written (and before anything is downloaded, for -n).
  plan.index = manifest::BundleIndex::parse(plan.index_bytes);
  return plan;
}

PackPlan plan_pack_estimate(const Resolution& resolution, const PackOptions& options) {
  std::map<std::string, CachedFile> files;
  for (const auto& item : fetch_items(resolution)) {
    const std::string placeholder(64, '0');
    files[item.file.sha1] = CachedFile{
        "", item.file.size,
        std::vector<std::string>(manifest::chunk_count(item.file.size, options.chunk_size),
                                 placeholder)};
  }
  return plan_pack(resolution, files, options);
}

std::uint64_t estimated_bundle_size(const PackPlan& plan) {
  std::vector<std::uint64_t> sizes;
  for (const auto& member : plan.index.members) sizes.push_back(member.size);
  const auto frames = bundles::plan_frames(plan.index_bytes.size(), sizes, plan.index.chunk_size);
  constexpr std::uint64_t k_frame_overhead = 18 + 4;  // largest frame header + checksum
  constexpr std::uint64_t k_block = 128u << 10;       // zstd's block: 3-byte header each
  std::uint64_t total = 8 + 24 * frames.size() + 16;  // the seek table
  for (const auto& frame : frames) {
    const std::uint64_t content = frame.content_size();
    total += content + k_frame_overhead + 3 * ((content + k_block - 1) / k_block);
  }
  return total;
}

PackResult write_pack(const PackPlan& plan, const std::string& path, std::int64_t mtime,
                      const WritePackOptions& options) {
  bundles::WriterOptions writer;
  writer.level = options.level;
  writer.threads = options.threads;
  writer.mtime = mtime;
  writer.signature_json = options.signature_json;
  writer.progress = options.progress;
  PackResult result;
  result.path = path;
  try {
    result.stats = bundles::write_bundle(path, plan.index_bytes, plan.inputs, writer);
  } catch (const Error& e) {
    if (e.code() != ExitCode::bundle_hash) throw;
    throw drop_damaged_input(plan, e);
  }
  if (options.split_size > 0) {
    result.split = bundles::split_bundle(path, options.split_size, bundles::KeepOriginal::no);
    result.path = result.split->list_path;
  }
  return result;
}

}  // namespace builder
