#pragma once
// Where each member of a bundle goes on the headnode, and which of those files are
// already there (a re-run, or a bundle sharing images with an earlier one). Pure
// planning over the index: stage.cpp does the writing.
//
// Rules (docs/bundle-format.md §3, issue 5 item 4):
//   * every artifact of an image role (service-image, origin, agent, agentsshar, gz-tools,
//     platform, sdcadm) stages its file to `stage_as` (default /usbkey/images/<uuid>.imgfile)
//     and its manifest to /usbkey/images/<uuid>.imgmanifest when the file goes to
//     /usbkey/images, else to /var/sdcadm/install/manifests/<uuid>.imgmanifest (a manifest
//     without its file in /usbkey/images would break a later headnode setup, which
//     imports every pair found there);
//   * `stage_as` must be /usbkey/images/<uuid>.imgfile of that very artifact, or a path
//     under /usbkey/extra/; anything else is refused (bundle_unsafe) even in a signed
//     bundle: the installer never writes elsewhere;
//   * the "installer" role (a newer sdcadm-install, self-update) and roles this version
//     does not know are not staged; they are listed in not_staged;
//   * members no artifact names (changelog.json) are verified while streaming and dropped;
//   * a delta artifact (format version 2, docs/bundle-format.md §3a) stages the file
//     rebuilt from its base image and its patch member: its file target names the patch
//     member, with the rebuilt file's size and chunk hashes (delta.file_size/file_sha256),
//     so a staged file is checked the same way whichever way it reached the headnode.

#include <installer/paths.hpp>
#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace installer {

// The largest manifest member accepted (IMGAPI's own JSON body limit is 1 MiB).
inline constexpr std::uint64_t k_max_manifest_member = 1u << 20;

// One file the stage pass writes.
struct StageTarget {
  std::string member;         // index member name (a delta's: its patch member)
  std::string headnode_path;  // "/usbkey/images/<uuid>.imgfile"
  std::string path;           // the same under the root
  std::uint64_t size = 0;     // of the file written (a delta's: the rebuilt file)
  std::vector<std::string> sha256;  // its chunk hashes (the member's, or delta.file_sha256)
  std::optional<manifest::BundleDelta> delta;  // set: the file is rebuilt from a base image
  std::string image_uuid;     // a delta's image (for messages)
};

// One image artifact, with where its two halves are staged.
struct StagedImage {
  std::string uuid, name, version, role, published_at;
  std::string manifest_member;
  std::string file_member;               // the member the file comes from (a delta: its patch)
  std::string manifest_path, file_path;  // under the root
  std::string file_headnode_path;        // as sdcadm will be given it
  std::uint64_t file_size = 0;           // the staged file's (a delta: the rebuilt file's)
  std::vector<std::string> file_sha256;  // the staged file's chunk hashes
  std::optional<manifest::BundleDelta> delta;  // set: rebuilt from an image the DC has
  std::uint64_t patch_size = 0;          // a delta's patch member size
};

// "image UUID (name@version)": how messages name a staged image.
std::string describe(const StagedImage& image);

struct StagePlan {
  std::vector<StageTarget> targets;      // index member order; each path once
  std::vector<StagedImage> images;       // image artifacts in index order, each uuid once
  std::vector<std::string> not_staged;   // "installer 0.2.0 (role installer)", ...
};

// Builds the plan. Throws Error(bundle_unsafe) for a stage_as outside the rules above,
// Error(bundle_corrupt) for an image artifact without a file member, two artifacts with
// the same uuid but other members, two members staged to one path, Error(bundle_too_large)
// for a manifest member above k_max_manifest_member.
StagePlan plan_stage(const manifest::BundleIndex& index, const Paths& paths);

// The facts of a staged file that matched its member.
struct ExistingFile {
  bool matches = false;   // a regular file (not a link) of the member's size and hashes
  std::string sha1;       // its SHA-1 (hex) when it matches
};

// Checks the file at `path` against `member` (size first, then every chunk SHA-256,
// computing the SHA-1 in the same read). A missing file, a link, another size or another
// hash is "no match"; an unreadable file is Error(io).
ExistingFile check_existing(const std::string& path, const manifest::BundleMember& member,
                            std::uint64_t chunk_size);
// What a target's file must be, as a member (name, size, chunk hashes) for check_existing.
manifest::BundleMember expected_file(const StageTarget& target);

// The temporary name a target is written under until the whole bundle has been verified:
// "<dir>/.<name>.sdcadm-install-tmp" (hidden, so globs like agents-*.sh never see it).
std::string temp_path_for(const std::string& path);
// True for names temp_path_for makes.
bool is_temp_name(const std::string& file_name);

}  // namespace installer
