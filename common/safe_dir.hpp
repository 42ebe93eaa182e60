#pragma once
// Directories the installer writes under, opened without following symbolic links
// (issue 12 item 10). A planted link such as /usbkey/images -> /elsewhere would otherwise
// send every staged image into the link's target. The walk starts at a trusted root (the
// configured root: "/" on a headnode, --root DIR in tests and labs) and opens each
// component below it with openat(O_NOFOLLOW | O_DIRECTORY), so no component below the
// root can be a link, and files are then created and renamed relative to the directory's
// descriptor (openat / renameat): swapping a path component for a link after the check
// changes nothing.
//
// The root itself is taken as the operator gave it (it may be reached through links:
// --root /tmp/x where /tmp is a link is the operator's choice); everything under it must be
// a real directory. On a real headnode /usbkey is a mount point (the zones/usbkey dataset),
// a directory, never a link: a /usbkey that is a link is refused like any other.
// POSIX only (openat, mkdirat, renameat): works on illumos and Linux.

#include <string>

namespace common {

class SafeDir {
 public:
  enum class Create { no, yes };

  // Opens `dir`, which must be `root` or lie below it ("root/a/b"), component by component
  // from `root`. With Create::yes a missing component is made (mode 0755); with Create::no
  // a missing one is Error(not_found). A component that is a symbolic link, or not a
  // directory => Error(unsafe_path) naming it and what to do. Other failures: Error(io).
  static SafeDir open(const std::string& root, const std::string& dir, Create create = Create::yes);

  SafeDir(SafeDir&& other) noexcept;
  SafeDir& operator=(SafeDir&& other) noexcept;
  SafeDir(const SafeDir&) = delete;
  SafeDir& operator=(const SafeDir&) = delete;
  ~SafeDir();

  int fd() const { return m_fd; }
  const std::string& path() const { return m_path; }

  // fsync of the directory (best effort where the file system refuses it): renames in it
  // are durable after this.
  void sync() const;

 private:
  SafeDir(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  std::string m_path;
};

// Checks the directories from `root` down to `dir` as SafeDir::open does, without creating
// anything: components that exist must be real directories (not links); a missing one ends
// the check (nothing below it can be a link yet). Error(unsafe_path) otherwise. For writers
// that go on by path name (journal, history, trust state): a link planted before the run is
// refused before anything is written.
void require_no_links(const std::string& root, const std::string& dir);

}  // namespace common
