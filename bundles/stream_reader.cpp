#include <bundles/stream_reader.hpp>

#include <bundles/format.hpp>
#include <bundles/tar_check.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>

#include <limits>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::uint64_t k_index_frame_max = format::k_max_index_size + format::k_tar_block;

}  // namespace

StreamReader::StreamReader(std::unique_ptr<ByteSource> source, ReaderLimits limits)
    : m_source(std::move(source)), m_limits(limits), m_frames(*m_source, limits.max_window) {}

StreamReader::~StreamReader() = default;

void StreamReader::expect_index(std::string index_bytes) {
  if (m_state != State::start) {
    throw Error(ExitCode::internal, "StreamReader::expect_index after the index was read");
  }
  m_expected_index = std::move(index_bytes);
}

const manifest::BundleIndex& StreamReader::index() {
  read_head();
  return *m_index;
}

const std::string& StreamReader::index_bytes() {
  read_head();
  return m_index_bytes;
}

const std::string& StreamReader::signature_slot() {
  read_head();
  return m_signature_slot;
}

void StreamReader::on_progress(std::function<void(std::uint64_t)> progress) {
  m_progress = std::move(progress);
}

std::uint64_t StreamReader::bytes_read() const { return m_frames.offset(); }

void StreamReader::record_frame(const FrameHeader& header, const FramePlan& plan) {
  SeekEntry e;
  e.compressed_size = m_frames.offset() - header.offset;
  e.decompressed_size = header.content_size;
  e.member = plan.member;
  e.chunk = plan.chunk;
  m_seen.push_back(e);
  if (m_progress) m_progress(m_frames.offset());
}

// Frames 0 and 1, then the plan of every later frame.
void StreamReader::read_head() {
  if (m_state == State::failed) {
    throw Error(ExitCode::internal, "StreamReader used after an error");
  }
  if (m_state != State::start) return;
  m_state = State::failed;  // until the head is read completely
  read_index();
  read_signature_slot();
  m_state = State::head_read;
}

void StreamReader::read_index() {
  const auto h0 = m_frames.next(k_index_frame_max, std::string(format::k_index_name));
  if (!h0) {
    throw Error(ExitCode::bundle_truncated,
                m_source->name() + " is empty; the copy is incomplete: copy it again");
  }
  if (h0->kind != FrameHeader::Kind::zstd) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + " does not start with its index frame; it is not an "
                                   "sdcadm bundle or it is damaged");
  }
  m_index_bytes = read_index_frame(m_frames);
  if (m_expected_index && *m_expected_index != m_index_bytes) {
    using common::HashAlgorithm;
    throw Error(ExitCode::trust_mismatch,
                m_source->name() + ": its index (SHA-256 " +
                    common::hex_digest(HashAlgorithm::sha256, m_index_bytes) +
                    ") is not the one that was verified (SHA-256 " +
                    common::hex_digest(HashAlgorithm::sha256, *m_expected_index) +
                    "); the bundle changed since it was checked, or parts of two bundles "
                    "were mixed");
  }
  try {
    m_index = manifest::BundleIndex::parse(m_index_bytes);
  } catch (const Error& err) {
    throw err.with_context(m_source->name());
  }
  check_part_list(*m_source, m_index_bytes, m_index->bundle_id);
  std::vector<std::uint64_t> sizes;
  for (const auto& m : m_index->members) {
    m_names.push_back(m.name);
    sizes.push_back(m.size);
  }
  m_plan = plan_frames(m_index_bytes.size(), sizes, m_index->chunk_size);
  record_frame(*h0, m_plan[0]);
}

void StreamReader::read_signature_slot() {
  const auto h1 = m_frames.next(format::k_signature_frame_content,
                                std::string(format::k_signature_name));
  if (!h1) {
    throw Error(ExitCode::bundle_truncated,
                m_source->name() + " ends after its index, before the signature slot; the "
                                   "copy is incomplete: copy it again and check its size");
  }
  if (h1->kind != FrameHeader::Kind::zstd) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": a skippable frame stands where the signature slot "
                                   "belongs; the bundle is damaged");
  }
  m_signature_slot = read_signature_frame(m_frames);
  record_frame(*h1, m_plan[1]);
}

