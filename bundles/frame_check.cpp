#include <bundles/frame_check.hpp>

#include <bundles/format.hpp>
#include <bundles/tar_check.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_piece = 256u << 10;  // decompress in pieces: memory stays flat

Error corrupt(const FrameReader& reader, const std::string& label, const std::string& detail) {
  return Error(ExitCode::bundle_corrupt,
               reader.source_name() + ": frame " + std::to_string(reader.current().number) +
                   " (" + label + ") " + detail + "; the bundle is damaged: get a good copy");
}

// Reads `size` bytes that must all be zero (tar padding, end of archive).
void read_zeros(FrameReader& reader, std::uint64_t size, const std::string& label,
                const char* what) {
  std::array<char, format::k_tar_end_size> buf{};
  while (size > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, buf.size()));
    reader.read_exact(buf.data(), n);
    if (!is_zero_block(buf.data(), n)) throw corrupt(reader, label, std::string("has ") + what + " that is not zero");
    size -= n;
  }
}

// Streams `size` content bytes to the sink and the hasher.
void read_content(FrameReader& reader, std::uint64_t size, std::optional<common::Hasher>& hasher,
                  const ByteSink& sink) {
  std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(size, k_piece)));
  while (size > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, buf.size()));
    reader.read_exact(buf.data(), want);
    if (hasher) hasher->update(buf.data(), want);
    if (sink) sink(buf.data(), want);
    size -= want;
  }
}

void check_header(FrameReader& reader, const FrameTarget& t, const std::string& label) {
  char block[format::k_tar_block];
  if (reader.current().content_size < format::k_tar_block) {
    throw corrupt(reader, label, "is too short to hold a tar header");
  }
  reader.read_exact(block, sizeof block);
  const std::string where = reader.source_name() + ": frame " +
                            std::to_string(reader.current().number) + " (" + label + ")";
  if (t.listed && is_zero_block(block)) {
    throw Error(ExitCode::bundle_closed_world,
                where + ": the archive ends where member \"" + std::string(t.name) +
                    "\" should start: the member is missing; the bundle does not match its "
                    "index, refusing it");
  }
  const TarEntry entry = parse_tar_header(block, where);
  check_member_header(entry, ExpectedMember{t.name, t.size, t.listed, t.position}, where);
}

// The declared size must be the planned one; the two end-of-archive mix-ups are reported
// as what they mean.
FrameEnd classify_size(const FrameReader& reader, const FrameTarget& t, const std::string& label) {
  const std::uint64_t declared = reader.current().content_size;
  const std::uint64_t planned = t.plan.content_size();
  if (declared == planned) return FrameEnd::as_planned;
  if (t.listed && !t.plan.archive_end && declared == planned + format::k_tar_end_size) {
    return FrameEnd::archive_ended_early;
  }
  if (t.listed && t.plan.archive_end && declared + format::k_tar_end_size == planned) {
    return FrameEnd::archive_not_ended;
  }
  throw corrupt(reader, label, "holds " + std::to_string(declared) +
                                   " bytes where the index implies " + std::to_string(planned));
}

void check_hash(FrameReader& reader, const FrameTarget& t, common::Hasher& hasher) {
  const std::string got = hasher.finish_hex();
  if (got == *t.sha256) return;
  throw Error(ExitCode::bundle_hash,
              reader.source_name() + ": member " + std::string(t.name) + " chunk " +
                  std::to_string(t.plan.chunk) + ": SHA-256 mismatch (got " + got +
                  ", expected " + *t.sha256 +
                  "); the bundle is damaged or was altered: get a good copy");
}

}  // namespace

std::uint64_t max_data_frame_content(std::uint64_t chunk_size) {
  return chunk_size + format::k_tar_block + (format::k_tar_block - 1) + format::k_tar_end_size;
}

std::string frame_label(const FrameTarget& t) {
  if (!t.listed) return std::string(t.name);
  const bool whole = t.plan.data_offset == 0 && t.plan.data_size == t.size;
  return "member " + std::string(t.name) + (whole ? "" : " chunk " + std::to_string(t.plan.chunk));
}

FrameEnd check_frame(FrameReader& reader, const FrameTarget& t, const ByteSink& sink) {
  const std::string label = frame_label(t);
  if (t.plan.header) check_header(reader, t, label);
  const FrameEnd end = classify_size(reader, t, label);
  std::optional<common::Hasher> hasher;
  if (t.sha256) hasher.emplace(common::HashAlgorithm::sha256);
  read_content(reader, t.plan.data_size, hasher, sink);
  if (hasher) check_hash(reader, t, *hasher);
  read_zeros(reader, t.plan.padding, label, "tar padding");
  if ((t.plan.archive_end && end == FrameEnd::as_planned) || end == FrameEnd::archive_ended_early) {
    read_zeros(reader, format::k_tar_end_size, label, "an end-of-archive block");
  }
  char extra = 0;
  if (reader.read(&extra, 1) != 0) {
    throw Error(ExitCode::internal, "frame content longer than checked");  // sizes matched
  }
  if (end == FrameEnd::archive_ended_early) {
    const std::string next = t.position + 1 < t.listed->size() ? (*t.listed)[t.position + 1] : "";
    throw Error(ExitCode::bundle_closed_world,
                reader.source_name() + ": the archive ends after member " + std::string(t.name) +
                    "; member \"" + next +
                    "\", which the index lists next, is missing. The bundle does not match its "
                    "index: refusing it");
  }
  return end;
}

std::string read_index_frame(FrameReader& reader) {
  const std::string label(format::k_index_name);
  char block[format::k_tar_block];
  if (reader.current().content_size < format::k_tar_block) {
    throw corrupt(reader, label, "is too short to hold a tar header");
  }
  reader.read_exact(block, sizeof block);
  const std::string where = reader.source_name() + ": frame 0 (" + label + ")";
  const TarEntry entry = parse_tar_header(block, where);
  if (entry.size > format::k_max_index_size) {
    throw Error(ExitCode::bundle_too_large,
                where + ": the index declares " + std::to_string(entry.size) +
                    " bytes, more than the " + std::to_string(format::k_max_index_size) +
                    " an index may have; refusing the bundle");
  }
  check_member_header(entry, ExpectedMember{format::k_index_name, entry.size, nullptr, 0}, where);
  const std::uint64_t planned =
      format::k_tar_block + entry.size + format::tar_padding(entry.size);
  if (reader.current().content_size != planned) {
    throw corrupt(reader, label, "holds " + std::to_string(reader.current().content_size) +
                                     " bytes; its tar header implies " + std::to_string(planned));
  }
  std::string index(static_cast<std::size_t>(entry.size), '\0');
  reader.read_exact(index.data(), index.size());
  read_zeros(reader, format::tar_padding(entry.size), label, "tar padding");
  char extra = 0;
  if (reader.read(&extra, 1) != 0) throw Error(ExitCode::internal, "index frame longer than checked");
  return index;
}

std::string read_signature_frame(FrameReader& reader) {
  FrameTarget t;
  t.plan.member = format::k_member_index_sig;
  t.plan.header = true;
  t.plan.data_size = format::k_signature_slot_size;
  t.name = format::k_signature_name;
  t.size = format::k_signature_slot_size;
  std::string slot;
  slot.reserve(format::k_signature_slot_size);
  check_frame(reader, t, [&slot](const char* data, std::size_t size) { slot.append(data, size); });
  const std::size_t end = slot.find_last_not_of(' ');
  slot.resize(end == std::string::npos ? 0 : end + 1);
  return slot;
}

}  // namespace bundles
