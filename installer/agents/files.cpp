#include <installer/agents/files.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace installer::agents {

using common::Error;
using common::ExitCode;

void make_dirs(const std::string& dir) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    const std::string at = dir.substr(0, i);
    if (::mkdir(at.c_str(), 0755) != 0 && errno != EEXIST) {
      throw Error(ExitCode::io, "cannot create " + at + ": " + std::strerror(errno));
    }
  }
}

bool write_if_changed(const std::string& path, const std::string& content, unsigned mode) {
  bool same = false;
  try {
    same = common::read_small_file(path, content.size() + 1) == content;
  } catch (const Error& e) {
    // Missing or larger: write it.
    if (e.code() != ExitCode::not_found && e.code() != ExitCode::bad_data) throw;
  }
  if (!same) common::write_file_atomic(path, content, mode);
  if (::chmod(path.c_str(), mode) != 0) {
    throw Error(ExitCode::io, "cannot chmod " + path + ": " + std::strerror(errno));
  }
  return !same;
}

}  // namespace installer::agents
