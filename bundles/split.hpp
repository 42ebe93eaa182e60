#pragma once
// Split volumes (docs/bundle-format.md §7): cuts a finished bundle NAME.sdc into
// NAME.sdc.001, NAME.sdc.002, ... of part_size bytes (the last one shorter), next to it,
// and writes NAME.sdc.parts.json with each part's size and SHA-256, so a reader names a
// bad part before joining. `cat NAME.sdc.0* > NAME.sdc` gives back the same bytes.
// Joining and reading parts is the reader's side.

#include <manifest/part_list.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bundles {

enum class KeepOriginal { yes, no };

struct SplitResult {
  manifest::PartList list;
  std::string list_path;                // NAME.sdc.parts.json
  std::vector<std::string> part_paths;  // NAME.sdc.001, ...
};

// Splits the bundle at `path`. Streams (bounded memory), writes every file atomically,
// and removes parts a previous split with more parts left behind (they would break
// `cat NAME.sdc.0*`). Removes the bundle itself only with KeepOriginal::no, after
// everything else is written. Throws common::Error:
//   usage          part_size is 0 or 4 GiB or more (parts must fit FAT32), or the
//                  bundle would need more than 999 parts;
//   the seek-table / index errors of a damaged bundle (bundle_corrupt, ...);
//   not_found / io / no_space for the files. On error, no new part and no part list are
//   left behind.
SplitResult split_bundle(const std::string& path, std::uint64_t part_size,
                         KeepOriginal keep = KeepOriginal::yes);

}  // namespace bundles
