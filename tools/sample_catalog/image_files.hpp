#pragma once
// The image file of each kind of artifact, shaped like the real build output
// (headnode.md §2.3, §3.1, §3.4, §4) with incompressible random bulk:
//  - base/origin/zone: a gzip stream of random bytes (like a .zfs.gz)
//  - agent: .tgz with <name>/image_uuid (the manifest uuid), <name>/package.json and
//    <name>/lib/payload.bin; agents_core also has bootstrap/bootstrap.sh and bootstrap/apm,
//    small bash stand-ins for its real bootstrap and apm (docs/agents.md)
//  - agentsshar, sdcadm: a bash script that exits before a random trailer (like a shar)
//  - gz-tools: .tgz with gz-tools/{tools.tar.gz,cn_tools.tar.gz,scripts/,default/};
//    tools.tar.gz holds etc/gz-tools.image (the manifest uuid)
//  - platform: .tgz with platform-<stamp>/i86pc/amd64/boot_archive (+ .hash) and a kernel
// Text files a real build writes with `echo`/`uuid >` end in a newline, as here.

#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/payload.hpp>

#include <cstdint>
#include <string>

namespace sample_catalog {

// Writes `image`'s file at `path` (atomically) and returns its size and SHA-1. The bytes
// depend only on `seed` and the plan entry.
FileDigest write_image_file(const PlannedImage& image, std::uint64_t seed,
                            const std::string& path);

// The manifest's files[0].compression for a kind: "gzip" or "none".
const char* file_compression(ArtifactKind kind);

}  // namespace sample_catalog
