#pragma once
// ImageRecord: one image as the server keeps it (the "raw" form of IMGAPI's database),
// and its serialization in IMGAPI's API form (Image.prototype.serialize, reference §4.1).
//
// `fields` holds the manifest's own fields in API form (v, uuid, owner, name, version,
// public, published_at, type, os, origin, tags as an object, ...). The state-bearing parts
// live beside it: activated, disabled, the file, the channels. Records are immutable once
// shared (stores hand out shared_ptr<const ImageRecord>); a change makes a new record.

#include <imgapi/server/accept_version.hpp>

#include <common/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

// files[0] of an image, with the server-side details IMGAPI keeps (contentMD5, mtime).
struct StoredFile {
  std::string sha1;
  std::uint64_t size = 0;
  std::string compression;
  std::string dataset_guid;  // empty = none
  std::string content_md5;   // base64; may be empty in private mode until first computed
  std::string mtime;         // ISO-8601 UTC with milliseconds
};

struct ImageRecord {
  std::string uuid;
  common::Json fields = common::Json::object();
  bool activated = false;
  bool disabled = false;
  std::optional<StoredFile> file;
  std::vector<std::string> channels;  // channel servers (private mode) only

  // "active", "disabled" or "unactivated", computed as IMGAPI's Image._calcState does.
  std::string state() const;

  // The field's value, or nullptr when absent.
  const common::Json* field(const char* name) const;
  // A string field's value, "" when absent or not a string.
  std::string string_field(const char* name) const;

  // published_at as milliseconds since the epoch, 0 when absent or unparseable (IMGAPI
  // sorts images without published_at as time 0).
  std::int64_t published_ms() const;
};

using RecordPtr = std::shared_ptr<const ImageRecord>;

struct SerializeOptions {
  ApiVersion version = ApiVersion::v2;
  bool admin_fields = false;  // adds files[].stor ("local")
};

// The API form, keys in IMGAPI's order, with IMGAPI's omissions (empty acl, falsy
// optional fields, generate_passwords only when true, channels only for v2).
common::Json serialize(const ImageRecord& record, const SerializeOptions& options);

// Etag of a single-object reply: sha1 hex of the compact JSON text (JSON.stringify).
std::string json_etag(const common::Json& value);

// The object validate() checks for this record (IMGAPI's validateAndNormalize input): the
// fields plus state, disabled, activated, files (when any) and channels (when any).
common::Json validation_object(const ImageRecord& record);

// JavaScript truthiness of a JSON value (false, 0, "", null are falsy).
bool js_truthy(const common::Json* value);

// Tag search strings as IMGAPI indexes them ("k=v"; object values and values longer
// than 100 characters become "k="). Empty when tags is absent or not an object.
std::vector<std::string> tag_search_strings(const common::Json* tags);

// Parses ISO-8601 date-times as JavaScript's Date does for the forms IMGAPI deals with
// (YYYY, YYYY-MM, YYYY-MM-DD, optional THH:MM[:SS[.sss]], optional Z or +HH:MM; no zone
// means UTC here). nullopt when not such a date.
std::optional<std::int64_t> parse_iso_ms(const std::string& text);

// "2026-11-25T12:00:00.123Z" for milliseconds since the epoch.
std::string iso_from_ms(std::int64_t ms);

}  // namespace imgapi::server
