#pragma once
// CatalogStore: the private-mode, read-only image source. A catalog directory holds
// <uuid>.imgmanifest (API-form manifest with "channels") + <uuid>.imgfile pairs and an
// optional channels.json (absent = Triton's standard channels, dev the default).
//
// Everything is checked once, at load: each manifest must be valid for a private channel
// server (manifest::validate, private profile with channels), be named after its uuid,
// name only known channels, and have its .imgfile with exactly files[0].size bytes. Any
// problem refuses the whole catalog with an error naming the file.
//
// Content-MD5 is computed lazily: the first download of a file hashes it once (MD5 and
// SHA-1 in one streaming pass, checking the SHA-1 against the manifest) and caches the
// result; concurrent first downloads wait for that one pass. Nothing is read at startup,
// so a catalog of many GiB starts instantly.

#include <imgapi/server/channels.hpp>
#include <imgapi/server/image_store.hpp>
#include <imgapi/server/md5_memo.hpp>

#include <map>
#include <memory>
#include <string>

namespace imgapi::server {

class CatalogStore : public ImageStore {
 public:
  // Loads and checks the catalog; throws common::Error (config: no such directory;
  // bad_data: invalid manifest, channels.json or image file).
  explicit CatalogStore(std::string dir);

  const Channels& channels() const { return m_channels; }

  std::vector<RecordPtr> all() const override;
  RecordPtr find(const std::string& uuid) const override;
  std::unique_ptr<FileReader> open_file(const ImageRecord& record) override;
  std::string content_md5(const ImageRecord& record) override;

 private:
  void load_channels();
  RecordPtr load_manifest(const std::string& uuid);
  std::string file_path(const std::string& uuid) const;

  std::string m_dir;
  Channels m_channels;
  std::map<std::string, RecordPtr> m_images;
  Md5Memo m_md5;
};

// Builds the record of an API-form manifest (state, files, channels and disabled moved
// out of the fields). Throws common::Error(bad_data) naming `what` when the manifest's
// state cannot be served (creating, failed, or inconsistent with disabled).
ImageRecord record_from_api_manifest(const common::Json& manifest, const std::string& what);

// Streams a file through MD5 and SHA-1; returns {base64 md5, hex sha1}. Throws RestError
// (500) on read errors.
std::pair<std::string, std::string> hash_file(FileReader& reader);

}  // namespace imgapi::server
