#pragma once
// The signature slot, frame 1 of every bundle (docs/bundle-format.md §5): one zstd frame
// made of a single raw block that holds the 512-byte tar header of `bundle.sig` and 65536
// bytes of JSON padded with spaces. Raw block + no checksum + content size in the header
// means the frame's bytes around the JSON never change, so signing rewrites 64 KiB in
// place, whatever the bundle's size, and every zstd decoder still reads the frame.

#include <cstdint>
#include <string>
#include <string_view>

namespace bundles {

// What a freshly written bundle carries in its slot.
constexpr std::string_view k_empty_signature_json{"{\"signatures\":[]}"};

// `json` followed by spaces up to exactly 65536 bytes. Throws Error(bundle_too_large)
// when json is longer than the slot.
std::string pad_signature_json(std::string_view json);

// The complete frame 1: zstd frame header (single segment, 4-byte content size, no
// checksum), raw block header, tar header (mtime as given) and the padded JSON.
std::string signature_slot_frame(std::string_view json, std::int64_t mtime);

// The 12 bytes before the tar header in every signature frame (magic, descriptor, content
// size, block header): the same in every bundle.
std::string_view signature_frame_prefix();

// Reads the JSON in the slot of the bundle at `path` (trailing spaces removed), after
// checking through the seek table that frame 1 is a well-formed signature slot.
// Throws common::Error: not_found / io for the file, seek-table errors, bundle_corrupt
// when frame 1 is not a signature slot.
std::string read_signature_slot(const std::string& path);

// Replaces the JSON in the slot of the bundle at `path` in place (pwrite + fsync); every
// other byte of the file stays the same. Refuses (Error(bundle_too_large)) JSON longer
// than the slot, and anything read_signature_slot refuses. A crash during the 64 KiB write
// can leave a slot whose JSON does not parse: the bundle then reads as unsigned, and
// signing again repairs it.
void rewrite_signature_slot(const std::string& path, std::string_view json);

}  // namespace bundles
