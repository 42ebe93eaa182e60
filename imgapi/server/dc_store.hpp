#pragma once
// DcStore: the DC-mode image store, writable and persistent. Layout of the data directory
// (created if missing):
//   DIR/manifests/<uuid>.json   one record per image: {"uuid", "activated", "disabled",
//                               "manifest": {API-form fields}, "file": {sha1, size,
//                               compression[, dataset_guid], contentMD5, mtime}}
//   DIR/files/<uuid>.file       the image file
// Every write is atomic (temp file + fsync + rename, common::AtomicFile): an upload goes to
// a temp file beside its final name and is renamed only after its size and SHA-1 checks
// passed, under the store lock, so a failed or cut upload leaves no file and the image
// keeps its previous state. Records are written after the file they name is in place and
// removed before it; at load, leftover temp files and files no record names are deleted.
// One mutex guards the index; readers get immutable snapshots (shared_ptr records).

#include <imgapi/server/image_store.hpp>

#include <common/atomic_file.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace imgapi::server {

class DcStore : public ImageStore {
 public:
  // Creates DIR (and its subdirectories) if missing and loads every record. Throws
  // common::Error: config when DIR cannot be created, bad_data for a corrupt record or a
  // record whose file is missing or has the wrong size.
  explicit DcStore(std::string dir);

  std::vector<RecordPtr> all() const override;
  RecordPtr find(const std::string& uuid) const override;
  std::unique_ptr<FileReader> open_file(const ImageRecord& record) override;
  std::string content_md5(const ImageRecord& record) override;

  // 409 ImageUuidAlreadyExists / 422 OriginDoesNotExist, as AdminImportImage checks them.
  void check_new(const std::string& uuid, const std::optional<std::string>& origin) const;
  // Adds a new (unactivated) image; repeats check_new under the lock, then persists.
  RecordPtr insert(ImageRecord record);

  // An upload in progress: bytes go to a temp file next to DIR/files/<uuid>.file.
  class Upload {
   public:
    void write(const char* data, std::size_t size);
   private:
    friend class DcStore;
    Upload(std::string uuid, const std::string& path);
    void flush();
    std::string m_uuid;
    common::AtomicFile m_file;
    std::vector<char> m_buffer;
  };
  std::unique_ptr<Upload> begin_upload(const std::string& uuid);
  // Installs the uploaded file as the image's file (replacing any previous one) and
  // returns the updated record. 404 if the image was deleted meanwhile, 422
  // ImageFilesImmutable if it was activated meanwhile.
  RecordPtr finish_upload(Upload& upload, StoredFile file);

  // ActivateImage: 422 ImageAlreadyActivated / NoActivationNoFile; published_at set to now
  // only when absent.
  RecordPtr activate(const std::string& uuid);
  // EnableImage / DisableImage.
  RecordPtr set_disabled(const std::string& uuid, bool disabled);
  // UpdateImage: `change` edits a copy of the record (and may throw RestError).
  RecordPtr update(const std::string& uuid, const std::function<void(ImageRecord&)>& change);
  // DeleteImage: 422 ImageHasDependentImages when other images name it as origin.
  void remove(const std::string& uuid);

  const std::string& dir() const { return m_dir; }

 private:
  void load();
  RecordPtr load_record(const std::string& uuid);
  void persist(const ImageRecord& record) const;
  std::string manifest_path(const std::string& uuid) const;
  std::string file_path(const std::string& uuid) const;
  RecordPtr locked_find(const std::string& uuid) const;  // 404 when absent

  std::string m_dir;
  mutable std::mutex m_mutex;
  std::map<std::string, RecordPtr> m_images;
};

// The persisted JSON of a record, and back (throws common::Error(bad_data) naming `what`).
common::Json record_to_json(const ImageRecord& record);
ImageRecord record_from_json(const common::Json& j, const std::string& what);

}  // namespace imgapi::server
