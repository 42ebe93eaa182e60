#include <builder/bundle_store.hpp>

#include <bundles/member_pipe.hpp>
#include <common/error.hpp>
#include <common/json.hpp>
#include <common/log.hpp>
#include <imgapi/server/catalog_store.hpp>
#include <imgapi/server/rest_error.hpp>
#include <manifest/validate.hpp>

#include <algorithm>
#include <set>

namespace builder {
namespace {

using imgapi::server::RecordPtr;

constexpr std::size_t k_max_manifest_bytes = 4u << 20;

common::Error bad_data(const std::string& message) {
  return common::Error(common::ExitCode::bad_data, message);
}

// A FileReader over a bundle member; reader errors become a 500 (the server then cuts
// the download) and are logged with their real cause.
class MemberFileReader : public imgapi::server::FileReader {
 public:
  MemberFileReader(const bundles::SeekableReader& reader, const std::string& member,
                   std::string uuid)
      : m_pipe(reader, member), m_uuid(std::move(uuid)) {}

  std::size_t read(char* buf, std::size_t max) override {
    try {
      return m_pipe.read(buf, max);
    } catch (const common::Error& err) {
      common::log::error("serving image " + m_uuid + " from the bundle: " + err.what());
      throw imgapi::server::internal_error("the file of image " + m_uuid +
                                           " is damaged in this bundle: " + err.what());
    }
  }

 private:
  bundles::MemberPipe m_pipe;
  std::string m_uuid;
};

// Triton's order for the standard channels, then any others by name.
std::vector<std::string> ordered_channels(const std::set<std::string>& names,
                                          const imgapi::server::Channels& standard) {
  std::vector<std::string> out;
  for (const std::string& name : standard.names()) {
    if (names.count(name)) out.push_back(name);
  }
  for (const std::string& name : names) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace

BundleStore::BundleStore(const std::string& path) : m_reader(bundles::SeekableReader::open(path)) {
  for (const manifest::BundleArtifact& artifact : m_reader.index().artifacts) {
    if (artifact.manifest_member.empty() || m_images.count(artifact.uuid)) continue;
    try {
      load_artifact(artifact);
    } catch (const common::Error& err) {
      throw err.with_context(m_reader.name());
    }
  }
  make_channels();
}

void BundleStore::load_artifact(const manifest::BundleArtifact& artifact) {
  const std::string what = "manifest " + artifact.manifest_member;
  common::Json m = common::parse_json(
      m_reader.read_member(artifact.manifest_member, k_max_manifest_bytes), what);
  if (!m.is_object()) throw bad_data(what + ": not a JSON object");
  if (!m.contains("uuid") || m["uuid"] != artifact.uuid) {
    throw bad_data(what + ": its \"uuid\" must be " + artifact.uuid + ", as the index says");
  }
  // Keep the upstream channels and add the bundle's: the builder found the image there.
  common::Json& channels = m["channels"];
  if (!channels.is_array()) channels = common::Json::array();
  const std::string& channel = m_reader.index().channel;
  if (std::find(channels.begin(), channels.end(), channel) == channels.end()) {
    channels.push_back(channel);
  }
  std::vector<manifest::FieldError> errors = manifest::validate(
      manifest::validation_form(m), {manifest::Profile::private_, /*channels_enabled=*/true});
  if (!errors.empty()) throw bad_data(what + ": " + manifest::describe(errors));
  imgapi::server::ImageRecord record = imgapi::server::record_from_api_manifest(m, what);
  if (record.file && artifact.delta) {
    throw bad_data(what + ": a delta artifact (its file is rebuilt on the headnode from the image the DC "
                          "runs); serve needs a bundle with whole files: build it with --no-delta");
  }
  if (record.file) {
    const manifest::BundleMember* member = m_reader.index().find_member(artifact.file_member);
    if (member == nullptr) {
      throw bad_data(what + ": the image has a file, but the bundle carries none for it");
    }
    if (member->size != record.file->size) {
      throw bad_data(what + ": files[0].size is " + std::to_string(record.file->size) +
                     ", but the bundle's " + artifact.file_member + " has " +
                     std::to_string(member->size) + " bytes");
    }
    record.file->mtime = m_reader.index().created;
    m_file_member[artifact.uuid] = artifact.file_member;
  }
  m_images[artifact.uuid] = std::make_shared<const imgapi::server::ImageRecord>(std::move(record));
}

void BundleStore::make_channels() {
  const imgapi::server::Channels standard = imgapi::server::Channels::standard();
  std::set<std::string> names{m_reader.index().channel};
  for (const auto& [uuid, record] : m_images) names.insert(record->channels.begin(), record->channels.end());
  common::Json list = common::Json::array();
  for (const std::string& name : ordered_channels(names, standard)) {
    common::Json entry = {{"name", name}, {"description", "channel " + name}};
    for (const common::Json& known : standard.json()) {
      if (known["name"] == name) entry["description"] = known["description"];
    }
    if (name == m_reader.index().channel) entry["default"] = true;
    list.push_back(entry);
  }
  m_channels = std::make_shared<const imgapi::server::Channels>(
      imgapi::server::Channels::parse(common::dump_json(list), m_reader.name() + " channels"));
}

std::string BundleStore::description() const {
  return m_reader.name() + " (" + m_reader.index().bundle_id + ")";  // name() says "bundle X"
}

std::vector<RecordPtr> BundleStore::all() const {
  std::vector<RecordPtr> out;
  out.reserve(m_images.size());
  for (const auto& [uuid, record] : m_images) out.push_back(record);
  return out;
}

RecordPtr BundleStore::find(const std::string& uuid) const {
  auto it = m_images.find(uuid);
  return it == m_images.end() ? nullptr : it->second;
}

std::unique_ptr<imgapi::server::FileReader> BundleStore::open_file(
    const imgapi::server::ImageRecord& record) {
  auto it = m_file_member.find(record.uuid);
  if (it == m_file_member.end()) {
    throw imgapi::server::internal_error("image " + record.uuid + " has no file in this bundle");
  }
  return std::make_unique<MemberFileReader>(m_reader, it->second, record.uuid);
}

std::string BundleStore::content_md5(const imgapi::server::ImageRecord& record) {
  return m_md5.get(record, [&] { return open_file(record); }, m_reader.name());
}

}  // namespace builder
