#include <imgapi/server/catalog_store.hpp>

#include <imgapi/server/rest_error.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <vector>

namespace imgapi::server {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_manifest_bytes = 4u << 20;
constexpr std::size_t k_chunk = 256u << 10;

common::Error bad_data(const std::string& message) {
  return common::Error(common::ExitCode::bad_data, message);
}

std::string mtime_iso(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return iso_from_ms(0);
  return iso_from_ms(static_cast<std::int64_t>(st.st_mtime) * 1000);
}

}  // namespace

ImageRecord record_from_api_manifest(const common::Json& m, const std::string& what) {
  ImageRecord r;
  r.uuid = m.at("uuid").get<std::string>();
  auto state_it = m.find("state");
  std::string state = state_it != m.end() && state_it->is_string() ? state_it->get<std::string>() : "";
  if (state != "active" && state != "disabled" && state != "unactivated") {
    throw bad_data(what + ": state \"" + state +
                   "\" cannot be served (use active, disabled or unactivated)");
  }
  r.activated = state != "unactivated";
  auto disabled_it = m.find("disabled");
  r.disabled = disabled_it != m.end() && *disabled_it == true;
  if (r.state() != state) {
    throw bad_data(what + ": state \"" + state + "\" contradicts \"disabled\": " +
                   (r.disabled ? "true" : "false"));
  }
  for (auto it = m.begin(); it != m.end(); ++it) {
    const std::string& key = it.key();
    if (key != "state" && key != "files" && key != "channels" && key != "disabled") {
      r.fields[key] = *it;
    }
  }
  if (m.contains("files") && m["files"].is_array() && !m["files"].empty()) {
    const common::Json& f = m["files"][0];
    const common::Json& sha1 = f.at("sha1");
    const common::Json& size = f.at("size");
    if (!sha1.is_string() || sha1.get<std::string>().size() != 40 ||
        sha1.get<std::string>().find_first_not_of("0123456789abcdef") != std::string::npos) {
      throw bad_data(what + ": files[0].sha1 must be 40 lower-case hex digits");
    }
    if (!size.is_number_unsigned() || size.get<std::uint64_t>() == 0) {
      throw bad_data(what + ": files[0].size must be a positive integer");
    }
    StoredFile file;
    file.sha1 = f.at("sha1").get<std::string>();
    file.size = f.at("size").get<std::uint64_t>();
    file.compression = f.at("compression").get<std::string>();
    if (f.contains("dataset_guid") && f["dataset_guid"].is_string()) {
      file.dataset_guid = f["dataset_guid"].get<std::string>();
    }
    r.file = file;
  }
  if (m.contains("channels")) r.channels = m["channels"].get<std::vector<std::string>>();
  return r;
}

std::pair<std::string, std::string> hash_file(FileReader& reader) {
  common::Hasher md5(common::HashAlgorithm::md5);
  common::Hasher sha1(common::HashAlgorithm::sha1);
  std::vector<char> buf(k_chunk);
  while (std::size_t n = reader.read(buf.data(), buf.size())) {
    md5.update(buf.data(), n);
    sha1.update(buf.data(), n);
  }
  return {md5.finish_base64(), sha1.finish_hex()};
}

CatalogStore::CatalogStore(std::string dir) : m_dir(std::move(dir)) {
  std::error_code ec;
  if (!fs::is_directory(m_dir, ec)) {
    throw common::Error(common::ExitCode::config,
                        "catalog directory " + m_dir + " does not exist or is not a directory");
  }
  load_channels();
  std::set<std::string> manifests, files;
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::size_t dot = name.rfind('.');
    if (dot == std::string::npos) continue;
    std::string stem = name.substr(0, dot), ext = name.substr(dot);
    if (ext == ".imgmanifest") {
      if (!manifest::is_uuid(stem)) {
        throw bad_data("catalog file " + m_dir + "/" + name +
                       ": the name must be <uuid>.imgmanifest with a lower-case uuid");
      }
      manifests.insert(stem);
    } else if (ext == ".imgfile") {
      files.insert(stem);
    }
  }
  if (ec) {
    throw common::Error(common::ExitCode::io, "reading catalog directory " + m_dir + ": " +
                                                  ec.message());
  }
  for (const std::string& uuid : manifests) m_images[uuid] = load_manifest(uuid);
  for (const std::string& uuid : files) {
    auto it = m_images.find(uuid);
    if (it == m_images.end() || !it->second->file) {
      common::log::warn("catalog file " + file_path(uuid) + " has no manifest using it; ignored");
    }
  }
  for (const auto& [uuid, record] : m_images) {
    std::string origin = record->string_field("origin");
    if (!origin.empty() && m_images.count(origin) == 0) {
      common::log::warn("image " + uuid + " has origin " + origin +
                        ", which is not in the catalog: clients cannot import it");
    }
  }
}

void CatalogStore::load_channels() {
  std::string path = m_dir + "/channels.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    m_channels = Channels::standard();
    return;
  }
  m_channels = Channels::parse(common::read_small_file(path, 1u << 20), "catalog file " + path);
}

RecordPtr CatalogStore::load_manifest(const std::string& uuid) {
  std::string path = m_dir + "/" + uuid + ".imgmanifest";
  std::string what = "catalog manifest " + path;
  common::Json m = common::parse_json(common::read_small_file(path, k_max_manifest_bytes), what);
  if (!m.is_object()) throw bad_data(what + ": not a JSON object");
  if (!m.contains("uuid") || m["uuid"] != uuid) {
    throw bad_data(what + ": its \"uuid\" must be " + uuid + ", the uuid in the file name");
  }
  std::vector<manifest::FieldError> errors = manifest::validate(
      manifest::validation_form(m), {manifest::Profile::private_, /*channels_enabled=*/true});
  if (!errors.empty()) throw bad_data(what + ": " + manifest::describe(errors));
  ImageRecord r = record_from_api_manifest(m, what);
  for (const std::string& ch : r.channels) {
    if (!m_channels.contains(ch)) {
      throw bad_data(what + ": unknown channel \"" + ch + "\" (this catalog's channels: " +
                     m_channels.summary() + ")");
    }
  }
  if (r.file) {
    std::string file = file_path(uuid);
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      throw bad_data(what + ": its image file " + file + " is missing");
    }
    if (static_cast<std::uint64_t>(st.st_size) != r.file->size) {
      throw bad_data("catalog file " + file + " has " + std::to_string(st.st_size) +
                     " bytes, but its manifest says files[0].size = " +
                     std::to_string(r.file->size));
    }
    r.file->mtime = mtime_iso(file);
  }
  return std::make_shared<const ImageRecord>(std::move(r));
}

std::string CatalogStore::file_path(const std::string& uuid) const {
  return m_dir + "/" + uuid + ".imgfile";
}

std::vector<RecordPtr> CatalogStore::all() const {
  std::vector<RecordPtr> out;
  out.reserve(m_images.size());
  for (const auto& [uuid, record] : m_images) out.push_back(record);
  return out;
}

RecordPtr CatalogStore::find(const std::string& uuid) const {
  auto it = m_images.find(uuid);
  return it == m_images.end() ? nullptr : it->second;
}

std::unique_ptr<FileReader> CatalogStore::open_file(const ImageRecord& record) {
  return open_plain_file(file_path(record.uuid), record.file->size, record.uuid);
}

std::string CatalogStore::content_md5(const ImageRecord& record) {
  return m_md5.get(record, [&] { return open_file(record); }, "catalog file " + file_path(record.uuid));
}

}  // namespace imgapi::server
