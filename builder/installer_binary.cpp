#include <builder/installer_binary.hpp>

#include <bundles/writer.hpp>
#include <common/error.hpp>
#include <common/version_probe.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {
namespace {

using common::Error;
using common::ExitCode;

Error bad(const std::string& path, const std::string& what) {
  return Error(ExitCode::bad_data, "--installer " + path + ": " + what +
                                       "; give an sdcadm-install binary built for the headnode");
}

}  // namespace

std::string installer_version_from(std::string_view output, const std::string& path) {
  const std::string word = common::version_word(output);
  if (word.empty()) throw bad(path, "`--version` printed nothing");
  if (!manifest::parse_semver(word)) {
    const std::string_view line = output.substr(0, std::min<std::size_t>(output.find('\n'), 200));
    throw bad(path, "`--version` printed \"" + std::string(line) + "\", not a semantic version");
  }
  return word;
}

CarriedInstaller describe_installer(const std::string& path, std::uint64_t chunk_size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(ExitCode::not_found, "--installer " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) {
    throw Error(ExitCode::usage, "--installer " + path + ": not an executable file");
  }
  CarriedInstaller inst;
  inst.path = path;
  std::string output;
  try {
    output = common::version_output(path);
  } catch (const Error& e) {
    throw bad(path, e.what());
  }
  inst.version = installer_version_from(output, path);
  inst.size = static_cast<std::uint64_t>(st.st_size);
  inst.sha256 = bundles::chunk_hashes(path, chunk_size);
  return inst;
}

}  // namespace builder
