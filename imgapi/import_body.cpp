// What AdminImportImage accepts (sdc-imgapi lib/images.js, reference §3.7): the server
// drops "files" and "state", refuses "icon": true (the raw icon is an object), refuses
// every key it does not know with 422 "invalid extra parameters", and accepts the zvol
// fields only for type "zvol". A manifest straight from GetImage (API form) therefore
// needs trimming before it can be imported; this does exactly that and reports what went.
#include <imgapi/client.hpp>

#include <imgapi/client_detail.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace imgapi {
namespace {

// Computed or raw-only fields: never part of an import body.
constexpr std::array<std::string_view, 7> k_never_imported = {
    "icon", "state", "files", "activated", "error", "tagsObj", "expires_at"};

constexpr std::array<std::string_view, 4> k_zvol_only = {"nic_driver", "disk_driver",
                                                          "cpu_type", "image_size"};

// Keys a v2 import body may carry (CreateImage fields + uuid, published_at, urn; channels
// is removed by the server itself, so it is harmless).
constexpr std::array<std::string_view, 24> k_importable = {
    "v",         "uuid",         "owner",       "name",    "version",  "description",
    "homepage",  "eula",         "disabled",    "public",  "published_at", "type",
    "os",        "origin",       "acl",         "requirements", "users", "generate_passwords",
    "inherited_directories", "billing_tags", "traits", "tags", "urn", "channels"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

bool keep_key(std::string_view key, bool is_zvol, bool is_v2) {
  if (contains(k_never_imported, key)) return false;
  if (contains(k_zvol_only, key)) return is_zvol;
  // A manifest without "v" is a legacy (v1) one that IMGAPI upgrades on import; its v1
  // keys (creator_uuid, ...) are what the upgrade reads, so they stay.
  return !is_v2 || contains(k_importable, key);
}

}  // namespace

common::Json import_body(const common::Json& manifest, std::vector<std::string>* dropped) {
  if (!manifest.is_object()) return manifest;
  const bool is_zvol = detail::string_member(manifest, "type") == "zvol";
  const bool is_v2 = manifest.contains("v");
  common::Json body = common::Json::object();
  for (const auto& item : manifest.items()) {
    if (keep_key(item.key(), is_zvol, is_v2)) {
      body[item.key()] = item.value();
    } else if (dropped) {
      dropped->push_back(item.key());
    }
  }
  return body;
}

}  // namespace imgapi
