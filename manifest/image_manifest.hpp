#pragma once
// manifest::ImageManifest: one IMGAPI image manifest in its API form (what GetImage
// returns and AdminImportImage accepts), kept as an ordered JSON object so that every
// field, known or not, survives a parse/serialize round trip. Accessors give typed views
// of the fields the toolchain uses; validation lives in manifest/validate.hpp.

#include <common/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace manifest {

// True if `s` matches IMGAPI's UUID regex: lower-case hex, 8-4-4-4-12, nothing else.
bool is_uuid(std::string_view s);

// files[0] of a manifest: the image file's SHA-1 (hex), size in bytes and compression.
struct ImageFile {
  std::string sha1;
  std::uint64_t size = 0;
  std::string compression;
};

class ImageManifest {
 public:
  // Parses JSON text (bounded, see common::parse_json) and checks the basics every user
  // of a manifest relies on: a JSON object, "uuid" a valid UUID string, "name" and
  // "version" strings. Throws common::Error(bad_data) naming `what` and the field.
  // Full IMGAPI validation is manifest::validate().
  static ImageManifest parse(std::string_view text, const std::string& what);
  // The same checks on an already parsed value.
  static ImageManifest from_json(common::Json j, const std::string& what);

  // The whole manifest, every field as received.
  const common::Json& json() const { return m_json; }
  common::Json& json() { return m_json; }

  std::string uuid() const;
  std::string name() const;
  std::string version() const;
  // "" when absent or not a string.
  std::string published_at() const;
  // nullopt when absent, null or not a string.
  std::optional<std::string> origin() const;
  // "" when absent or not a string.
  std::string type() const;
  std::string state() const;
  // files[0] when present with sha1 (string), size (non-negative integer) and compression
  // (string); nullopt when there is no file. Throws Error(bad_data) when files[0] exists
  // but one of those three fields has the wrong type.
  std::optional<ImageFile> file() const;
  // The string entries of "channels" ([] when absent).
  std::vector<std::string> channels() const;
  // tags[key] as a string: strings as is, booleans "true"/"false", numbers in JSON form,
  // "" when there is no such tag (or tags is not an object). Other values: compact JSON.
  std::string tag_string(const std::string& key) const;

  // The manifest as JSON text with keys in IMGAPI emission order (in_imgapi_order).
  std::string dump(int indent = 2) const;

 private:
  explicit ImageManifest(common::Json j) : m_json(std::move(j)) {}
  common::Json m_json;
};

// A copy of `manifest` with its keys in the order IMGAPI's Image.serialize() emits them
// (v, uuid, owner, name, version, state, disabled, public, published_at, type, os, files,
// acl, description, homepage, eula, icon, urn, requirements, users, generate_passwords,
// inherited_directories, origin, nic_driver, disk_driver, cpu_type, image_size, tags,
// billing_tags, traits, error, channels); keys of each files[] entry ordered sha1, size,
// compression, dataset_guid, stor. Unknown keys are kept, after the known ones, in their
// original order. Values are never changed. A non-object is returned unchanged.
common::Json in_imgapi_order(const common::Json& manifest);

}  // namespace manifest
