// ImageManifest keeps the manifest as the ordered JSON it came in; accessors read it
// defensively because the same object may come from an untrusted server or file.
#include <manifest/image_manifest.hpp>

#include <common/error.hpp>

#include <array>
#include <utility>

namespace manifest {

namespace {

using common::Error;
using common::ExitCode;
using common::Json;

// Image.prototype.serialize() in sdc-imgapi lib/images.js builds its reply object in
// this order; clients and humans diffing manifests see the same shape as from IMGAPI.
constexpr std::array<const char*, 32> k_imgapi_order = {
    "v",           "uuid",       "owner",        "name",
    "version",     "state",      "disabled",     "public",
    "published_at", "type",      "os",           "files",
    "acl",         "description", "homepage",    "eula",
    "icon",        "urn",        "requirements", "users",
    "generate_passwords", "inherited_directories", "origin", "nic_driver",
    "disk_driver", "cpu_type",   "image_size",   "tags",
    "billing_tags", "traits",    "error",        "channels"};

constexpr std::array<const char*, 5> k_file_order = {"sha1", "size", "compression",
                                                     "dataset_guid", "stor"};

template <std::size_t N>
Json reorder(const Json& object, const std::array<const char*, N>& order) {
  Json out = Json::object();
  for (const char* key : order) {
    const auto it = object.find(key);
    if (it != object.end()) out[key] = *it;
  }
  for (const auto& item : object.items()) {
    if (!out.contains(item.key())) out[item.key()] = item.value();
  }
  return out;
}

// The member `key` of object `j`, or nullptr (also when `j` is not an object).
const Json* member(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string string_field(const Json& j, const char* key) {
  const Json* v = member(j, key);
  return (v != nullptr && v->is_string()) ? v->get<std::string>() : std::string();
}

void require_string(const Json& j, const char* key, const std::string& what) {
  const Json* it = member(j, key);
  if (it == nullptr) {
    throw Error(ExitCode::bad_data, what + ": manifest has no \"" + key + "\" field");
  }
  if (!it->is_string()) {
    throw Error(ExitCode::bad_data, what + ": manifest field \"" + key +
                                        "\" must be a string, got " + it->type_name());
  }
}

}  // namespace

bool is_uuid(std::string_view s) {
  static constexpr std::array<std::size_t, 4> k_dashes = {8, 13, 18, 23};
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool dash_here = i == k_dashes[0] || i == k_dashes[1] || i == k_dashes[2] ||
                           i == k_dashes[3];
    if (dash_here) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

ImageManifest ImageManifest::parse(std::string_view text, const std::string& what) {
  return from_json(common::parse_json(text, what), what);
}

ImageManifest ImageManifest::from_json(Json j, const std::string& what) {
  if (!j.is_object()) {
    throw Error(ExitCode::bad_data,
                what + ": a manifest must be a JSON object, got " + j.type_name());
  }
  require_string(j, "uuid", what);
  const std::string id = j["uuid"].get<std::string>();
  if (!is_uuid(id)) {
    throw Error(ExitCode::bad_data, what + ": manifest \"uuid\" is not a lower-case UUID: \"" +
                                        id.substr(0, 64) + "\"");
  }
  require_string(j, "name", what);
  require_string(j, "version", what);
  return ImageManifest(std::move(j));
}

std::string ImageManifest::uuid() const { return string_field(m_json, "uuid"); }
std::string ImageManifest::name() const { return string_field(m_json, "name"); }
std::string ImageManifest::version() const { return string_field(m_json, "version"); }
std::string ImageManifest::published_at() const { return string_field(m_json, "published_at"); }
std::string ImageManifest::type() const { return string_field(m_json, "type"); }
std::string ImageManifest::state() const { return string_field(m_json, "state"); }

std::optional<std::string> ImageManifest::origin() const {
  const Json* it = member(m_json, "origin");
  if (it == nullptr || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<ImageFile> ImageManifest::file() const {
  const Json* files = member(m_json, "files");
  if (files == nullptr || !files->is_array() || files->empty()) return std::nullopt;
  const Json& f = files->front();
  const std::string what = "image " + uuid() + " files[0]";
  if (!f.is_object()) throw Error(ExitCode::bad_data, what + ": not a JSON object");
  const Json* sha1 = member(f, "sha1");
  const Json* size = member(f, "size");
  const Json* compression = member(f, "compression");
  if (sha1 == nullptr || !sha1->is_string()) {
    throw Error(ExitCode::bad_data, what + ": \"sha1\" missing or not a string");
  }
  if (size == nullptr || !size->is_number_unsigned()) {
    throw Error(ExitCode::bad_data, what + ": \"size\" missing or not a non-negative integer");
  }
  if (compression == nullptr || !compression->is_string()) {
    throw Error(ExitCode::bad_data, what + ": \"compression\" missing or not a string");
  }
  return ImageFile{sha1->get<std::string>(), size->get<std::uint64_t>(),
                   compression->get<std::string>()};
}

std::vector<std::string> ImageManifest::channels() const {
  std::vector<std::string> out;
  const Json* it = member(m_json, "channels");
  if (it == nullptr || !it->is_array()) return out;
  for (const Json& c : *it) {
    if (c.is_string()) out.push_back(c.get<std::string>());
  }
  return out;
}

std::string ImageManifest::tag_string(const std::string& key) const {
  const Json* tags = member(m_json, "tags");
  const Json* it = tags == nullptr ? nullptr : member(*tags, key.c_str());
  if (it == nullptr || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return common::dump_json(*it, -1);
}

std::string ImageManifest::dump(int indent) const {
  return common::dump_json(in_imgapi_order(m_json), indent);
}

Json in_imgapi_order(const Json& manifest) {
  if (!manifest.is_object()) return manifest;
  Json out = reorder(manifest, k_imgapi_order);
  auto files = out.find("files");
  if (files != out.end() && files->is_array()) {
    for (Json& f : *files) {
      if (f.is_object()) f = reorder(f, k_file_order);
    }
  }
  return out;
}

}  // namespace manifest
