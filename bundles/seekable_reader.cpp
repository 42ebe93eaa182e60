#include <bundles/seekable_reader.hpp>

#include <bundles/format.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>

#include <limits>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::uint64_t k_index_frame_max = format::k_max_index_size + format::k_tar_block;

}  // namespace

struct SeekableReader::State {
  std::unique_ptr<ByteSource> source;
  ReaderLimits limits;
  SeekTable table;
  std::string index_bytes;
  std::string signature_slot;
  manifest::BundleIndex index;
  std::vector<std::string> names;
  std::vector<FramePlan> plan;
  std::vector<FrameTarget> targets;  // one per frame; point into index and names

  void read_table();
  template <typename Read>
  void read_head_frame(std::size_t i, std::uint64_t max_content, const char* label, Read read);
  void check_table_against_index();
  void build_targets();
};

void SeekableReader::State::read_table() {
  try {
    const std::uint64_t size = source->size();
    std::string footer;
    if (size >= format::k_seek_footer_size) {
      footer.resize(format::k_seek_footer_size);
      read_exact_at(*source, size - footer.size(), footer.data(), footer.size(),
                    "the seek table footer");
    }
    const std::uint64_t table_size = seek_table_size_from_footer(footer, size);
    std::string frame(static_cast<std::size_t>(table_size), '\0');
    read_exact_at(*source, size - table_size, frame.data(), frame.size(), "the seek table");
    table = decode_seek_table(frame, size);
  } catch (const Error& err) {
    throw err.with_context(source->name());
  }
}

// Decodes frame i (0 or 1) from the extent its table entry gives; `read` reads the frame's
// content, which must then end exactly where the extent does.
template <typename Read>
void SeekableReader::State::read_head_frame(std::size_t i, std::uint64_t max_content,
                                            const char* label, Read read) {
  const SeekEntry& e = table.entries[i];
  const auto range = range_source(*source, e.offset, e.compressed_size);
  FrameReader reader(*range, limits.max_window, e.offset, i);
  const auto bad_extent = [&](const std::string& what) {
    return Error(ExitCode::bundle_corrupt,
                 source->name() + ": frame " + std::to_string(i) + " (" + label + ") " + what +
                     " the extent the seek table gives it; the bundle is damaged");
  };
  try {
    const auto h = reader.next(max_content, label);
    if (!h || h->kind != FrameHeader::Kind::zstd) throw bad_extent("is not a zstd frame at");
    read(reader);
    if (!reader.at_end()) {
      throw bad_extent("is shorter than");
    }
  } catch (const Error& err) {
    if (err.code() != ExitCode::bundle_truncated) throw;
    throw bad_extent("runs past");
  }
}

// The table may not add or drop members (closed world), and every frame must be the one
// the index implies (member, chunk, decompressed size).
void SeekableReader::State::check_table_against_index() {
  std::vector<std::uint64_t> sizes;
  for (const auto& m : index.members) {
    names.push_back(m.name);
    sizes.push_back(m.size);
  }
  plan = plan_frames(index_bytes.size(), sizes, index.chunk_size);
  const std::uint32_t table_last = table.entries.back().member;
  const std::uint32_t index_last = plan.back().member;
  if (table_last < index_last) {
    const std::string& missing = names[table_last + 1 - format::k_first_listed_member];
    throw Error(ExitCode::bundle_closed_world,
                source->name() + ": the seek table has no frame for member \"" + missing +
                    "\" (nor any later one) that the index lists: the member is missing. The "
                    "bundle does not match its index: refusing it");
  }
  if (table_last > index_last) {
    throw Error(ExitCode::bundle_closed_world,
                source->name() + ": the seek table lists frames of " +
                    std::to_string(table_last - index_last) +
                    " member(s) after the last one the index lists: unlisted members. The "
                    "bundle does not match its index: refusing it");
  }
  try {
    check_frame_sizes(table, expected_entries(plan));
  } catch (const Error& err) {
    throw err.with_context(source->name());
  }
}