// Starts the next frame, which must be a data frame of the member `target` names.
FrameHeader StreamReader::start_frame(const FrameTarget& target) {
  const std::string label = frame_label(target);
  const auto h = m_frames.next(max_data_frame_content(m_index->chunk_size), label);
  if (!h) {
    throw Error(ExitCode::bundle_truncated,
                m_source->name() + " is truncated at byte " + std::to_string(m_frames.offset()) +
                    ", where frame " + std::to_string(m_seen.size()) + " (" + label +
                    ") should start; the copy is incomplete: copy it again and check its size");
  }
  if (h->kind == FrameHeader::Kind::skippable) {
    // The seek table where a member should start: the bundle ends early, without it.
    const bool missing = target.plan.chunk == 0 && h->magic == format::k_seek_table_magic;
    throw Error(missing ? ExitCode::bundle_closed_world : ExitCode::bundle_corrupt,
                m_source->name() + ": a skippable frame stands at byte " +
                    std::to_string(h->offset) + " where frame " + std::to_string(h->number) +
                    " (" + label + ") belongs" +
                    (missing ? "; member \"" + std::string(target.name) + "\" is missing. The "
                               "bundle does not match its index: refusing it"
                             : "; bundles have no skippable frame but the final seek table: "
                               "refusing it"));
  }
  return *h;
}

void StreamReader::read_member(std::size_t k, MemberHandler& handler, std::size_t& next_plan) {
  const manifest::BundleMember& member = m_index->members[k];
  ByteSink sink = handler.begin(member);
  ByteSink counted = [this, &sink](const char* data, std::size_t size) {
    if (sink) sink(data, size);
    if (m_progress) m_progress(m_frames.offset());
  };
  try {
    FrameEnd end = FrameEnd::as_planned;
    const auto member_id = static_cast<std::uint32_t>(k + format::k_first_listed_member);
    while (next_plan < m_plan.size() && m_plan[next_plan].member == member_id) {
      FrameTarget t;
      t.plan = m_plan[next_plan];
      t.name = member.name;
      t.size = member.size;
      t.sha256 = t.plan.chunk < member.sha256.size() ? &member.sha256[t.plan.chunk] : nullptr;
      t.listed = &m_names;
      t.position = k;
      const FrameHeader h = start_frame(t);
      end = check_frame(m_frames, t, counted);
      record_frame(h, t.plan);
      ++next_plan;
    }
    if (end == FrameEnd::archive_not_ended) refuse_trailing_entry();
  } catch (...) {
    handler.abort(member);
    throw;
  }
  handler.commit(member);
}

// The last member's frame lacked the end of the archive: whatever entry follows is one
// the index does not list (or lists already).
void StreamReader::refuse_trailing_entry() {
  const auto h = m_frames.next(std::numeric_limits<std::uint64_t>::max(), "after the last member");
  if (h && h->kind == FrameHeader::Kind::zstd && h->content_size >= format::k_tar_block) {
    char block[format::k_tar_block];
    m_frames.read_exact(block, sizeof block);
    const std::string where = m_source->name() + ": frame " + std::to_string(h->number);
    check_member_header(parse_tar_header(block, where), ExpectedMember{"", 0, &m_names, 0},
                        where);
  }
  throw Error(ExitCode::bundle_corrupt,
              m_source->name() + ": the archive does not end after the last member the index "
                                 "lists; the bundle is damaged or was altered: refusing it");
}

// After the last member: exactly the seek table describing the frames read, then EOF.
void StreamReader::read_tail() {
  const std::string expected = encode_seek_table(m_seen);
  const auto h = m_frames.next(std::numeric_limits<std::uint64_t>::max(), "seek table");
  if (!h) {
    throw Error(ExitCode::bundle_truncated,
                m_source->name() + " ends after the last member, without its seek table; the "
                                   "copy is incomplete: copy it again and check its size");
  }
  const std::uint64_t want_length = expected.size() - format::k_skippable_header_size;
  if (h->kind != FrameHeader::Kind::skippable || h->magic != format::k_seek_table_magic ||
      h->content_size != want_length) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": extra data at byte " + std::to_string(h->offset) +
                    " after the end of the archive, where only the seek table (" +
                    std::to_string(want_length) + " bytes) belongs; refusing the bundle");
  }
  const std::string payload = m_frames.read_skippable(want_length);
  if (expected.compare(format::k_skippable_header_size, std::string::npos, payload) != 0) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": the seek table does not describe the frames of the "
                                   "bundle; the bundle is damaged: get a good copy");
  }
  if (!m_frames.at_end()) {
    throw Error(ExitCode::bundle_corrupt,
                m_source->name() + ": extra data at byte " + std::to_string(m_frames.offset()) +
                    " after the seek table; refusing the bundle");
  }
}

void StreamReader::read_members(MemberHandler& handler) {
  read_head();
  if (m_state != State::head_read) {
    throw Error(ExitCode::internal, "StreamReader::read_members called twice");
  }
  m_state = State::failed;
  std::size_t next_plan = 2;
  for (std::size_t k = 0; k < m_index->members.size(); ++k) read_member(k, handler, next_plan);
  read_tail();
  m_state = State::done;
  if (m_progress) m_progress(m_frames.offset());
}

}  // namespace bundles
