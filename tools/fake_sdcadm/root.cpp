#include <tools/fake_sdcadm/root.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <cstdlib>
#include <sys/stat.h>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;

Root::Root(std::string dir) : m_dir(std::move(dir)) {
  while (m_dir.size() > 1 && m_dir.back() == '/') m_dir.pop_back();
}

Root Root::from_env() {
  const char* env = std::getenv("FAKE_SDCADM_ROOT");
  if (env == nullptr || *env == '\0') {
    throw Error(ExitCode::usage,
                "FAKE_SDCADM_ROOT is not set: set it to the simulated headnode's root "
                "directory (see make_headnode in tests/lib/headnode.bash)");
  }
  struct stat st {};
  if (::stat(env, &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(ExitCode::config,
                std::string("FAKE_SDCADM_ROOT=") + env + " is not a directory");
  }
  return Root(env);
}

std::string Root::path(std::string_view absolute) const {
  if (absolute.empty() || absolute.front() != '/') return m_dir + "/" + std::string(absolute);
  return m_dir == "/" ? std::string(absolute) : m_dir + std::string(absolute);
}

std::string Root::file_arg(const std::string& arg) const {
  return !arg.empty() && arg.front() == '/' ? path(arg) : arg;
}

namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::map<std::string, std::string> parse_usbkey_config(std::string_view text,
                                                       const std::string& what) {
  std::map<std::string, std::string> config;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ExitCode::bad_data, what + ": line " + std::to_string(line_no) +
                                          " is not key=value: " + line);
    }
    config[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return config;
}

std::string dc_imgapi_url(const Root& root) {
  const std::string path = root.path("/usbkey/config");
  std::string text;
  try {
    text = common::read_small_file(path, 1 << 20);
  } catch (const Error& e) {
    throw Error(ExitCode::config, e.what()).with_context("reading the headnode config");
  }
  const auto config = parse_usbkey_config(text, path);
  const auto it = config.find("imgapi_domain");
  if (it == config.end() || it->second.empty()) {
    throw Error(ExitCode::config, path + " has no imgapi_domain: cannot reach the DC IMGAPI");
  }
  return "http://" + it->second;
}

}  // namespace fake_sdcadm
