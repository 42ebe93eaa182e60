#pragma once
// One-pass reading of a bundle from any ByteSource (a pipe included), in bounded memory:
// the index first, then every listed member in index order, each byte checked against
// the index's chunk hashes as it streams (docs/bundle-format.md §2, closed world).
// Used by `verify` on a pipe and by the installer's staging pass.
//
//   StreamReader reader(open_bundle_source(path));
//   check_signatures(reader.index_bytes(), reader.signature_slot());   // caller's business
//   reader.read_members(handler);   // begin -> bytes -> commit, or abort and throw
//
// Nothing is trusted before it is checked: the frame layout the index implies is enforced
// frame by frame, tar headers are compared with the index, and after the last member the
// reader requires the end of the archive, exactly the seek table that describes the frames
// read, and the end of the input. Errors are common::Error with the bundle_* exit codes.

#include <bundles/part_source.hpp>
#include <bundles/frame_check.hpp>
#include <bundles/frame_reader.hpp>
#include <bundles/layout.hpp>
#include <bundles/seek_table.hpp>
#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bundles {

struct ReaderLimits {
  std::uint64_t max_window = k_default_max_window;  // largest zstd window accepted
};

// Receives the members of a bundle as they stream.
class MemberHandler {
 public:
  virtual ~MemberHandler() = default;
  // A listed member starts. Returns where its bytes go; an empty sink discards them (they
  // are verified all the same). Bytes arrive before the hash of their chunk is checked.
  virtual ByteSink begin(const manifest::BundleMember& member) = 0;
  // Every chunk hash of the member matched and its frames ended as the index implies.
  virtual void commit(const manifest::BundleMember& member) = 0;
  // The member failed after begin() (or reading stopped); called before the error is
  // thrown on. Not called when commit() itself throws.
  virtual void abort(const manifest::BundleMember& member) noexcept = 0;
};

class StreamReader {
 public:
  explicit StreamReader(std::unique_ptr<ByteSource> source, ReaderLimits limits = {});
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Requires the index to be exactly `index_bytes` (the ones whose signatures were
  // checked earlier, e.g. through the seekable reader or a first pass); any other index
  // => Error(trust_mismatch). Call before index().
  void expect_index(std::string index_bytes);

  // Read frames 0 and 1 on first use: the parsed index (manifest::BundleIndex::parse),
  // the exact index bytes, and the signature slot's JSON text without its padding.
  const manifest::BundleIndex& index();
  const std::string& index_bytes();
  const std::string& signature_slot();

  // Reads every member in index order into `handler`, then the end of the archive, the
  // seek table and the end of input. Call once. On any error the member in progress is
  // aborted and the error thrown; the reader cannot be used further.
  void read_members(MemberHandler& handler);

  // Called with the number of bundle bytes consumed so far, as reading proceeds.
  void on_progress(std::function<void(std::uint64_t bytes_read)> progress);

  // Bytes of the bundle consumed so far.
  std::uint64_t bytes_read() const;

 private:
  void read_head();
  void read_index();
  void read_signature_slot();
  void read_member(std::size_t k, MemberHandler& handler, std::size_t& next_plan);
  FrameHeader start_frame(const FrameTarget& target);
  void record_frame(const FrameHeader& header, const FramePlan& plan);
  void refuse_trailing_entry();
  void read_tail();

  std::unique_ptr<ByteSource> m_source;
  ReaderLimits m_limits;
  FrameReader m_frames;
  std::optional<std::string> m_expected_index;
  std::string m_index_bytes;
  std::string m_signature_slot;
  std::optional<manifest::BundleIndex> m_index;
  std::vector<std::string> m_names;  // member names in index order
  std::vector<FramePlan> m_plan;
  std::vector<SeekEntry> m_seen;     // the frames read, to compare with the seek table
  std::function<void(std::uint64_t)> m_progress;
  enum class State { start, head_read, done, failed } m_state = State::start;
};

}  // namespace bundles
