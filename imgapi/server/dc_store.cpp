#include <imgapi/server/dc_store.hpp>

#include <imgapi/server/rest_error.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <chrono>
#include <filesystem>
#include <sys/stat.h>

namespace imgapi::server {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_write_buffer = 256u << 10;

common::Error corrupt(const std::string& what, const std::string& why) {
  return common::Error(common::ExitCode::bad_data,
                       what + ": " + why + " (the data directory is damaged; fix or remove it)");
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return iso_from_ms(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

bool is_temp_name(const std::string& name) { return name.find(".tmp.") != std::string::npos; }

bool has_suffix(const std::string& name, const std::string& suffix) {
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<uuid><suffix>" -> uuid, or "" when the name is not of that form.
std::string uuid_of(const std::string& name, const std::string& suffix) {
  if (!has_suffix(name, suffix)) return "";
  std::string uuid = name.substr(0, name.size() - suffix.size());
  return manifest::is_uuid(uuid) ? uuid : "";
}

void remove_quietly(const fs::path& path, const std::string& why) {
  std::error_code ec;
  fs::remove(path, ec);
  common::log::info("removed " + path.string() + " (" + why + ")");
}

const common::Json& require(const common::Json& j, const char* key, const std::string& what) {
  auto it = j.find(key);
  if (it == j.end()) throw corrupt(what, std::string("missing \"") + key + "\"");
  return *it;
}

StoredFile file_from_json(const common::Json& f, const std::string& what) {
  StoredFile file;
  const common::Json& sha1 = require(f, "sha1", what);
  const common::Json& size = require(f, "size", what);
  if (!sha1.is_string() || sha1.get<std::string>().size() != 40 || !size.is_number_unsigned()) {
    throw corrupt(what, "bad file sha1 or size");
  }
  file.sha1 = sha1.get<std::string>();
  file.size = size.get<std::uint64_t>();
  for (auto [key, out] : {std::pair{"compression", &file.compression},
                          std::pair{"contentMD5", &file.content_md5},
                          std::pair{"mtime", &file.mtime}}) {
    const common::Json& v = require(f, key, what);
    if (!v.is_string()) throw corrupt(what, std::string("file \"") + key + "\" is not a string");
    *out = v.get<std::string>();
  }
  if (f.contains("dataset_guid") && f["dataset_guid"].is_string()) {
    file.dataset_guid = f["dataset_guid"].get<std::string>();
  }
  return file;
}

}  // namespace

common::Json record_to_json(const ImageRecord& r) {
  common::Json j = {{"uuid", r.uuid}, {"activated", r.activated}, {"disabled", r.disabled},
                    {"manifest", r.fields}};
  if (r.file) {
    common::Json f = {{"sha1", r.file->sha1}, {"size", r.file->size},
                      {"compression", r.file->compression}};
    if (!r.file->dataset_guid.empty()) f["dataset_guid"] = r.file->dataset_guid;
    f["contentMD5"] = r.file->content_md5;
    f["mtime"] = r.file->mtime;
    j["file"] = std::move(f);
  }
  return j;
}

ImageRecord record_from_json(const common::Json& j, const std::string& what) {
  if (!j.is_object()) throw corrupt(what, "not a JSON object");
  ImageRecord r;
  const common::Json& uuid = require(j, "uuid", what);
  const common::Json& activated = require(j, "activated", what);
  const common::Json& disabled = require(j, "disabled", what);
  const common::Json& fields = require(j, "manifest", what);
  if (!uuid.is_string() || !manifest::is_uuid(uuid.get<std::string>()) ||
      !activated.is_boolean() || !disabled.is_boolean() || !fields.is_object()) {
    throw corrupt(what, "bad uuid, activated, disabled or manifest");
  }
  r.uuid = uuid.get<std::string>();
  r.activated = activated.get<bool>();
  r.disabled = disabled.get<bool>();
  r.fields = fields;
  if (j.contains("file")) r.file = file_from_json(j["file"], what);
  std::vector<manifest::FieldError> errors =
      manifest::validate(validation_object(r), {manifest::Profile::dc, false});
  if (!errors.empty()) throw corrupt(what, manifest::describe(errors));
  return r;
}

namespace {

// An uploaded file is written and renamed into place without fsync, as IMGAPI's local
// storage does (sdc-imgapi lib/storage.js:329-420 storeFileFromStream pipes the request into
// fs.createWriteStream; :461-471 moveImageFile is a plain fs.rename): the stand-in costs
// what the real server costs, no more.
common::AtomicFile::Options upload_file_options() {
  common::AtomicFile::Options options;
  options.sync = common::AtomicFile::Sync::none;
  return options;
}

}  // namespace

DcStore::Upload::Upload(std::string uuid, const std::string& path)
    : m_uuid(std::move(uuid)), m_file(path, upload_file_options()) {
  m_buffer.reserve(k_write_buffer);
}

void DcStore::Upload::write(const char* data, std::size_t size) {
  if (m_buffer.size() + size > k_write_buffer) flush();
  if (size >= k_write_buffer) {
    m_file.write(data, size);
    return;
  }
  m_buffer.insert(m_buffer.end(), data, data + size);
}

void DcStore::Upload::flush() {
  if (m_buffer.empty()) return;
  m_file.write(m_buffer.data(), m_buffer.size());
  m_buffer.clear();
}

DcStore::DcStore(std::string dir) : m_dir(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(m_dir + "/manifests", ec);
  if (!ec) fs::create_directories(m_dir + "/files", ec);
  if (ec) {
    throw common::Error(common::ExitCode::config,
                        "cannot create the data directory " + m_dir + ": " + ec.message());
  }
  load();
}

void DcStore::load() {
  std::error_code ec;
  for (fs::directory_iterator it(m_dir + "/manifests", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (is_temp_name(name)) {
      remove_quietly(it->path(), "an unfinished write");
      continue;
    }
    std::string uuid = uuid_of(name, ".json");
    if (uuid.empty()) {
      common::log::warn("ignoring " + it->path().string() + ": not a <uuid>.json record");
      continue;
    }
    m_images[uuid] = load_record(uuid);
  }
  if (ec) throw common::Error(common::ExitCode::io, "reading " + m_dir + "/manifests: " + ec.message());
  for (fs::directory_iterator it(m_dir + "/files", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    auto found = m_images.find(uuid_of(name, ".file"));
    if (is_temp_name(name)) {
      remove_quietly(it->path(), "an unfinished upload");
    } else if (found == m_images.end() || !found->second->file) {
      remove_quietly(it->path(), "no image record uses it");
    }
  }
  if (ec) throw common::Error(common::ExitCode::io, "reading " + m_dir + "/files: " + ec.message());
}

RecordPtr DcStore::load_record(const std::string& uuid) {
  std::string path = manifest_path(uuid);
  common::Json j = common::parse_json(common::read_small_file(path, 8u << 20), "record " + path);
  ImageRecord r = record_from_json(j, "record " + path);
  if (r.uuid != uuid) throw corrupt("record " + path, "its uuid is " + r.uuid);
  if (r.file) {
    struct stat st {};
    std::string file = file_path(uuid);
    if (::stat(file.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != r.file->size) {
      throw corrupt("record " + path, "its file " + file + " is missing or not " +
                                          std::to_string(r.file->size) + " bytes");
    }
  }
  return std::make_shared<const ImageRecord>(std::move(r));
}

void DcStore::persist(const ImageRecord& record) const {
  common::write_file_atomic(manifest_path(record.uuid),
                            common::dump_json(record_to_json(record), 2) + "\n");
}

std::string DcStore::manifest_path(const std::string& uuid) const {
  return m_dir + "/manifests/" + uuid + ".json";
}

std::string DcStore::file_path(const std::string& uuid) const {
  return m_dir + "/files/" + uuid + ".file";
}

RecordPtr DcStore::locked_find(const std::string& uuid) const {
  auto it = m_images.find(uuid);
  if (it == m_images.end()) throw image_not_found(uuid);
  return it->second;
}

std::vector<RecordPtr> DcStore::all() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<RecordPtr> out;
  out.reserve(m_images.size());
  for (const auto& [uuid, record] : m_images) out.push_back(record);
  return out;
}

RecordPtr DcStore::find(const std::string& uuid) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_images.find(uuid);
  return it == m_images.end() ? nullptr : it->second;
}

std::unique_ptr<FileReader> DcStore::open_file(const ImageRecord& record) {
  return open_plain_file(file_path(record.uuid), record.file->size, record.uuid);
}

std::string DcStore::content_md5(const ImageRecord& record) { return record.file->content_md5; }

void DcStore::check_new(const std::string& uuid, const std::optional<std::string>& origin) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_images.count(uuid) != 0) throw image_uuid_exists(uuid);
  if (origin && m_images.count(*origin) == 0) throw origin_does_not_exist(*origin);
}

RecordPtr DcStore::insert(ImageRecord record) {
  std::optional<std::string> origin;
  if (js_truthy(record.field("origin"))) origin = js_string(record.field("origin"));
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!manifest::is_uuid(record.uuid)) throw image_not_found(record.uuid);
  if (m_images.count(record.uuid) != 0) throw image_uuid_exists(record.uuid);
  if (origin && m_images.count(*origin) == 0) throw origin_does_not_exist(*origin);
  persist(record);
  auto ptr = std::make_shared<const ImageRecord>(std::move(record));
  m_images[ptr->uuid] = ptr;
  return ptr;
}

std::unique_ptr<DcStore::Upload> DcStore::begin_upload(const std::string& uuid) {
  if (!manifest::is_uuid(uuid)) throw image_not_found(uuid);
  return std::unique_ptr<Upload>(new Upload(uuid, file_path(uuid)));
}

RecordPtr DcStore::finish_upload(Upload& upload, StoredFile file) {
  upload.flush();
  std::lock_guard<std::mutex> lock(m_mutex);
  RecordPtr old = locked_find(upload.m_uuid);
  if (old->activated) throw files_immutable(old->uuid);
  ImageRecord updated = *old;
  file.mtime = now_iso();
  updated.file = std::move(file);
  upload.m_file.commit();
  persist(updated);
  auto ptr = std::make_shared<const ImageRecord>(std::move(updated));
  m_images[ptr->uuid] = ptr;
  return ptr;
}

RecordPtr DcStore::activate(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(m_mutex);
  RecordPtr old = locked_find(uuid);
  if (old->activated) throw already_activated(uuid);
  if (!old->file) throw no_activation_no_file(uuid);
  ImageRecord updated = *old;
  if (!js_truthy(updated.field("published_at"))) updated.fields["published_at"] = now_iso();
  updated.activated = true;
  persist(updated);
  auto ptr = std::make_shared<const ImageRecord>(std::move(updated));
  m_images[uuid] = ptr;
  return ptr;
}

RecordPtr DcStore::set_disabled(const std::string& uuid, bool disabled) {
  return update(uuid, [disabled](ImageRecord& r) { r.disabled = disabled; });
}

RecordPtr DcStore::update(const std::string& uuid,
                          const std::function<void(ImageRecord&)>& change) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ImageRecord updated = *locked_find(uuid);
  change(updated);
  persist(updated);
  auto ptr = std::make_shared<const ImageRecord>(std::move(updated));
  m_images[uuid] = ptr;
  return ptr;
}

void DcStore::remove(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(m_mutex);
  RecordPtr old = locked_find(uuid);
  std::vector<std::string> dependents;
  for (const auto& [other, record] : m_images) {
    if (record->string_field("origin") == uuid) dependents.push_back(other);
  }
  if (!dependents.empty()) throw has_dependents(uuid, dependents);
  std::error_code ec;
  if (!fs::remove(manifest_path(uuid), ec) || ec) {
    throw internal_error("could not delete image " + uuid + ": " +
                         (ec ? ec.message() : std::string("record missing")));
  }
  m_images.erase(uuid);
  if (old->file) fs::remove(file_path(uuid), ec);
}

}  // namespace imgapi::server
