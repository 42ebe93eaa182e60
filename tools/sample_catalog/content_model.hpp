#pragma once
// Realistic image content (--payload realistic): successive versions of one image name
// share most of their bytes, as successive builds of a Triton service do, so delta
// bundles can be measured on the sample catalog.
//
// An image name's content is a *lineage*: version 0 is a list of files (a node service:
// JavaScript and JSON under lib/ and node_modules/<package>/, executables and compressed
// assets as binary-like files), and version k is version k-1 after one release's edits.
// Nothing here holds file bytes: a file is a list of pieces, each "bytes [skip, skip+len)
// of the generated stream `seed`", and bytes are produced block by block on demand
// (content_bytes), so a release that edits a file in place only splices a piece in, and
// memory grows with the number of files, never with their size.
//
// One release (version k-1 -> k), per file, drawn from the release's own seed:
//   4%  edited in place: 1-3 spans of up to 1 KiB replaced by new bytes of similar length
//   1%  of text files / 3% of binary files replaced whole (a rebuilt executable)
//   1%  deleted; about as many bytes of new files added next to random existing ones
//   one node_modules package upgraded: all its files replaced (if one holds <= 10% of bytes)
// That changes a few percent of the bytes per release, as a service release does (a few
// source files, a dependency bump, a rebuilt binary): measured 0.3-13% at --scale 64M, where
// an image has only ~80 files and one rebuilt binary weighs a lot (README.md).

#include <cstdint>
#include <string>
#include <vector>

namespace sample_catalog {

struct ContentPiece {
  std::uint64_t seed = 0;
  std::uint64_t skip = 0;    // offset into the generated stream `seed`
  std::uint64_t length = 0;
};

struct ModelFile {
  std::string path;          // relative, no leading slash, under 100 bytes
  bool text = true;          // text-like (compresses ~3x) or binary-like (does not)
  unsigned mode = 0644;
  int changed_in = 0;        // the release that last changed it (0 = the first version)
  std::vector<ContentPiece> pieces;

  std::uint64_t size() const;
};

// The files of version `version` (0-based) of the lineage `lineage_seed`, whose first
// version holds about `target_bytes` of uncompressed content; paths start with `prefix`
// (e.g. "root/opt/smartdc/imgapi/"). Deterministic: the same arguments give the same
// list on every host.
std::vector<ModelFile> describe_version(std::uint64_t lineage_seed, std::uint64_t target_bytes,
                                        int version, const std::string& prefix);

// Writes bytes [offset, offset+size) of `file`'s content to `out`.
void content_bytes(const ModelFile& file, std::uint64_t offset, char* out, std::size_t size);

}  // namespace sample_catalog
