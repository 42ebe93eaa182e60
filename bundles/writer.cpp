#include <bundles/writer.hpp>

#include <bundles/content_reader.hpp>
#include <bundles/format.hpp>
#include <bundles/frame_compressor.hpp>
#include <bundles/layout.hpp>
#include <bundles/seek_table.hpp>
#include <bundles/tar_header.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <manifest/bundle_index.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <thread>
#include <unistd.h>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// chunk_hashes reads in blocks of this size: memory does not follow chunk_size.
constexpr std::size_t k_slice = 1u << 20;

const std::string& zeros() {
  static const std::string k_zeros(format::k_tar_end_size, '\0');
  return k_zeros;
}

// Every member of the index matched with its input, in index order.
std::vector<const MemberInput*> match_inputs(const manifest::BundleIndex& index,
                                             const std::vector<MemberInput>& inputs) {
  std::map<std::string_view, const MemberInput*> by_name;
  for (const auto& input : inputs) {
    if (!by_name.emplace(input.name, &input).second) {
      throw Error(ExitCode::internal, "bundle writer: two inputs for member " + input.name);
    }
  }
  std::vector<const MemberInput*> out;
  for (const auto& member : index.members) {
    const auto it = by_name.find(member.name);
    if (it == by_name.end()) {
      throw Error(ExitCode::internal, "bundle writer: no input for member " + member.name);
    }
    out.push_back(it->second);
    by_name.erase(it);
  }
  if (!by_name.empty()) {
    throw Error(ExitCode::internal, "bundle writer: input " +
                                        std::string(by_name.begin()->first) +
                                        " is not a member of the index");
  }
  return out;
}

class BundleWriter {
 public:
  BundleWriter(const std::string& path, const manifest::BundleIndex& index,
               const WriterOptions& options)
      : m_options(options),
        m_file(path),
        m_compressor(options.level, options.threads ? options.threads : default_threads()),
        m_total(index.payload_size()) {}

  void index_frame(const FramePlan& frame, std::string_view index_bytes) {
    start(frame, {format::k_index_name, index_bytes.size(), format::k_member_mode});
    m_compressor.feed(index_bytes);
    finish(frame);
  }

  void signature_frame(const FramePlan& frame) {
    const std::string bytes = signature_slot_frame(m_options.signature_json, m_options.mtime);
    m_file.write(bytes);
    record(frame, bytes.size());
  }

  // One frame of members[k]: its header if first, content from `content`, padding.
  void member_frame(const FramePlan& frame, const manifest::BundleMember& member,
                    unsigned mode, ContentReader& content) {
    start(frame, {member.name, member.size, mode});
    if (frame.data_size > 0) {
      for (;;) {
        const ContentReader::Piece piece = content.next();
        if (piece.chunk_end) break;  // the helper checked the chunk's hash
        m_compressor.feed(piece.data);
        m_stats.content_bytes += piece.data.size();
        if (m_options.progress) m_options.progress(m_stats.content_bytes, m_total);
      }
    }
    finish(frame);
  }

  WriteStats commit() {
    const std::string table = encode_seek_table(m_entries);
    m_file.write(table);
    m_stats.file_bytes += table.size();
    m_file.commit();
    m_stats.frames = m_entries.size();
    return m_stats;
  }

 private:
  // Starts the frame and writes the tar header if the frame begins the member.
  void start(const FramePlan& frame, const TarMember& header) {
    m_compressor.begin(frame.content_size(), [this](const char* data, std::size_t size) {
      m_file.write(data, size);
    });
    if (frame.header) {
      TarMember h = header;
      h.mtime = m_options.mtime;
      m_compressor.feed(make_tar_header(h));
    }
  }

  void finish(const FramePlan& frame) {
    m_compressor.feed(std::string_view(zeros()).substr(0, frame.padding));
    if (frame.archive_end) m_compressor.feed(zeros());
    record(frame, m_compressor.end());
  }

