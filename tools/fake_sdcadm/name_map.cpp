#include <tools/fake_sdcadm/name_map.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <sys/stat.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

NameMap name_map_from_config(const common::Json& config, const std::string& what) {
  const auto it = config.find("imgNamesFromSvcName");
  if (it == config.end() || !it->is_object()) {
    throw Error(ExitCode::bad_data, what + ": \"imgNamesFromSvcName\" is missing or not an object");
  }
  NameMap map;
  for (const auto& [service, names] : it->items()) {
    if (!names.is_array() || names.empty()) {
      throw Error(ExitCode::bad_data, what + ": imgNamesFromSvcName." + service +
                                          " is not a non-empty array");
    }
    for (const auto& name : names) {
      if (!name.is_string()) {
        throw Error(ExitCode::bad_data, what + ": imgNamesFromSvcName." + service +
                                            " holds a non-string");
      }
      map[service].push_back(name.get<std::string>());
    }
  }
  return map;
}

NameMap load_name_map(const Root& root) {
  common::Json config = common::parse_json(sdcadm_defaults_json(), "sdcadm etc/defaults.json");
  const std::string conf_path = root.path("/var/sdcadm/sdcadm.conf");
  struct stat st {};
  if (::stat(conf_path.c_str(), &st) == 0) {
    const common::Json conf = common::parse_json(common::read_small_file(conf_path, 1 << 20),
                                                 conf_path);
    if (!conf.is_object()) throw Error(ExitCode::bad_data, conf_path + ": not a JSON object");
    // A shallow merge, like sdcadm's objCopy(JSON.parse(data), config).
    for (const auto& [key, value] : conf.items()) config[key] = value;
    return name_map_from_config(config, conf_path);
  }
  return name_map_from_config(config, "sdcadm etc/defaults.json");
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "\", \"") + n;
  return out;
}

}  // namespace fake_sdcadm
