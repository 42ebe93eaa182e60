#pragma once
// builder::Cache: the content-addressed download cache of `sdcadm-bundle build`.
//
//   <root>/files/<sha1[0:2]>/<sha1>                        an image file, named by its SHA-1
//   <root>/files/<sha1[0:2]>/<sha1>.chunks-<chunk_size>    sidecar: the file's SHA-1, size,
//                                                          chunk size and chunk SHA-256s (text)
//
// A file enters the cache only after the IMGAPI client verified its size, SHA-1 and
// Content-MD5: it is written to a temp file beside its final name and renamed into place
// (sidecar first, then the file), so a killed build leaves either a complete, verified
// entry or a temp file that the next run removes. Entries are not fsync'd (see
// CacheWriter): after a power cut the packer's chunk check catches a damaged one. Because entries are only ever renamed
// in complete, a present file of the right size whose sidecar agrees is trusted without
// reading it (CacheCheck::cheap); CacheCheck::rehash (--verify-cache) reads it again.
// Whatever the check, the bundle writer compares every chunk with the index while it
// packs, so a cached file damaged on disk can fail a build but never enter a bundle.
//
// Root: --cache-dir, else $XDG_CACHE_HOME/sdcadm-bundle, else ~/.cache/sdcadm-bundle.
// Several builds may share a cache: names are content hashes and renames are atomic.

#include <manifest/image_manifest.hpp>

#include <common/atomic_file.hpp>
#include <common/hash.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace builder {

// How much a cached file is checked before it is used.
enum class CacheCheck {
  cheap,   // size and sidecar (no read of the file)
  rehash,  // read the file again: SHA-1 and every chunk SHA-256
};

// A verified file in the cache and the SHA-256 of each chunk_size piece of it.
struct CachedFile {
  std::string path;
  std::uint64_t size = 0;
  std::vector<std::string> sha256;
  bool fresh = false;  // downloaded by this build: `sha256` computed from the bytes as written
};

// What a read-only look at the cache found for one file (dry runs).
enum class CacheState {
  hit,        // present, right size, sidecar for this chunk size agrees
  needs_hash, // present and right size, but no usable sidecar: will be hashed once
  miss,       // absent (or of the wrong size: will be downloaded again)
};

class Cache {
 public:
  // Nothing is created until a file is stored.
  explicit Cache(std::string root);

  // $XDG_CACHE_HOME/sdcadm-bundle, else $HOME/.cache/sdcadm-bundle. Throws
  // Error(config) when neither variable is set (to an absolute path).
  static std::string default_root();

  const std::string& root() const { return m_root; }
  // Where the file with this SHA-1 lives. Throws Error(bad_data) unless sha1 is 40
  // lower-case hex digits (it becomes a path).
  std::string file_path(const std::string& sha1) const;
  std::string sidecar_path(const std::string& sha1, std::uint64_t chunk_size) const;

  // Read-only probe (writes and removes nothing).
  CacheState probe(const manifest::ImageFile& file, std::uint64_t chunk_size) const;

  // The cached copy of `file`, checked as `check` says, or nullopt when there is none. A
  // damaged entry (wrong size, wrong hash) is removed, with a warning, and nullopt is
  // returned so that the file is downloaded again; a missing sidecar is rebuilt by
  // hashing the file once. Throws Error(io) when the cache cannot be read or written.
  std::optional<CachedFile> find(const manifest::ImageFile& file, std::uint64_t chunk_size,
                                 CacheCheck check) const;

  // Removes the file and its sidecars (missing ones are fine).
  void remove(const std::string& sha1) const;

  // Removes temp files that builds killed mid-download (or mid-delta: patches/, scratch/)
  // left behind (those whose process is gone); returns how many. Temp files of running
  // builds are left alone.
  std::size_t remove_stale_temps() const;

 private:
  void write_sidecar(const manifest::ImageFile& file, std::uint64_t chunk_size,
                     const std::vector<std::string>& sha256) const;
  std::optional<std::vector<std::string>> read_sidecar(const manifest::ImageFile& file,
                                                       std::uint64_t chunk_size) const;
  friend class CacheWriter;

  std::string m_root;
};

// Hashes a stream into chunk_size pieces: one SHA-256 per piece, as the bundle index lists
// them (bundle-format.md §3).
class ChunkHasher {
 public:
  explicit ChunkHasher(std::uint64_t chunk_size);
  void update(const char* data, std::size_t size);
  // The hashes of every piece, the last one shorter; none for an empty stream.
  std::vector<std::string> finish();

 private:
  std::uint64_t m_chunk_size;
  std::uint64_t m_in_chunk = 0;
  std::optional<common::Hasher> m_hasher;
  std::vector<std::string> m_done;
};

// One download on its way into the cache: bytes go to a temp file beside the final name
// and through a ChunkHasher, so the chunk hashes come from the same pass as the download.
// The temp file (common::AtomicFile, "<path>.tmp.<pid>.<n>") is not fsync'd: a cache entry
// is a copy of a server's file, and every byte of it is checked again when it is packed,
// so surviving a power cut is not worth about a second per GiB of synchronous writes.
class CacheWriter {
 public:
  // Throws Error(io / no_space) when the cache directory cannot be created or written.
  CacheWriter(const Cache& cache, manifest::ImageFile file, std::uint64_t chunk_size);
  ~CacheWriter();
  CacheWriter(const CacheWriter&) = delete;
  CacheWriter& operator=(const CacheWriter&) = delete;

  void write(const char* data, std::size_t size);
  // Throws away what was written (the client starts the transfer again from byte 0).
  void restart();
  // Call only after the client verified the transfer (size, SHA-1, Content-MD5): writes
  // the sidecar, renames the file into place and returns the entry. Throws Error(internal)
  // when the byte count differs from the expected size (the client checks it first).
  CachedFile commit();

 private:
  const Cache& m_cache;
  manifest::ImageFile m_file;
  std::uint64_t m_chunk_size;
  std::string m_path;
  std::unique_ptr<common::AtomicFile> m_out;
  std::optional<ChunkHasher> m_hasher;
  std::uint64_t m_bytes = 0;
};

// True when `s` is 40 lower-case hex digits.
bool is_sha1_hex(const std::string& s);

// Removes the cache entry whose file is at `path` (a CachedFile::path,
// "<root>/files/<sha1[0:2]>/<sha1>") and its sidecars, for callers that hold a CachedFile
// but no Cache (the packer, when the file turns out damaged). Returns false, removing
// nothing, when `path` is not named like a cache entry; missing files are fine.
bool remove_cached_file(const std::string& path);

}  // namespace builder