void SeekableReader::State::build_targets() {
  targets.reserve(plan.size());
  for (const FramePlan& p : plan) {
    FrameTarget t;
    t.plan = p;
    if (p.member < format::k_first_listed_member) {
      t.name = p.member == format::k_member_index_json ? format::k_index_name
                                                       : format::k_signature_name;
      t.size = p.data_size;
    } else {
      const std::size_t k = p.member - format::k_first_listed_member;
      const manifest::BundleMember& m = index.members[k];
      t.name = m.name;
      t.size = m.size;
      t.sha256 = p.chunk < m.sha256.size() ? &m.sha256[p.chunk] : nullptr;
      t.listed = &names;
      t.position = k;
    }
    targets.push_back(t);
  }
}

SeekableReader::SeekableReader(std::unique_ptr<State> state) : m_state(std::move(state)) {}
SeekableReader::SeekableReader(SeekableReader&&) noexcept = default;
SeekableReader& SeekableReader::operator=(SeekableReader&&) noexcept = default;
SeekableReader::~SeekableReader() = default;

SeekableReader SeekableReader::open(const std::string& path, PartCheck parts, ReaderLimits limits) {
  return open(open_bundle_source(path, parts), limits);
}

SeekableReader SeekableReader::open(std::unique_ptr<ByteSource> source, ReaderLimits limits) {
  if (!source->seekable()) {
    throw Error(ExitCode::usage, source->name() + " is a pipe: it can only be read in one "
                                                  "pass (streaming), not at random");
  }
  auto s = std::make_unique<State>();
  s->source = std::move(source);
  s->limits = limits;
  s->read_table();
  s->read_head_frame(0, k_index_frame_max, "bundle.json",
                     [&](FrameReader& r) { s->index_bytes = read_index_frame(r); });
  try {
    s->index = manifest::BundleIndex::parse(s->index_bytes);
  } catch (const Error& err) {
    throw err.with_context(s->source->name());
  }
  check_part_list(*s->source, s->index_bytes, s->index.bundle_id);
  s->check_table_against_index();
  s->read_head_frame(1, format::k_signature_frame_content, "bundle.sig",
                     [&](FrameReader& r) { s->signature_slot = read_signature_frame(r); });
  s->build_targets();
  return SeekableReader(std::move(s));
}

const manifest::BundleIndex& SeekableReader::index() const { return m_state->index; }
const std::string& SeekableReader::index_bytes() const { return m_state->index_bytes; }
const std::string& SeekableReader::signature_slot() const { return m_state->signature_slot; }
const SeekTable& SeekableReader::seek_table() const { return m_state->table; }
std::uint64_t SeekableReader::file_size() const { return m_state->source->size(); }
const std::string& SeekableReader::name() const { return m_state->source->name(); }

VerifyReport SeekableReader::verify(unsigned threads, const VerifyProgress& progress) const {
  VerifyJob job;
  job.source = m_state->source.get();
  job.entries = &m_state->table.entries;
  job.targets = &m_state->targets;
  job.first = format::k_first_listed_member;  // frames 0 and 1 were checked by open()
  job.max_content = max_data_frame_content(m_state->index.chunk_size);
  job.max_window = m_state->limits.max_window;
  return verify_frames(job, threads, progress);
}

void SeekableReader::extract_member(const std::string& name, const ByteSink& sink) const {
  const State& s = *m_state;
  const manifest::BundleMember* member = s.index.find_member(name);
  if (!member) {
    throw Error(ExitCode::not_found, s.source->name() + " has no member \"" + name + "\"");
  }
  const auto id = static_cast<std::uint32_t>(member - s.index.members.data()) +
                  format::k_first_listed_member;
  const auto idle = memory_source("");
  FrameReader reader(*idle, s.limits.max_window);
  const std::uint64_t max_content = max_data_frame_content(s.index.chunk_size);
  for (std::size_t i = 0; i < s.plan.size(); ++i) {
    if (s.plan[i].member != id) continue;
    verify_frame(reader, *s.source, s.table.entries[i], i, s.targets[i], max_content, sink);
  }
}

std::string SeekableReader::read_member(const std::string& name, std::size_t max_size) const {
  const manifest::BundleMember* member = m_state->index.find_member(name);
  if (member && member->size > max_size) {
    throw Error(ExitCode::bundle_too_large,
                m_state->source->name() + ": member " + name + " is " +
                    std::to_string(member->size) + " bytes, more than the " +
                    std::to_string(max_size) + " expected for it");
  }
  std::string out;
  extract_member(name, [&out](const char* data, std::size_t size) { out.append(data, size); });
  return out;
}

}  // namespace bundles
