#pragma once
// Random access to a bundle file (or its split parts) through the seek table.
//
// open() reads only the footer, the seek table and frames 0 and 1 (index and signature
// slot): `inspect` stays fast on a bundle of any size. It already checks that the table's
// frames tile the file exactly and agree with the index (member and chunk of every frame,
// decompressed sizes); a table that lies about anything else leads to a refusal when the
// frame is read, never to an accepted wrong byte. verify() then checks every data frame
// on all cores; extract_member() reads one member, verified.

#include <bundles/part_source.hpp>
#include <bundles/frame_check.hpp>
#include <bundles/layout.hpp>
#include <bundles/seek_table.hpp>
#include <bundles/stream_reader.hpp>
#include <bundles/verify.hpp>
#include <manifest/bundle_index.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace bundles {

class SeekableReader {
 public:
  // Opens a bundle: a file, "NAME.sdc.parts.json", or "NAME.sdc" whose parts lie next to
  // it (open_bundle_source; parts are checked per `parts` first). Errors: common::Error
  // with not_found/io, or the bundle_* codes for a bad footer, table, index or slot; a
  // part list that does not belong to the index => Error(bundle_corrupt).
  static SeekableReader open(const std::string& path, PartCheck parts = PartCheck::hashes,
                             ReaderLimits limits = {});
  // The same over any seekable source (a pipe => Error(usage)).
  static SeekableReader open(std::unique_ptr<ByteSource> source, ReaderLimits limits = {});

  SeekableReader(SeekableReader&&) noexcept;
  SeekableReader& operator=(SeekableReader&&) noexcept;
  ~SeekableReader();

  const manifest::BundleIndex& index() const;
  const std::string& index_bytes() const;     // exact, as signed
  const std::string& signature_slot() const;  // padding trimmed
  const SeekTable& seek_table() const;
  std::uint64_t file_size() const;
  const std::string& name() const;

  // Checks every data frame (verify.hpp): `threads` workers (0 = one per core). Throws the
  // first failing frame's error in file order, whatever the thread count.
  VerifyReport verify(unsigned threads = 0, const VerifyProgress& progress = {}) const;

  // Streams one listed member to `sink`, checking its frames and chunk hashes. Bytes of
  // a chunk reach the sink before its hash is checked: on an exception, discard them.
  // Unknown name => Error(not_found).
  void extract_member(const std::string& name, const ByteSink& sink) const;
  // A small member in memory, returned only once verified; larger than `max_size` =>
  // Error(bundle_too_large).
  std::string read_member(const std::string& name, std::size_t max_size) const;

 private:
  struct State;  // behind a pointer: frame targets point into it, and it moves as a whole
  explicit SeekableReader(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace bundles
