#include <installer/delta_rebuild.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/log.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>
#include <delta/rebuild.hpp>
#include <imgapi/client.hpp>
#include <manifest/bundle_index.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <unistd.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// No image's uncompressed stream is larger than the largest member an index may declare;
// the bound only stops a hostile base or patch from filling the disk.
constexpr std::uint64_t k_max_uncompressed = manifest::k_max_member_size;

std::string hidden_temp(const std::string& dir, const std::string& name) {
  return temp_path_for(dir + "/" + name);
}

// Downloads the base's file from the DC IMGAPI into `path` (created, truncated on a retry);
// the client checks the size and SHA-1 of what arrived against the signed base.
void download_base(const DeltaBase& base, const std::string& path, const DeltaBaseOptions& options) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ExitCode::io, "cannot create " + path + ": " + std::strerror(errno));
  try {
    imgapi::Client client(*options.imgapi_url, options.client);
    imgapi::FileSink sink;
    sink.restart = [&] {
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
        throw Error(ExitCode::io, "cannot rewind " + path + ": " + std::strerror(errno));
      }
    };
    sink.write = [&](const char* data, std::size_t size) {
      while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          const int err = errno;
          throw Error(err == ENOSPC ? ExitCode::no_space : ExitCode::io,
                      "cannot write " + path + ": " + std::strerror(err));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
      }
    };
    client.get_image_file(base.uuid, base.file, sink);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

// SHA-1 and chunk SHA-256s of a stream, as it passes.
class ChunkHasher {
 public:
  explicit ChunkHasher(std::uint64_t chunk_size) : m_chunk_size(chunk_size) {}
  void update(const char* data, std::size_t size) {
    m_sha1.update(data, size);
    m_size += size;
    while (size > 0) {
      if (!m_chunk) m_chunk.emplace(common::HashAlgorithm::sha256);
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size, m_chunk_size - m_in_chunk));
      m_chunk->update(data, take);
      m_in_chunk += take;
      data += take;
      size -= take;
      if (m_in_chunk == m_chunk_size) close_chunk();
    }
  }
  RebuiltFile finish() {
    if (m_chunk) close_chunk();
    RebuiltFile out;
    out.size = m_size;
    out.sha256 = std::move(m_chunks);
    out.sha1 = m_sha1.finish_hex();
    return out;
  }

 private:
  void close_chunk() {
    m_chunks.push_back(m_chunk->finish_hex());
    m_chunk.reset();
    m_in_chunk = 0;
  }
  std::uint64_t m_chunk_size, m_size = 0, m_in_chunk = 0;
  common::Hasher m_sha1{common::HashAlgorithm::sha1};
  std::optional<common::Hasher> m_chunk;
  std::vector<std::string> m_chunks;
};

}  // namespace

UnpackedBases::UnpackedBases(const std::vector<DeltaBase>& bases, const std::string& dir,
                             const DeltaBaseOptions& options) {
  try {
    for (const DeltaBase& base : bases) {
      const std::string out = hidden_temp(dir, base.uuid + ".base");
      std::string compressed = base.path;
      std::string download;
      if (base.from == DeltaBase::From::imgapi) {
        download = hidden_temp(dir, base.uuid + ".download");
        m_files.emplace_back(base.uuid + ".download", download);  // removed on failure too
        download_base(base, download, options);
        compressed = download;
      }
      m_files.emplace_back(base.uuid, out);
      const delta::UnpackResult r =
          delta::unpack_image(compressed, delta::compression_from_name(base.file.compression), out, k_max_uncompressed);
      m_bytes += r.uncompressed_size;
      common::log::info("base image " + base.uuid + " uncompressed for the delta rebuild: " +
                        common::format_bytes(r.compressed_size) + " -> " + common::format_bytes(r.uncompressed_size));
      if (!download.empty()) {
        ::unlink(download.c_str());
        m_files.erase(std::find_if(m_files.begin(), m_files.end(),
                                   [&](const auto& f) { return f.second == download; }));
      }
    }
  } catch (const Error& e) {
    remove_all();
    throw e.with_context("preparing the base images of the bundle's deltas (nothing was staged)");
  } catch (...) {
    remove_all();
    throw;
  }
}

UnpackedBases::~UnpackedBases() { remove_all(); }

UnpackedBases::UnpackedBases(UnpackedBases&& other) noexcept
    : m_files(std::move(other.m_files)), m_bytes(other.m_bytes) {
  other.m_files.clear();
}

UnpackedBases& UnpackedBases::operator=(UnpackedBases&& other) noexcept {
  if (this != &other) {
    remove_all();
    m_files = std::move(other.m_files);
    m_bytes = other.m_bytes;
    other.m_files.clear();
  }
  return *this;
}

void UnpackedBases::remove_all() noexcept {
  for (const auto& f : m_files) ::unlink(f.second.c_str());
  m_files.clear();
}

const std::string& UnpackedBases::path_of(const std::string& uuid) const {
  for (const auto& f : m_files) {
    if (f.first == uuid) return f.second;
  }
  throw Error(ExitCode::internal, "the base image " + uuid + " was not prepared for its delta");
}

std::string patch_temp_path(const StageTarget& target) {
  return hidden_temp(common::dir_of(target.path), target.image_uuid + ".imgpatch");
}

RebuiltFile rebuild_staged_file(const StageTarget& target, const std::string& image, const std::string& base_path,
                                const std::string& patch_path, std::uint64_t chunk_size, const delta::ByteSink& out) {
  const manifest::BundleDelta& d = *target.delta;
  const auto started = std::chrono::steady_clock::now();
  delta::FileSource patch(patch_path);
  ChunkHasher hasher(chunk_size);
  std::uint64_t given = 0;
  try {
    delta::rebuild_image(
        base_path, [&](char* buffer, std::size_t capacity) { return patch.read(buffer, capacity); }, d.recipe,
        [&](const char* data, std::size_t size) {
          // More than the signed size is already wrong: stop before writing it.
          given += size;
          if (given > d.file_size) {
            throw Error(ExitCode::integrity, "the rebuilt file is larger than the signed " +
                                                 std::to_string(d.file_size) + " bytes");
          }
          hasher.update(data, size);
          out(data, size);
        },
        k_max_uncompressed);
  } catch (const Error& e) {
    if (e.code() == ExitCode::no_space || e.code() == ExitCode::io || e.code() == ExitCode::interrupted) throw;
    throw Error(ExitCode::integrity, image + ": cannot rebuild its file from base image " + d.base_uuid +
                                         " and the bundle's patch (" + e.what() + "); nothing was staged. " +
                                         "Ask for a full bundle (sdcadm-bundle build --no-delta)");
  }
  RebuiltFile rebuilt = hasher.finish();
  rebuilt.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (rebuilt.size != d.file_size || rebuilt.sha256 != d.file_sha256) {
    throw Error(ExitCode::integrity,
                image + ": the file rebuilt from base image " + d.base_uuid + " and the bundle's patch is " +
                    (rebuilt.size != d.file_size
                         ? std::to_string(rebuilt.size) + " bytes, the signed index says " + std::to_string(d.file_size)
                         : std::string("not the file the signed index describes (its SHA-256 differs)")) +
                    "; nothing was staged. Ask for a full bundle (sdcadm-bundle build --no-delta)");
  }
  return rebuilt;
}

}  // namespace installer
