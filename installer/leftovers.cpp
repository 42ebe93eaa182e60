#include <installer/leftovers.hpp>

#include <installer/process_identity.hpp>

#include <cstdlib>
#include <dirent.h>
#include <unistd.h>

namespace installer {
namespace {

// The pid of an AtomicFile temp name "<name>.tmp.<pid>.<n>", 0 when the name is not one.
long temp_pid(const std::string& name) {
  const auto dot_n = name.rfind('.');
  if (dot_n == std::string::npos || dot_n == 0) return 0;
  const auto dot_pid = name.rfind('.', dot_n - 1);
  if (dot_pid == std::string::npos || dot_pid < 4 || name.compare(dot_pid - 4, 4, ".tmp") != 0) return 0;
  const std::string pid = name.substr(dot_pid + 1, dot_n - dot_pid - 1);
  const std::string n = name.substr(dot_n + 1);
  if (pid.empty() || n.empty() || pid.find_first_not_of("0123456789") != std::string::npos ||
      n.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::strtol(pid.c_str(), nullptr, 10);
}

}  // namespace

std::size_t remove_stale_atomic_temps(const std::vector<std::string>& dirs) noexcept {
  std::size_t removed = 0;
  try {
    for (const std::string& dir : dirs) {
      DIR* d = ::opendir(dir.c_str());
      if (d == nullptr) continue;
      std::vector<std::string> stale;
      while (const dirent* e = ::readdir(d)) {
        const long pid = temp_pid(e->d_name);
        if (pid > 0 && pid != static_cast<long>(::getpid()) && !process_alive(pid, "")) stale.push_back(e->d_name);
      }
      ::closedir(d);
      for (const auto& name : stale) {
        if (::unlink((dir + "/" + name).c_str()) == 0) ++removed;
      }
    }
  } catch (...) {
    // Best effort: a leftover temp file is untidy, never a reason to stop the run.
  }
  return removed;
}

}  // namespace installer
