#include <builder/cache.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/log.hpp>
#include <common/path.hpp>
#include <manifest/bundle_index.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace builder {

namespace fs = std::filesystem;
using common::Error;
using common::ExitCode;

namespace {

constexpr std::size_t k_read_block = 1u << 20;
// A sidecar lists one 65-byte line per chunk: 64 GiB (the largest member) at 1 MiB
// chunks is 65536 lines, about 4.3 MiB.
constexpr std::size_t k_max_sidecar = 8u << 20;

void make_dirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error(ExitCode::io, "creating cache directory " + dir + ": " + ec.message() +
                                  "; choose another one with --cache-dir");
  }
}

// The size of a regular file, or nullopt when there is none.
std::optional<std::uint64_t> regular_file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

struct FileDigests {
  std::uint64_t size = 0;
  std::string sha1;
  std::vector<std::string> sha256;
};

// One read of the file: its size, SHA-1 and chunk SHA-256s.
FileDigests hash_file(const std::string& path, std::uint64_t chunk_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ExitCode::io, "reading cached file " + path + ": " + std::strerror(errno));
  std::unique_ptr<char[]> buf(new char[k_read_block]);
  common::Hasher sha1(common::HashAlgorithm::sha1);
  ChunkHasher chunks(chunk_size);
  FileDigests out;
  for (;;) {
    const ssize_t n = ::read(fd, buf.get(), k_read_block);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(ExitCode::io, "reading cached file " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    sha1.update(buf.get(), static_cast<std::size_t>(n));
    chunks.update(buf.get(), static_cast<std::size_t>(n));
    out.size += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  out.sha1 = sha1.finish_hex();
  out.sha256 = chunks.finish();
  return out;
}

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The pid in a temp file name "<name>.tmp.<pid>.<n>" (common::AtomicFile), or 0.
long temp_owner(const std::string& name) {
  const auto at = name.rfind(".tmp.");
  if (at == std::string::npos) return 0;
  const std::string rest = name.substr(at + 5);
  const auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0) return 0;
  const std::string pid = rest.substr(0, dot);
  if (!std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  return pid.size() > 9 ? 0 : std::atol(pid.c_str());
}

// A cache file's temp file: not fsync'd (see CacheWriter in cache.hpp).
std::unique_ptr<common::AtomicFile> cache_temp_file(const std::string& path) {
  common::AtomicFile::Options options;
  options.sync = common::AtomicFile::Sync::none;
  options.no_space_advice = "free space or choose another --cache-dir";
  return std::make_unique<common::AtomicFile>(path, std::move(options));
}

void write_whole(const std::string& path, const std::string& text) {
  const auto file = cache_temp_file(path);
  file->write(text);
  file->commit();
}

}  // namespace

bool is_sha1_hex(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// --- ChunkHasher ---------------------------------------------------------------------

ChunkHasher::ChunkHasher(std::uint64_t chunk_size) : m_chunk_size(chunk_size) {
  if (chunk_size == 0) throw Error(ExitCode::internal, "ChunkHasher: chunk size 0");
}

void ChunkHasher::update(const char* data, std::size_t size) {
  while (size > 0) {
    if (!m_hasher) m_hasher.emplace(common::HashAlgorithm::sha256);
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(size, m_chunk_size - m_in_chunk));
    m_hasher->update(data, n);
    data += n;
    size -= n;
    m_in_chunk += n;
    if (m_in_chunk == m_chunk_size) {
      m_done.push_back(m_hasher->finish_hex());
      m_hasher.reset();
      m_in_chunk = 0;
    }
  }
}

std::vector<std::string> ChunkHasher::finish() {
  if (m_hasher) m_done.push_back(m_hasher->finish_hex());
  m_hasher.reset();
  m_in_chunk = 0;
  return std::move(m_done);
}

// --- Cache ---------------------------------------------------------------------------

Cache::Cache(std::string root) : m_root(std::move(root)) {
  while (m_root.size() > 1 && m_root.back() == '/') m_root.pop_back();
  if (m_root.empty()) throw Error(ExitCode::usage, "--cache-dir: empty path");
}

std::string Cache::default_root() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/sdcadm-bundle";
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return std::string(home) + "/.cache/sdcadm-bundle";
  throw Error(ExitCode::config,
              "no cache directory: neither XDG_CACHE_HOME nor HOME is set to an absolute "
              "path; give one with --cache-dir DIR");
}

std::string Cache::file_path(const std::string& sha1) const {
  if (!is_sha1_hex(sha1)) {
    throw Error(ExitCode::bad_data, "files[0].sha1 \"" + sha1 + "\" is not 40 lower-case hex digits");
  }
  return m_root + "/files/" + sha1.substr(0, 2) + "/" + sha1;
}

std::string Cache::sidecar_path(const std::string& sha1, std::uint64_t chunk_size) const {
  return file_path(sha1) + ".chunks-" + std::to_string(chunk_size);
}

// Sidecar text: a header line, then one lower-case hex SHA-256 per chunk, each line ending
// in '\n'. Plain text: nothing to go wrong in a parser, and a glance says what it is.
//   sdcadm-bundle-chunks 1 <sha1> <size> <chunk_size>
std::string sidecar_header(const manifest::ImageFile& file, std::uint64_t chunk_size) {
  return "sdcadm-bundle-chunks 1 " + file.sha1 + " " + std::to_string(file.size) + " " +
         std::to_string(chunk_size) + "\n";
}

