#include <installer/verify_bundle.hpp>

#include <installer/delta_bases.hpp>
#include <bundles/seekable_reader.hpp>
#include <bundles/stream_reader.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <imgapi/client.hpp>

#include <map>
#include <set>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

class Discard : public bundles::MemberHandler {
 public:
  bundles::ByteSink begin(const manifest::BundleMember&) override { return {}; }
  void commit(const manifest::BundleMember&) override {}
  void abort(const manifest::BundleMember&) noexcept override {}
};

bool in_place(const StageTarget& t) {
  struct stat st {};
  return ::lstat(t.path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == t.size;
}

bool in_place_file(const StagedImage& image) {
  struct stat st {};
  return ::lstat(image.file_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == image.file_size;
}

// uuid -> files[0].sha1 of the images IMGAPI has active (or disabled); throws on failure.
std::map<std::string, std::string> imgapi_images(const std::string& url,
                                                 const imgapi::ClientOptions& client_options) {
  imgapi::Client client(url, client_options);
  imgapi::ListFilter filter;
  filter.state = "all";
  std::map<std::string, std::string> out;
  for (const auto& image : client.list_images(filter)) {
    const std::string state = image.state();
    const auto file = image.file();
    if ((state == "active" || state == "disabled") && file) out[image.uuid()] = file->sha1;
  }
  return out;
}

void read_stdin(VerifyResult& result, const VerifyOptions& options) {
  bundles::StreamReader reader(bundles::open_stdin_source());
  result.index = reader.index();
  result.index_bytes = reader.index_bytes();
  if (options.check_index) options.check_index(result.index_bytes, result.index, reader.signature_slot());
  if (options.payload == PayloadCheck::full) {
    if (options.progress) reader.on_progress([&](std::uint64_t done) { options.progress(done, 0); });
    Discard discard;
    reader.read_members(discard);
    result.payload_checked = true;
  }
}

void read_file(const std::string& bundle, VerifyResult& result, const VerifyOptions& options) {
  const bool full = options.payload == PayloadCheck::full;
  const auto reader = bundles::SeekableReader::open(
      bundle, full ? bundles::PartCheck::hashes : bundles::PartCheck::sizes_only);
  result.index = reader.index();
  result.index_bytes = reader.index_bytes();
  if (full) {
    reader.verify(options.threads, options.progress ? bundles::VerifyProgress(options.progress)
                                                    : bundles::VerifyProgress());
    result.payload_checked = true;
  }
}

}  // namespace

SpacePlan check_space(const StagePlan& plan, const Paths& paths,
                      const std::optional<std::string>& imgapi_url,
                      const imgapi::ClientOptions& client) {
  SpacePlan space;
  std::map<std::string, std::uint64_t> by_dir;
  for (const auto& t : plan.targets) {
    if (in_place(t)) continue;
    ++space.stage_files;
    space.stage_bytes += t.size;
    by_dir[t.path.substr(0, t.path.find_last_of('/'))] += t.size;
  }
  std::map<std::string, std::string> present;
  if (imgapi_url) {
    try {
      present = imgapi_images(*imgapi_url, client);
      space.imgapi_consulted = true;
    } catch (const Error& e) {
      common::log::warn("cannot list the images of the DC IMGAPI (" + std::string(e.what()) +
                        "); counting every image of the bundle as new");
    }
  }
  for (const auto& image : plan.images) {  // a delta's patch waits beside its rebuilt file
    if (!image.delta || in_place_file(image)) continue;
    by_dir[image.file_path.substr(0, image.file_path.find_last_of('/'))] += image.patch_size;
    space.stage_bytes += image.patch_size;
  }
  std::set<std::string> counted;
  for (const auto& image : plan.images) {
    if (image.role == "platform" || !counted.insert(image.uuid).second) continue;
    if (present.count(image.uuid)) continue;  // a sha1 conflict is import's to report
    ++space.import_images;
    space.import_bytes += image.file_size;
  }
  std::vector<SpaceNeed> needs;
  for (const auto& [dir, bytes] : by_dir) needs.push_back({dir, bytes, "staging into " + dir});
  needs.push_back({paths.usbkey, space.import_bytes,
                   "IMGAPI import of " + std::to_string(space.import_images) + " image(s)"});
  space.file_systems = require_space(needs);
  return space;
}

VerifyResult verify_bundle(const std::string& bundle, const Paths& paths, const VerifyOptions& options) {
  VerifyResult result;
  if (bundle == "-") read_stdin(result, options);
  else read_file(bundle, result, options);
  result.bundle_id = result.index.bundle_id;
  result.members = result.index.members.size();
  result.payload_bytes = result.index.payload_size();
  result.stage = plan_stage(result.index, paths);
  // Delta bases (delta_bases.hpp): checked when the DC IMGAPI is known; a bundle verified
  // away from its DC (a laptop before the trip) is not refused for a base it cannot look for.
  if (options.imgapi_url) {
    try {
      result.deltas = check_delta_bases(result.stage, paths, {options.imgapi_url, options.client});
    } catch (const Error& e) {
      if (e.code() == common::ExitCode::delta_base_missing) throw;
      common::log::warn("cannot look for the bases of the bundle's deltas in the DC IMGAPI (" + std::string(e.what()) +
                        "); stage will");
    }
  }
  result.space = check_space(result.stage, paths, options.imgapi_url, options.client);
  return result;
}

}  // namespace installer
