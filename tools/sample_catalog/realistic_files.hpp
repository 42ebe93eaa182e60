#pragma once
// Image files for --payload realistic: the layout of image_files.hpp, but the bulk is a
// tree of files from content_model.hpp (so version k+1 of a name shares most of version
// k's content) and each file is compressed the way Triton's build compresses it:
//  - base/origin/zone: pigz -6, 128 KiB blocks, of a tar stream (the real file is a zfs
//    send stream; what matters to a delta is that most of it recurs, which a tar does);
//    gzip header as pigz writes reading a pipe: no name, XFL 0, OS 3, MTIME = build time
//  - agent: a .tgz with zlib -6 (node's zlib), header MTIME 0, OS 3
//  - gz-tools: pigz -6 (`gtar -I pigz`) around tools.tar.gz (zlib -6) and cn_tools
//  - agentsshar, sdcadm: the shar script, then embedded .tgz files (zlib -6) of the
//    agents (of sdcadm), which change from one version to the next
//  - platform: not handled here; it keeps the random-mode file (its real compressor is
//    GNU gzip, which the delta builder cannot reproduce, so it always ships whole)
// The uncompressed size is chosen so the compressed file is about image.payload_bytes
// (the text-like share compresses ~3x, the binary-like share not at all).

#include <tools/sample_catalog/image_files.hpp>

namespace sample_catalog {

FileDigest write_realistic_image_file(const PlannedImage& image, std::uint64_t seed,
                                      const std::string& path, const ImageHistory& history);

}  // namespace sample_catalog