std::optional<std::vector<std::string>> Cache::read_sidecar(const manifest::ImageFile& file,
                                                            std::uint64_t chunk_size) const {
  const std::string path = sidecar_path(file.sha1, chunk_size);
  if (!regular_file_size(path)) return std::nullopt;
  std::string text;
  try {
    text = common::read_small_file(path, k_max_sidecar);
  } catch (const Error&) {
    return std::nullopt;  // unreadable: rebuilt by hashing the file
  }
  const std::string header = sidecar_header(file, chunk_size);
  const std::size_t count = manifest::chunk_count(file.size, chunk_size);
  if (text.size() != header.size() + count * 65 || text.compare(0, header.size(), header) != 0) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string line = text.substr(header.size() + i * 65, 65);
    if (line.back() != '\n' || !is_sha256_hex(line.substr(0, 64))) return std::nullopt;
    out.push_back(line.substr(0, 64));
  }
  return out;
}

void Cache::write_sidecar(const manifest::ImageFile& file, std::uint64_t chunk_size,
                          const std::vector<std::string>& sha256) const {
  std::string text = sidecar_header(file, chunk_size);
  for (const auto& h : sha256) text += h + "\n";
  write_whole(sidecar_path(file.sha1, chunk_size), text);
}

CacheState Cache::probe(const manifest::ImageFile& file, std::uint64_t chunk_size) const {
  const auto size = regular_file_size(file_path(file.sha1));
  if (!size || *size != file.size) return CacheState::miss;
  return read_sidecar(file, chunk_size) ? CacheState::hit : CacheState::needs_hash;
}

std::optional<CachedFile> Cache::find(const manifest::ImageFile& file, std::uint64_t chunk_size,
                                      CacheCheck check) const {
  const std::string path = file_path(file.sha1);
  const auto size = regular_file_size(path);
  if (!size) return std::nullopt;
  if (*size != file.size) {
    common::log::warn("cached file " + path + " has " + std::to_string(*size) +
                      " bytes, not " + std::to_string(file.size) + "; downloading it again");
    remove(file.sha1);
    return std::nullopt;
  }
  if (check == CacheCheck::cheap) {
    if (auto hashes = read_sidecar(file, chunk_size)) return CachedFile{path, file.size, *hashes};
  }
  const FileDigests digests = hash_file(path, chunk_size);
  if (digests.size != file.size || digests.sha1 != file.sha1) {
    common::log::warn("cached file " + path + " is damaged (SHA-1 " + digests.sha1 +
                      "); downloading it again");
    remove(file.sha1);
    return std::nullopt;
  }
  write_sidecar(file, chunk_size, digests.sha256);
  return CachedFile{path, file.size, digests.sha256};
}

void Cache::remove(const std::string& sha1) const { remove_cached_file(file_path(sha1)); }

bool remove_cached_file(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string sha1 = slash == std::string::npos ? "" : path.substr(slash + 1);
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
  // <root>/files/<sha1[0:2]>/<sha1>: anything else is not ours to delete.
  if (!is_sha1_hex(sha1) || dir.size() < 9 ||
      dir.compare(dir.size() - 9, 9, "/files/" + sha1.substr(0, 2)) != 0) {
    return false;
  }
  ::unlink(path.c_str());
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // Sidecars of this file, but not the temp files of a build writing one right now.
    if (name.rfind(sha1 + ".chunks-", 0) == 0 && temp_owner(name) == 0) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
  return true;
}

namespace {

// Removes the temp files in `dir` whose process is gone; returns how many.
std::size_t remove_stale_in(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const long pid = temp_owner(it->path().filename().string());
    // kill(pid, 0): ESRCH means the process is gone; EPERM means it runs as someone else.
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    if (fs::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

}  // namespace

std::size_t Cache::remove_stale_temps() const {
  std::size_t removed = 0;
  // Downloads and patches (builder/delta_members) live two levels down; the unpacked delta
  // bases one level down in scratch/.
  for (const char* top : {"/files", "/patches"}) {
    std::error_code ec;
    for (fs::directory_iterator dir(m_root + top, ec), end; !ec && dir != end; dir.increment(ec)) {
      std::error_code ec2;
      if (dir->is_directory(ec2)) removed += remove_stale_in(dir->path());
    }
  }
  return removed + remove_stale_in(m_root + "/scratch");
}

// --- CacheWriter ---------------------------------------------------------------------

CacheWriter::CacheWriter(const Cache& cache, manifest::ImageFile file, std::uint64_t chunk_size)
    : m_cache(cache), m_file(std::move(file)), m_chunk_size(chunk_size),
      m_path(cache.file_path(m_file.sha1)) {
  make_dirs(common::dir_of(m_path));
  m_out = cache_temp_file(m_path);
  m_hasher.emplace(m_chunk_size);
}

CacheWriter::~CacheWriter() = default;

void CacheWriter::write(const char* data, std::size_t size) {
  m_out->write(data, size);
  m_hasher->update(data, size);
  m_bytes += size;
}

void CacheWriter::restart() {
  m_out.reset();  // removes the temp file
  m_out = cache_temp_file(m_path);
  m_hasher.emplace(m_chunk_size);
  m_bytes = 0;
}

CachedFile CacheWriter::commit() {
  if (m_bytes != m_file.size) {
    throw Error(ExitCode::internal, "cache: " + m_path + " got " + std::to_string(m_bytes) +
                                        " bytes, expected " + std::to_string(m_file.size));
  }
  std::vector<std::string> hashes = m_hasher->finish();
  // Sidecar first: a file under its final name always has its sidecar.
  m_cache.write_sidecar(m_file, m_chunk_size, hashes);
  m_out->commit();
  return CachedFile{m_path, m_file.size, std::move(hashes)};
}

}  // namespace builder