  void record(const FramePlan& frame, std::uint64_t compressed) {
    SeekEntry entry;
    entry.compressed_size = compressed;
    entry.decompressed_size = frame.content_size();
    entry.member = frame.member;
    entry.chunk = frame.chunk;
    m_entries.push_back(entry);
    m_stats.tar_bytes += entry.decompressed_size;
    m_stats.file_bytes += compressed;
  }

  const WriterOptions& m_options;
  common::AtomicFile m_file;
  FrameCompressor m_compressor;
  std::uint64_t m_total;
  std::vector<SeekEntry> m_entries;
  WriteStats m_stats;
};

}  // namespace

WriteStats write_bundle(const std::string& path, std::string_view index_bytes,
                        const std::vector<MemberInput>& inputs, const WriterOptions& options) {
  // The bundle must say what its index bytes say, so the writer works from those bytes,
  // parsed with the reader's own rules: it never writes an index a reader would refuse.
  const auto index = manifest::BundleIndex::parse(index_bytes);
  const auto matched = match_inputs(index, inputs);
  std::vector<std::uint64_t> sizes;
  for (std::size_t k = 0; k < index.members.size(); ++k) {
    const auto& m = index.members[k];
    // Every header once before anything is written: a size, mode or time stamp that
    // ustar cannot hold fails here, not after gigabytes.
    make_tar_header({m.name, m.size, matched[k]->mode, options.mtime});
    sizes.push_back(m.size);
  }
  const auto plan = plan_frames(index_bytes.size(), sizes, index.chunk_size);

  std::vector<ContentJob> jobs;
  for (std::size_t k = 0; k < index.members.size(); ++k) {
    const auto& m = index.members[k];
    const bool hashed = matched[k]->hashed && !matched[k]->path.empty();
    jobs.push_back({m.name, matched[k]->path, matched[k]->bytes, m.size, index.chunk_size,
                    hashed ? nullptr : &m.sha256});
  }
  BundleWriter writer(path, index, options);
  ContentReader content(jobs);  // after the writer: stopped before the temp file goes
  writer.index_frame(plan[0], index_bytes);
  writer.signature_frame(plan[1]);
  for (std::size_t i = 2; i < plan.size(); ++i) {
    const std::size_t k = plan[i].member - format::k_first_listed_member;
    writer.member_frame(plan[i], index.members[k], matched[k]->mode, content);
  }
  content.finish();
  return writer.commit();
}

std::vector<std::string> chunk_hashes(const std::string& path, std::uint64_t chunk_size) {
  if (chunk_size == 0) throw Error(ExitCode::internal, "chunk_hashes: chunk size 0");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "hashing " + path + ": " + std::strerror(err));
  }
  std::vector<std::string> out;
  auto buffer = std::make_unique<char[]>(k_slice);
  common::Hasher hasher(common::HashAlgorithm::sha256);
  std::uint64_t in_chunk = 0;
  for (;;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(k_slice,
                                                                       chunk_size - in_chunk));
    const ssize_t n = ::read(fd, buffer.get(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(ExitCode::io, "hashing " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    hasher.update(buffer.get(), static_cast<std::size_t>(n));
    in_chunk += static_cast<std::uint64_t>(n);
    if (in_chunk == chunk_size) {
      out.push_back(hasher.finish_hex());
      hasher = common::Hasher(common::HashAlgorithm::sha256);
      in_chunk = 0;
    }
  }
  ::close(fd);
  if (in_chunk > 0) out.push_back(hasher.finish_hex());
  return out;
}

std::vector<std::string> chunk_hashes_of(std::string_view bytes, std::uint64_t chunk_size) {
  if (chunk_size == 0) throw Error(ExitCode::internal, "chunk_hashes_of: chunk size 0");
  std::vector<std::string> out;
  for (std::uint64_t at = 0; at < bytes.size(); at += chunk_size) {
    out.push_back(common::hex_digest(common::HashAlgorithm::sha256,
                                     bytes.substr(at, chunk_size)));
  }
  return out;
}

unsigned default_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp(cores, 1u, k_max_default_threads);
}

}  // namespace bundles
