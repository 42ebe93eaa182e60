#include <installer/freeze_window.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/json.hpp>

#include <filesystem>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

constexpr const char* k_format = "sdcadm-accepted";

std::string field(const common::Json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || !j[key].is_string()) throw Error(ExitCode::bad_data, what + ": \"" + key + "\" is not a string");
  return j[key].get<std::string>();
}

}  // namespace

std::string accepted_path(const Paths& paths) {
  return std::filesystem::path(paths.trust_root).parent_path().string() + "/accepted.json";
}

std::optional<AcceptedBuild> load_accepted(const Paths& paths) {
  const std::string path = accepted_path(paths);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  const common::Json j = common::parse_json(common::read_small_file(path, 1u << 16), path, 4, 1u << 16);
  if (!j.is_object() || field(j, "format", path) != k_format) {
    throw Error(ExitCode::bad_data, path + ": not an " + std::string(k_format) + " file; move it away");
  }
  AcceptedBuild a{field(j, "created", path), field(j, "bundle_id", path), field(j, "channel", path)};
  if (!manifest::is_rfc3339_seconds(a.created)) {
    throw Error(ExitCode::bad_data, path + ": created \"" + a.created + "\" is not YYYY-MM-DDTHH:MM:SSZ; move it away");
  }
  return a;
}

std::string check_freeze_window(const manifest::BundleIndex& index, const std::optional<AcceptedBuild>& accepted,
                                bool allow_rollback) {
  // Both are YYYY-MM-DDTHH:MM:SSZ (the index parser checks `created`): text order is time order.
  if (!accepted || index.created >= accepted->created) return {};
  const std::string what = "bundle " + index.bundle_id + " (channel " + index.channel + ") was built " + index.created +
                           ", before bundle " + accepted->bundle_id + " (channel " + accepted->channel +
                           ", built " + accepted->created +
                           ") that this DC accepted (freeze window: nothing older than the newest accepted, "
                           "on any channel)";
  if (!allow_rollback) {
    throw Error(ExitCode::trust_rollback,
                what + "; install a newer bundle, or override with --allow-rollback (recorded) if you mean to go back");
  }
  return what;
}

void record_accepted(const Paths& paths, const manifest::BundleIndex& index) {
  const std::optional<AcceptedBuild> now = load_accepted(paths);
  if (now && now->created >= index.created) return;
  const common::Json j = {{"format", k_format}, {"format_version", 1}, {"created", index.created},
                          {"bundle_id", index.bundle_id}, {"channel", index.channel}};
  common::write_file_atomic(accepted_path(paths), common::dump_json(j, 2) + "\n", 0644);
}

}  // namespace installer
