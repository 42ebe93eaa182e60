// The bundle index (docs/bundle-format.md §3). parse() is the first thing every reader runs
// on bytes from an untrusted file, so each check maps to the exit code of its failure family
// (see bundle_index.hpp) and names the field. serialize() writes keys in one fixed order so
// that equal indexes are equal bytes (reproducible bundles, stable signatures).
#include <manifest/bundle_index.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <delta/recipe.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/json_fields.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <unordered_set>

namespace manifest {

namespace {

using common::Error;
using common::ExitCode;
using common::Json;
using fields::Presence;
using fields::Reader;

// Bounds on the lists, well above any real bundle (Triton has ~60 core images).
constexpr std::size_t k_max_members = 100000;
constexpr std::size_t k_max_artifacts = 100000;
constexpr std::size_t k_max_services = 1000;
constexpr std::size_t k_max_path = 1024;

constexpr std::array<const char*, 8> k_known_roles = {
    "service-image", "origin", "agent", "agentsshar", "gz-tools", "platform", "sdcadm",
    "installer"};

std::string nonempty(const Reader& r, const Json& obj, const char* key, const std::string& path) {
  std::string s = r.string(obj, key, path);
  if (s.empty()) r.fail(fields::join(path, key), "must not be empty");
  return s;
}

std::string timestamp(const Reader& r, const Json& obj, const char* key) {
  std::string s = r.string(obj, key, "");
  if (!is_rfc3339_seconds(s)) {
    r.fail(key, fields::quote(s) + " is not a time stamp of the form YYYY-MM-DDTHH:MM:SSZ");
  }
  return s;
}

// The component rules shared by member names and stage_as paths: '/'-separated parts, none
// empty, "." or ".."; no control byte or backslash anywhere.
bool components_safe(std::string_view relative) {
  const bool bad_byte = std::any_of(relative.begin(), relative.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '\\';
  });
  if (relative.empty() || bad_byte) return false;
  std::size_t start = 0;
  while (start <= relative.size()) {
    std::size_t slash = relative.find('/', start);
    if (slash == std::string_view::npos) slash = relative.size();
    const std::string_view part = relative.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

bool is_safe_absolute_path(std::string_view p) {
  return p.size() > 1 && p.size() <= k_max_path && p[0] == '/' && components_safe(p.substr(1));
}

int read_format_version(const Reader& r, const Json& j) {
  const std::string format = r.string(j, "format", "");
  if (format != k_bundle_format) {
    r.fail("format", fields::quote(format) + " is not \"" + k_bundle_format +
                         "\"; this is not an sdcadm bundle index");
  }
  const std::int64_t version = r.int64(j, "format_version", "");
  if (version > k_bundle_format_version) {
    r.fail(ExitCode::bundle_unsupported, "",
           "bundle format version " + std::to_string(version) +
               " is newer than this program understands (" +
               std::to_string(k_bundle_format_version) +
               "); use a newer sdcadm-install/sdcadm-bundle");
  }
  if (version < 1) r.fail("format_version", "must be 1 or more");
  return static_cast<int>(version);
}

// The "sha256" list of chunk hashes of an object describing `size` bytes.
std::vector<std::string> read_chunk_hashes(const Reader& r, const Json& m, const std::string& path,
                                           std::uint64_t size, std::uint64_t chunk_size) {
  const std::size_t expected = chunk_count(size, chunk_size);
  // No limit beyond the 16 MiB text: the count must equal `expected` exactly, and a wrong
  // count is a corrupt index, whichever way it is wrong.
  const Json* hashes = r.array(m, "sha256", path, SIZE_MAX);
  if (hashes->size() != expected) {
    r.fail(path + ".sha256", std::to_string(hashes->size()) + " chunk hashes, expected " +
                                 std::to_string(expected) + " for " + std::to_string(size) +
                                 " bytes in chunks of " + std::to_string(chunk_size));
  }
  std::vector<std::string> out;
  out.reserve(expected);
  for (std::size_t i = 0; i < hashes->size(); ++i) {
    const std::string p = fields::index(path + ".sha256", i);
    std::string h = r.expect_string((*hashes)[i], p);
    if (!fields::is_lower_hex(h, 64)) {
      r.fail(p, fields::quote(h) + " is not 64 lower-case hex digits");
    }
    out.push_back(std::move(h));
  }
  return out;
}

std::uint64_t member_size(const Reader& r, const Json& m, const std::string& path) {
  const std::uint64_t size = r.uint(m, "size", path);
  if (size > k_max_member_size) {
    r.fail(ExitCode::bundle_too_large, path + ".size",
           std::to_string(size) + " bytes is more than the 64 GiB limit on a member "
                                  "(IMGAPI's largest image file is 20 GiB)");
  }
  return size;
}

BundleMember read_member(const Reader& r, const Json& m, const std::string& path,
                         std::uint64_t chunk_size) {
  r.expect_object(m, path);
  BundleMember out;
  out.name = r.string(m, "name", path);
  if (!is_safe_member_name(out.name)) {
    r.fail(ExitCode::bundle_unsafe, path + ".name",
           "unsafe member name " + fields::quote(out.name) +
               " (must be relative, without \"..\", \".\" or empty components or control "
               "bytes, at most 100 bytes)");
  }
  if (out.name == "bundle.json" || out.name == "bundle.sig") {
    r.fail(ExitCode::bundle_closed_world, path + ".name",
           fields::quote(out.name) + " is a reserved name and must not be listed");
  }
  out.size = member_size(r, m, path);
  out.sha256 = read_chunk_hashes(r, m, path, out.size, chunk_size);
  return out;
}

std::vector<BundleMember> read_members(const Reader& r, const Json& j, std::uint64_t chunk_size) {
  const Json* list = r.array(j, "members", "", k_max_members);
  if (list->empty()) r.fail("members", "must list at least one member");
  std::vector<BundleMember> out;
  out.reserve(list->size());
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = fields::index("members", i);
    BundleMember m = read_member(r, (*list)[i], path, chunk_size);
    if (!seen.insert(m.name).second) {
      r.fail(ExitCode::bundle_closed_world, path + ".name",
             "duplicate member " + fields::quote(m.name));
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string member_ref(const Reader& r, const Json& a, const char* key, const std::string& path,
                       Presence presence, const std::unordered_set<std::string>& listed) {
  std::string name = r.string(a, key, path, presence);
  if (!name.empty() && listed.count(name) == 0) {
    r.fail(ExitCode::bundle_closed_world, fields::join(path, key),
           "names member " + fields::quote(name) + ", which the index does not list");
  }
  if (name.empty() && presence == Presence::required) {
    r.fail(fields::join(path, key), "must not be empty");
  }
  return name;
}

std::vector<std::string> read_services(const Reader& r, const Json& a, const std::string& path,
                                       bool required) {
  const Json* list = r.array(a, "services", path, k_max_services,
                             required ? Presence::required : Presence::optional);
  std::vector<std::string> out;
  if (list == nullptr) return out;
  if (required && list->empty()) r.fail(path + ".services", "must name at least one service");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = fields::index(path + ".services", i);
    out.push_back(r.expect_string((*list)[i], p));
    if (out.back().empty()) r.fail(p, "must not be empty");
  }
  return out;
}

// A delta object is closed (spec §3a): a key this version does not know could change how the
// file is rebuilt, so it is refused rather than ignored; new keys need a new format_version.
void refuse_unknown_keys(const Reader& r, const Json& obj, const std::string& path,
                         std::initializer_list<const char*> known) {
  const Json unknown = fields::unknown_keys(obj, known);
  if (!unknown.is_null()) {
    r.fail(fields::join(path, unknown.begin().key()), "is not a key of format_version " +
                                                          std::to_string(k_bundle_format_version));
  }
}

// "delta" of an artifact (spec §3a).
BundleDelta read_delta(const Reader& r, const Json& d, const std::string& path,
                       const std::unordered_set<std::string>& listed, std::uint64_t chunk_size) {
  r.expect_object(d, path);
  BundleDelta out;
  out.patch_member = member_ref(r, d, "patch", path, Presence::required, listed);
  const std::string base_path = path + ".base";
  const Json* base = r.object(d, "base", path);
  out.base_uuid = r.string(*base, "uuid", base_path);
  if (!is_uuid(out.base_uuid)) {
    r.fail(base_path + ".uuid", fields::quote(out.base_uuid) + " is not a lower-case UUID");
  }
  out.base_sha1 = r.string(*base, "sha1", base_path);
  if (!fields::is_lower_hex(out.base_sha1, 40)) {
    r.fail(base_path + ".sha1", fields::quote(out.base_sha1) + " is not 40 lower-case hex digits");
  }
  out.base_size = member_size(r, *base, base_path);
  const std::string compression = r.string(*base, "compression", base_path);
  if (compression != "none" && compression != "gzip" && compression != "bzip2") {
    r.fail(base_path + ".compression",
           fields::quote(compression) + " is not one of \"none\", \"gzip\", \"bzip2\"");
  }
  out.base_compression = delta::compression_from_name(compression);
  refuse_unknown_keys(r, *base, base_path, {"uuid", "sha1", "size", "compression"});
  const Json* recipe = r.object(d, "recipe", path);
  try {
    out.recipe = delta::recipe_from_json(*recipe, "bundle index: " + path + ".recipe");
  } catch (const Error& e) {
    throw Error(ExitCode::bundle_corrupt, e.what());
  }
  const std::string file_path = path + ".file";
  const Json* file = r.object(d, "file", path);
  out.file_size = member_size(r, *file, file_path);
  out.file_sha256 = read_chunk_hashes(r, *file, file_path, out.file_size, chunk_size);
  refuse_unknown_keys(r, *file, file_path, {"size", "sha256"});
  refuse_unknown_keys(r, d, path, {"patch", "base", "recipe", "file"});
  return out;
}

BundleArtifact read_artifact(const Reader& r, const Json& a, const std::string& path,
                             const std::unordered_set<std::string>& listed, int format_version,
                             std::uint64_t chunk_size) {
  r.expect_object(a, path);
  BundleArtifact out;
  out.role = nonempty(r, a, "role", path);
  // Image roles carry an IMGAPI image; the installer and unknown (newer) roles may not.
  const bool image = known_role(out.role) && out.role != "installer";
  const Presence image_field = image ? Presence::required : Presence::optional;
  out.services = read_services(r, a, path, out.role == "service-image");
  out.uuid = r.string(a, "uuid", path, image_field);
  if ((image || !out.uuid.empty()) && !is_uuid(out.uuid)) {
    r.fail(path + ".uuid", fields::quote(out.uuid) + " is not a lower-case UUID");
  }
  out.name = nonempty(r, a, "name", path);
  out.version = nonempty(r, a, "version", path);
  out.published_at = r.string(a, "published_at", path, image_field);
  if ((image || !out.published_at.empty()) && !parse_published_at(out.published_at)) {
    r.fail(path + ".published_at",
           fields::quote(out.published_at) + " is not an IMGAPI time stamp");
  }
  out.manifest_member = member_ref(r, a, "manifest", path, image_field, listed);
  if (const Json* d = r.object(a, "delta", path, Presence::optional)) {
    if (format_version < k_first_delta_format_version) {
      r.fail(path + ".delta", "a delta artifact needs format_version " +
                                  std::to_string(k_first_delta_format_version) + " or newer");
    }
    if (a.contains("file")) {
      r.fail(path, "has both \"file\" and \"delta\"; an image file is either carried or rebuilt");
    }
    out.delta = read_delta(r, *d, path + ".delta", listed, chunk_size);
    if (out.delta->base_uuid == out.uuid) {
      r.fail(path + ".delta.base.uuid", "is the artifact's own uuid");
    }
  } else {
    out.file_member = member_ref(r, a, "file", path, Presence::required, listed);
  }
  out.stage_as = r.string(a, "stage_as", path, Presence::optional);
  if (!out.stage_as.empty() && !is_safe_absolute_path(out.stage_as)) {
    r.fail(ExitCode::bundle_unsafe, path + ".stage_as",
           "unsafe path " + fields::quote(out.stage_as) +
               " (must be absolute, without \"..\", \".\" or empty components)");
  }
  out.pinned = r.boolean(a, "pinned", path, Presence::optional);
  out.unknown = fields::unknown_keys(a, {"role", "services", "uuid", "name", "version",
                                         "published_at", "manifest", "file", "stage_as",
                                         "pinned", "delta"});
  return out;
}

void read_header(const Reader& r, const Json& j, BundleIndex& out) {
  out.bundle_id = r.string(j, "bundle_id", "");
  if (!is_uuid(out.bundle_id)) {
    r.fail("bundle_id", fields::quote(out.bundle_id) + " is not a lower-case UUID");
  }
  out.content_id = r.string(j, "content_id", "", Presence::optional);
  if (!out.content_id.empty() && !is_uuid(out.content_id)) {
    r.fail("content_id", fields::quote(out.content_id) + " is not a lower-case UUID");
  }
  out.created = timestamp(r, j, "created");
  const Json* builder = r.object(j, "builder", "");
  out.builder.name = nonempty(r, *builder, "name", "builder");
  out.builder.version = nonempty(r, *builder, "version", "builder");
  const Json* source = r.object(j, "source", "");
  out.source.url = nonempty(r, *source, "url", "source");
  out.source.channel = nonempty(r, *source, "channel", "source");
  out.channel = nonempty(r, j, "channel", "");
  out.sequence = r.int64(j, "sequence", "");
  if (out.sequence < 0) r.fail("sequence", "must not be negative");
  out.expires = timestamp(r, j, "expires");
  out.min_installer_version = r.string(j, "min_installer_version", "");
  if (!parse_semver(out.min_installer_version)) {
    r.fail("min_installer_version",
           fields::quote(out.min_installer_version) + " is not a semver version");
  }
  if (const Json* trim = r.object(j, "trim", "", Presence::optional)) {
    BundleIndex::Trim t;
    t.inventory_sha256 = r.string(*trim, "inventory_sha256", "trim");
    if (!fields::is_lower_hex(t.inventory_sha256, 64)) {
      r.fail("trim.inventory_sha256", "is not 64 lower-case hex digits");
    }
    t.datacenter = nonempty(r, *trim, "datacenter", "trim");
    out.trim = std::move(t);
  }
}

}  // namespace

BundleIndex BundleIndex::parse(std::string_view bytes) {
  Reader r("bundle index", ExitCode::bundle_corrupt);
  r.set_too_many_code(ExitCode::bundle_too_large);
  if (bytes.size() > k_bundle_index_max_bytes) {
    r.fail(ExitCode::bundle_too_large, "",
           std::to_string(bytes.size()) + " bytes, more than the 16 MiB limit");
  }
  const Json j = r.parse_object(bytes, k_bundle_index_max_depth, k_bundle_index_max_bytes);
  BundleIndex out;
  // The version first: a newer format may change any other field.
  out.format_version = read_format_version(r, j);
  read_header(r, j, out);
  out.chunk_size = r.uint(j, "chunk_size", "");
  if (out.chunk_size < k_min_chunk_size || out.chunk_size > k_max_chunk_size) {
    r.fail("chunk_size", std::to_string(out.chunk_size) +
                             " is outside [1 MiB, 1 GiB] (1048576 .. 1073741824)");
  }
  out.members = read_members(r, j, out.chunk_size);
  // A content_id that is not the member list's would let one bundle pass for a rebuild of
  // another (the installer skips work on "same content").
  if (!out.content_id.empty() && out.content_id != content_id_for(out.members)) {
    r.fail("content_id", out.content_id + " is not the content id of the member list (" +
                             content_id_for(out.members) + ")");
  }
  std::unordered_set<std::string> listed;
  for (const auto& m : out.members) listed.insert(m.name);
  const Json* artifacts = r.array(j, "artifacts", "", k_max_artifacts);
  out.artifacts.reserve(artifacts->size());
  for (std::size_t i = 0; i < artifacts->size(); ++i) {
    out.artifacts.push_back(
        read_artifact(r, (*artifacts)[i], fields::index("artifacts", i), listed,
                      out.format_version, out.chunk_size));
  }
  out.unknown = fields::unknown_keys(
      j, {"format", "format_version", "bundle_id", "content_id", "created", "builder", "source", "channel",
          "sequence", "expires", "min_installer_version", "chunk_size", "trim", "artifacts",
          "members"});
  return out;
}

namespace {

Json artifact_json(const BundleArtifact& a) {
  Json j = Json::object();
  j["role"] = a.role;
  if (a.role == "service-image" || !a.services.empty()) j["services"] = a.services;
  if (!a.uuid.empty()) j["uuid"] = a.uuid;
  j["name"] = a.name;
  j["version"] = a.version;
  if (!a.published_at.empty()) j["published_at"] = a.published_at;
  if (!a.manifest_member.empty()) j["manifest"] = a.manifest_member;
  if (a.delta) {
    const BundleDelta& d = *a.delta;
    j["delta"] = Json::object(
        {{"patch", d.patch_member},
         {"base", Json::object({{"uuid", d.base_uuid},
                                {"sha1", d.base_sha1},
                                {"size", d.base_size},
                                {"compression", delta::name_of(d.base_compression)}})},
         {"recipe", delta::to_json(d.recipe)},
         {"file", Json::object({{"size", d.file_size}, {"sha256", d.file_sha256}})}});
  } else {
    j["file"] = a.file_member;
  }
  if (!a.stage_as.empty()) j["stage_as"] = a.stage_as;
  j["pinned"] = a.pinned;
  fields::append_unknown(j, a.unknown);
  return j;
}

Json member_json(const BundleMember& m) {
  Json j = Json::object();
  j["name"] = m.name;
  j["size"] = m.size;
  j["sha256"] = m.sha256;
  return j;
}

}  // namespace

std::string BundleIndex::serialize() const {
  Json j = Json::object();
  j["format"] = k_bundle_format;
  j["format_version"] = format_version;
  j["bundle_id"] = bundle_id;
  if (!content_id.empty()) j["content_id"] = content_id;
  j["created"] = created;
  j["builder"] = Json::object({{"name", builder.name}, {"version", builder.version}});
  j["source"] = Json::object({{"url", source.url}, {"channel", source.channel}});
  j["channel"] = channel;
  j["sequence"] = sequence;
  j["expires"] = expires;
  j["min_installer_version"] = min_installer_version;
  j["chunk_size"] = chunk_size;
  if (trim) {
    j["trim"] = Json::object(
        {{"inventory_sha256", trim->inventory_sha256}, {"datacenter", trim->datacenter}});
  }
  Json artifact_list = Json::array();
  for (const auto& a : artifacts) artifact_list.push_back(artifact_json(a));
  j["artifacts"] = std::move(artifact_list);
  Json member_list = Json::array();
  for (const auto& m : members) member_list.push_back(member_json(m));
  j["members"] = std::move(member_list);
  fields::append_unknown(j, unknown);
  return common::dump_json(j) + "\n";
}

const BundleMember* BundleIndex::find_member(std::string_view name) const {
  const auto it = std::find_if(members.begin(), members.end(),
                               [&](const BundleMember& m) { return m.name == name; });
  return it == members.end() ? nullptr : &*it;
}

std::uint64_t BundleIndex::payload_size() const {
  std::uint64_t total = 0;
  for (const auto& m : members) total += m.size;
  return total;
}

bool BundleDelta::operator==(const BundleDelta& o) const {
  return patch_member == o.patch_member && base_uuid == o.base_uuid &&
         base_sha1 == o.base_sha1 && base_size == o.base_size &&
         base_compression == o.base_compression && recipe == o.recipe &&
         file_size == o.file_size && file_sha256 == o.file_sha256;
}

int required_format_version(const std::vector<BundleArtifact>& artifacts) {
  const bool any_delta = std::any_of(artifacts.begin(), artifacts.end(),
                                     [](const BundleArtifact& a) { return a.delta.has_value(); });
  return any_delta ? k_first_delta_format_version : 1;
}

bool is_safe_member_name(std::string_view name) {
  return !name.empty() && name.size() <= k_max_member_name && name[0] != '/' &&
         components_safe(name);
}

std::size_t chunk_count(std::uint64_t size, std::uint64_t chunk_size) {
  if (chunk_size == 0) throw Error(ExitCode::internal, "chunk_count: chunk_size is 0");
  return static_cast<std::size_t>(size / chunk_size + (size % chunk_size != 0 ? 1 : 0));
}

bool known_role(std::string_view role) {
  return std::find(k_known_roles.begin(), k_known_roles.end(), role) != k_known_roles.end();
}

namespace {

std::string uuid_of_digest(std::vector<std::uint8_t> d) {
  d.resize(16);
  d[6] = static_cast<std::uint8_t>((d[6] & 0x0f) | 0x40);  // version 4
  d[8] = static_cast<std::uint8_t>((d[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = common::to_hex(d);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace

std::string bundle_id_for(const std::vector<BundleMember>& members) { return content_id_for(members); }

std::string content_id_of(const BundleIndex& index) {
  return index.content_id.empty() ? content_id_for(index.members) : index.content_id;
}

std::string build_id_for(const BundleIndex& index) {
  BundleIndex copy = index;
  copy.bundle_id.clear();
  common::Hasher h(common::HashAlgorithm::sha256);
  h.update(std::string("sdcadm-bundle build\n"));
  h.update(copy.serialize());
  return uuid_of_digest(h.finish());
}

std::string content_id_for(const std::vector<BundleMember>& members) {
  common::Hasher h(common::HashAlgorithm::sha256);
  for (const auto& m : members) {
    std::string line = m.name;
    line += '\0';
    line += std::to_string(m.size);
    line += '\0';
    for (std::size_t i = 0; i < m.sha256.size(); ++i) {
      if (i > 0) line += ',';
      line += m.sha256[i];
    }
    line += '\n';
    h.update(line);
  }
  return uuid_of_digest(h.finish());
}

bool is_rfc3339_seconds(std::string_view s) {
  return s.size() == 20 && parse_published_at(s).has_value();
}

}  // namespace manifest
