#pragma once
// Reading one bundle frame to its end and checking everything in it against the index:
// the shared core of the streaming reader, the random-access reader and parallel verify.
// The frame layout (layout.hpp) says exactly what a frame holds: [tar header] content
// [tar padding] [end of archive]; the index says the member's name, size and chunk hash.

#include <bundles/frame_reader.hpp>
#include <bundles/layout.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bundles {

// Receives content bytes in order. Bytes of a chunk arrive before that chunk's hash is
// checked: a receiver keeps nothing until the reader says the member is good.
using ByteSink = std::function<void(const char* data, std::size_t size)>;

// What one frame must hold.
struct FrameTarget {
  FramePlan plan;                              // from plan_frames()
  std::string_view name;                       // the member's name in the index
  std::uint64_t size = 0;                      // the member's size in the index
  const std::string* sha256 = nullptr;         // hex hash of this chunk; null = not hashed
                                               // (bundle.json, bundle.sig, empty members)
  const std::vector<std::string>* listed = nullptr;  // names in index order (closed world)
  std::size_t position = 0;                    // index of `name` in `listed`
};

// How the frame ended compared with the plan (the streaming reader turns the two odd
// cases into clear closed-world errors; random access treats them as corruption).
enum class FrameEnd {
  as_planned,
  archive_ended_early,  // a non-final frame carried the end-of-archive blocks
  archive_not_ended,    // the final frame lacked them: something follows the last member
};

// Largest content a data frame may declare for a given chunk_size: a full chunk plus its
// tar header, the largest padding and the end of the archive.
std::uint64_t max_data_frame_content(std::uint64_t chunk_size);

// `reader` has just started (next()) the frame `target` describes. Reads it to its end:
// checks the tar header (tar_check.hpp rules), that the declared content size matches
// the plan, hashes the content and compares the chunk hash (Error(bundle_hash) "member X
// chunk K: SHA-256 mismatch ..."), checks that tar padding and end blocks are zero, and
// that the frame then ends. Content goes to `sink` if set.
FrameEnd check_frame(FrameReader& reader, const FrameTarget& target, const ByteSink& sink);

// Frame 0, just started: a tar header naming bundle.json with at most 16 MiB (more =>
// Error(bundle_too_large)), the index bytes, tar padding, nothing else. Returns the exact
// index bytes.
std::string read_index_frame(FrameReader& reader);

// Frame 1, just started: bundle.sig with exactly 65536 bytes. Returns the slot's text
// without the trailing space padding.
std::string read_signature_frame(FrameReader& reader);

// "member images/U.imgfile chunk 2" / "bundle.json": names a frame in messages.
std::string frame_label(const FrameTarget& target);

}  // namespace bundles
