#include <builder/log_file.hpp>

#include <common/log.hpp>

#include <cstdlib>

namespace builder {

std::string default_log_file() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return std::string(state) + "/sdcadm-bundle/sdcadm-bundle.log";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.local/state/sdcadm-bundle/sdcadm-bundle.log";
  return "";
}

void open_log(const std::string& file, bool verbose) {
  common::log::Config config;
  if (verbose) config.stderr_level = common::log::Level::debug;
  config.name = "sdcadm-bundle";
  config.file = file.empty() ? default_log_file() : file;
  config.make_dirs = true;
  common::log::configure(config);
}

}  // namespace builder
