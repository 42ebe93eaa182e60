#pragma once
// Crash-safe file creation: bytes go to a temp file in the same directory; commit()
// flushes, renames it over <path> and (by default) fsyncs the file and the directory. If
// commit() never ran, the destructor removes the temp file, so a failure never leaves a
// half-written file under the final name.
//
// The one temp-file class of the project. Its options cover what its users need:
//   - how much survives a power cut (Sync): all by default; the installer renames many
//     staged files and syncs each directory once afterwards; the builder's download cache
//     syncs nothing, because the packer re-checks every chunk of a cached file, so a damaged
//     entry can fail a build but never enter a bundle (builder/cache.hpp);
//   - where the file is made: by path, or relative to a directory opened without following
//     links (the installer's staging, common/safe_dir.hpp), so a link planted in the path
//     cannot redirect the write;
//   - the temp file's name: unique in the process by default ("<path>.tmp.<pid>.<n>"), or a
//     fixed one a later run can recognise and remove (the installer's leftovers).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace common {

class SafeDir;

class AtomicFile {
 public:
  enum class Sync {
    full,       // the file, and the directory after the rename (the default)
    file_only,  // the file; the caller syncs the directory after renaming several
    none,       // nothing (a cache whose entries are checked again when read)
  };
  struct Options {
    unsigned mode = 0644;  // filtered by the process umask, as for any new file
    Sync sync = Sync::full;
    // Create and rename relative to this directory, never through a link; `path` (and
    // temp_path) must lie in it: their last names are the names in it. Null: by path.
    std::shared_ptr<const SafeDir> dir;
    // "" = "<path>.tmp.<pid>.<n>"; else this path in the same directory, replacing a
    // stale file of that name.
    std::string temp_path;
    // What the "no space left on device" message tells the user to do.
    std::string no_space_advice = "free space and re-run";
  };

  // Opens the temp file; throws common::Error(io / no_space).
  explicit AtomicFile(std::string path, unsigned mode = 0644);
  AtomicFile(std::string path, Options options);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, std::size_t size);  // throws Error(no_space) on ENOSPC
  void write(std::string_view data) { write(data.data(), data.size()); }
  // Flushes (Sync::full, file_only: fsyncs) and closes the temp file without renaming it,
  // so it can be read or run (a file open for writing cannot be executed: ETXTBSY) before
  // commit() renames it. No write() after it; the destructor still removes the temp file
  // unless committed.
  void seal();
  // seal() (if not done yet), then the rename over path() and (Sync::full) the directory
  // fsync.
  void commit();

  const std::string& path() const { return m_path; }
  const std::string& temp_path() const { return m_temp_path; }

 private:
  std::string m_path;
  std::string m_temp_path;
  Options m_options;
  int m_fd = -1;
  bool m_committed = false;
  bool m_sealed = false;
};

// Writes the whole content atomically.
void write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Makes a rename in `dir` durable. File systems that refuse fsync on a directory are not an
// error (the data is synced already); other failures are Error(io).
void fsync_dir(const std::string& dir);

// Reads a whole (small) file; refuses files larger than max_size with Error(bad_data).
// A missing file is Error(not_found), other failures Error(io).
std::string read_small_file(const std::string& path, std::size_t max_size = 64 << 20);

}  // namespace common
