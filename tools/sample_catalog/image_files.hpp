#pragma once
// The image file of each kind of artifact, shaped like the real build output
// (headnode.md §2.3, §3.1, §3.4, §4). With PayloadMode::realistic the bulk is a tree of
// files whose successive versions share most content (realistic_files.hpp); with
// PayloadMode::random (the layout below) it is incompressible random bytes:
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
#include <cstdio>
#include <string>
#include <vector>

namespace sample_catalog {

enum class PayloadMode {
  random,     // unrelated random bytes per image (the catalog before issue 16)
  realistic,  // successive versions of a name share most content; Triton's compressors
};

// Where an image stands among the images of its name: `version` indexes `build_times`,
// the build times of all images of that name, oldest first.
struct ImageHistory {
  int version = 0;
  std::vector<std::int64_t> build_times;
};

// Writes `image`'s file at `path` (atomically) and returns its size and SHA-1. The bytes
// depend only on `seed`, `mode`, the plan entry and (realistic) its history.
FileDigest write_image_file(const PlannedImage& image, std::uint64_t seed,
                            const std::string& path, PayloadMode mode,
                            const ImageHistory& history);

// The manifest's files[0].compression for a kind: "gzip" or "none".
const char* file_compression(ArtifactKind kind);

namespace detail {  // pieces both modes write (image_files.cpp)

extern const char* const k_bootstrap_sh;  // agents_core's bootstrap/bootstrap.sh stand-in
extern const char* const k_apm;           // agents_core's bootstrap/apm stand-in
std::string agent_package_json(const PlannedImage& image);
// The shar's script; `carries` says, in one comment line, what follows the script.
std::string shar_header(const PlannedImage& image, const std::string& carries);
std::string tool_script(const PlannedImage& image);  // gz-tools bin/sdc-sample-tool
std::string cn_tools_tgz(const PlannedImage& image, Prng& prng);  // a few KiB

// Removes a staging file however the scope is left.
struct StagedFile {
  std::string path;
  ~StagedFile() { std::remove(path.c_str()); }
};

}  // namespace detail

}  // namespace sample_catalog
