#include <bundles/split.hpp>

#include <bundles/format.hpp>
#include <bundles/positional_file.hpp>
#include <bundles/seek_table.hpp>
#include <bundles/tar_header.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/path.hpp>
#include <common/progress.hpp>
#include <manifest/bundle_index.hpp>

#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_block = 1u << 20;

void check_part_size(std::uint64_t part_size) {
  if (part_size == 0) throw Error(ExitCode::usage, "split size must be at least 1 byte");
  if (part_size > format::k_max_part_size) {
    throw Error(ExitCode::usage,
                "split size " + common::format_bytes(part_size) + " (" +
                    std::to_string(part_size) +
                    " bytes) is too large: parts must be below 4 GiB to fit FAT32 sticks; use "
                    "at most 4294967295 bytes, e.g. --split-size 4000M");
  }
}

// The exact bytes of bundle.json, from frame 0 (bounded by the index size limit).
std::string read_index_bytes(const PositionalFile& file, const SeekTable& table) {
  const std::string& path = file.path();
  const SeekEntry& frame = table.entries[format::k_member_index_json];
  const std::uint64_t max_content = format::k_tar_block + format::k_max_index_size +
                                    format::k_tar_block;
  if (frame.decompressed_size > max_content ||
      frame.compressed_size > ZSTD_compressBound(max_content)) {
    throw Error(ExitCode::bundle_too_large, path + ": the index frame is larger than 16 MiB");
  }
  std::string compressed(frame.compressed_size, '\0');
  file.read_at(compressed.data(), compressed.size(), frame.offset);
  std::string content(frame.decompressed_size, '\0');
  const std::size_t n = ZSTD_decompress(content.data(), content.size(), compressed.data(),
                                        compressed.size());
  if (ZSTD_isError(n) || n != content.size() || content.size() < format::k_tar_block) {
    throw Error(ExitCode::bundle_corrupt, path + ": frame 0 (the index) does not decode");
  }
  const std::int64_t size = tar_header_size(content);
  const std::string name(format::k_index_name);
  if (content.compare(0, name.size() + 1, name.c_str(), name.size() + 1) != 0 || size < 0 ||
      static_cast<std::uint64_t>(size) > content.size() - format::k_tar_block) {
    throw Error(ExitCode::bundle_corrupt, path + ": frame 0 does not hold bundle.json");
  }
  return content.substr(format::k_tar_block, static_cast<std::size_t>(size));
}

// Copies [offset, offset + size) of the bundle into a new part; returns its SHA-256.
std::string write_part(const PositionalFile& bundle, std::uint64_t offset, std::uint64_t size,
                       const std::string& part_path, char* buffer) {
  common::AtomicFile out(part_path);
  common::Hasher hasher(common::HashAlgorithm::sha256);
  while (size > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, k_block));
    bundle.read_at(buffer, n, offset);
    hasher.update(buffer, n);
    out.write(buffer, n);
    offset += n;
    size -= n;
  }
  out.commit();
  return hasher.finish_hex();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

SplitResult split_bundle(const std::string& path, std::uint64_t part_size, KeepOriginal keep) {
  check_part_size(part_size);
  const PositionalFile bundle(path);
  const std::uint64_t bundle_size = bundle.size();
  const SeekTable table = read_seek_table(bundle.fd(), bundle_size, path);
  const std::string index_bytes = read_index_bytes(bundle, table);
  const auto index = manifest::BundleIndex::parse(index_bytes);
  const std::uint64_t count = (bundle_size + part_size - 1) / part_size;
  if (count > manifest::k_max_parts) {
    throw Error(ExitCode::usage, "splitting " + path + " into parts of " +
                                     std::to_string(part_size) + " bytes would make " +
                                     std::to_string(count) + " parts, more than " +
                                     std::to_string(manifest::k_max_parts) +
                                     "; choose a larger split size");
  }

  SplitResult result;
  const std::string name = common::base_name(path);
  const std::string dir = path.substr(0, path.size() - name.size());  // "" or ending in '/'
  result.list_path = path + ".parts.json";
  result.list.bundle_id = index.bundle_id;
  result.list.bundle_size = bundle_size;
  result.list.bundle_json_sha256 = common::hex_digest(common::HashAlgorithm::sha256, index_bytes);
  // A list from an earlier split must not vouch for parts that are being replaced.
  if (exists(result.list_path) && ::unlink(result.list_path.c_str()) != 0) {
    throw Error(ExitCode::io, "removing " + result.list_path + ": " + std::strerror(errno));
  }
  auto buffer = std::make_unique<char[]>(k_block);
  try {
    for (std::uint64_t i = 0; i < count; ++i) {
      manifest::BundlePart part;
      part.name = manifest::part_name(name, i + 1);
      part.size = std::min(part_size, bundle_size - i * part_size);
      const std::string part_path = dir + part.name;
      part.sha256 = write_part(bundle, i * part_size, part.size, part_path, buffer.get());
      result.part_paths.push_back(part_path);
      result.list.parts.push_back(part);
    }
    common::write_file_atomic(result.list_path, result.list.serialize());
  } catch (...) {
    for (const auto& p : result.part_paths) ::unlink(p.c_str());
    throw;
  }
  for (std::size_t i = count + 1; i <= manifest::k_max_parts; ++i) {
    const std::string stale = dir + manifest::part_name(name, i);
    if (exists(stale)) ::unlink(stale.c_str());
  }
  if (keep == KeepOriginal::no && ::unlink(path.c_str()) != 0) {
    throw Error(ExitCode::io, "removing " + path + " after splitting it: " + std::strerror(errno));
  }
  return result;
}

}  // namespace bundles
