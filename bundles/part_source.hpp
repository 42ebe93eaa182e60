#pragma once
// A bundle split into parts (docs/bundle-format.md §7): NAME.sdc.001, .002, ... next to
// NAME.sdc.parts.json, each checked against the part list BEFORE the parts are joined, so a
// bad part is named ("part 2 of 3 (NAME.sdc.002): SHA-256 mismatch ..."), not discovered
// as a damaged frame somewhere in the middle. Also the one entry point that turns a
// command-line path into a source (file, stdin or parts).

#include <bundles/byte_source.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace bundles {

// How much of a split bundle to check before its parts are joined.
enum class PartCheck {
  hashes,      // every part's size and SHA-256 (reads every byte once)
  sizes_only,  // sizes only: for `inspect`, which must stay fast; the index is still bound
               // to the part list by bundle_json_sha256 in the seekable reader
};

// The bundle described by NAME.sdc.parts.json: parts are files in the same directory.
// Before anything is joined each part is checked, in part-list order, and the first bad
// one is named: missing => Error(bundle_truncated), wrong size => Error(bundle_truncated)
// (short) or Error(bundle_corrupt) (long), SHA-256 mismatch => Error(bundle_hash). A part
// name with a '/' or "..", or sizes that do not add up to bundle_size, => Error(bundle_corrupt).
// `threads` parts are hashed at the same time (0 = one per core).
std::unique_ptr<ByteSource> open_parts_source(const std::string& parts_json_path,
                                              PartCheck check = PartCheck::hashes,
                                              unsigned threads = 0);

// What the part list promised about the joined bundle (for the readers' cross-checks).
struct PartListFacts {
  std::string bundle_id;
  std::string bundle_json_sha256;
  std::uint64_t bundle_size = 0;
};
// The facts of the part list behind a source made by open_parts_source, else nullopt.
std::optional<PartListFacts> part_list_facts(const ByteSource& source);

// When `source` was made by open_parts_source: checks that the part list was cut from
// the bundle whose index is `index_bytes` (bundle_json_sha256, bundle_id); parts of
// another bundle => Error(bundle_corrupt). Does nothing for other sources.
void check_part_list(const ByteSource& source, const std::string& index_bytes,
                     const std::string& bundle_id);

// A bundle argument as the readers take it: "NAME.sdc.001" (the first part of a split
// bundle) becomes "NAME.sdc.parts.json" when that exists; anything else is unchanged. Both
// front ends apply it to every BUNDLE argument.
std::string bundle_path_argument(const std::string& path);

// "-" => stdin; "*.parts.json" => parts; an existing file => that file; "NAME.sdc" that
// does not exist but has "NAME.sdc.parts.json" next to it => its parts.
std::unique_ptr<ByteSource> open_bundle_source(const std::string& path,
                                               PartCheck check = PartCheck::hashes);

}  // namespace bundles
