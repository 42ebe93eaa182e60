#include <common/safe_dir.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace common {
namespace {

// "a/b/c" relative to `root`; Error(internal) when `dir` is not root or below it (a bug in
// the caller: every installer path is built from the root).
std::vector<std::string> components_below(const std::string& root, const std::string& dir) {
  std::string base = root;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string rest;
  if (dir == base) return {};
  if (base == "/" && !dir.empty() && dir[0] == '/') rest = dir.substr(1);
  else if (dir.size() > base.size() && dir.compare(0, base.size(), base) == 0 && dir[base.size()] == '/')
    rest = dir.substr(base.size() + 1);
  else throw Error(ExitCode::internal, "directory " + dir + " is not under the root " + root);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t end = std::min(rest.find('/', start), rest.size());
    const std::string part = rest.substr(start, end - start);
    if (part == "..") throw Error(ExitCode::internal, "directory " + dir + " leaves the root " + root);
    if (!part.empty() && part != ".") out.push_back(part);
    start = end + 1;
  }
  return out;
}

Error unsafe(const std::string& path, const std::string& what) {
  return Error(ExitCode::unsafe_path,
               path + " is " + what + "; the installer writes only into real directories under " +
                   "the headnode's root, so that nothing lands where a link points. Make it a real " +
                   "directory (remove the link, create the directory, and copy over what the " +
                   "link's target holds if it is needed), then run the command again");
}

// Why lstat after a failed open: O_NOFOLLOW gives ELOOP on Linux and illumos for a link,
// but ENOTDIR for a non-directory; lstat tells the operator which one it is.
Error open_error(const std::string& path, int err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return unsafe(path, "a symbolic link");
    if (!S_ISDIR(st.st_mode)) return unsafe(path, "not a directory");
  }
  if (err == ELOOP) return unsafe(path, "a symbolic link");
  if (err == ENOTDIR) return unsafe(path, "not a directory");
  return Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
               "cannot open directory " + path + ": " + std::strerror(err));
}

constexpr int k_dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

}  // namespace

SafeDir SafeDir::open(const std::string& root, const std::string& dir, Create create) {
  const std::vector<std::string> parts = components_below(root, dir);
  // The root as given: it may be reached through links (see the header).
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw open_error(root, errno);
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (const std::string& part : parts) {
    path = path == "/" ? "/" + part : path + "/" + part;
    int next = ::openat(fd, part.c_str(), k_dir_flags);
    if (next < 0 && errno == ENOENT && create == Create::yes) {
      if (::mkdirat(fd, part.c_str(), 0755) != 0 && errno != EEXIST) {
        const int err = errno;
        ::close(fd);
        throw Error(ExitCode::io, "cannot create " + path + ": " + std::strerror(err));
      }
      next = ::openat(fd, part.c_str(), k_dir_flags);
    }
    if (next < 0) {
      const int err = errno;
      ::close(fd);
      throw open_error(path, err);
    }
    ::close(fd);
    fd = next;
  }
  return SafeDir(fd, path);
}

SafeDir::SafeDir(SafeDir&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)) {}

SafeDir& SafeDir::operator=(SafeDir&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_path = std::move(other.m_path);
  }
  return *this;
}

SafeDir::~SafeDir() {
  if (m_fd >= 0) ::close(m_fd);
}

void SafeDir::sync() const {
  // Best effort: some file systems refuse fsync on a directory; the data is synced already.
  if (m_fd >= 0) ::fsync(m_fd);
}

void require_no_links(const std::string& root, const std::string& dir) {
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (const std::string& part : components_below(root, dir)) {
    path = path == "/" ? "/" + part : path + "/" + part;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return;
      throw Error(ExitCode::io, "cannot examine " + path + ": " + std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) throw unsafe(path, "a symbolic link");
    if (!S_ISDIR(st.st_mode)) throw unsafe(path, "not a directory");
  }
}

}  // namespace common
