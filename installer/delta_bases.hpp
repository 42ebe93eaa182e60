#pragma once
// The base images of a bundle's delta artifacts (docs/bundle-format.md §3a), found before
// anything is staged. A delta carries only the difference between an image file and the
// file of an older image the builder saw in this DC's inventory; the headnode must have
// that older file byte for byte, or the image cannot be rebuilt. Where a base is looked for:
//
//   1. /usbkey/images/<base uuid>.imgfile, when it is a regular file of the signed
//      base.size whose SHA-1 is the signed base.sha1 (the whole file is read: a file of the
//      right size but other content is not the base, and is not used);
//   2. else the DC IMGAPI's image <base uuid>, when its manifest's files[0] has the signed
//      sha1 and size; its file is downloaded while staging (GET /images/<uuid>/file, whose
//      client checks the SHA-1 of the bytes again).
//
// A base found nowhere, or found with another SHA-1 or size, refuses the whole bundle with
// Error(delta_base_missing), naming every such image and its base, and saying what to do
// (ask for a full bundle). The patch header carries the uncompressed base's SHA-256 as well,
// so a base that changes between this check and the rebuild is still refused (integrity).

#include <installer/paths.hpp>
#include <installer/stage_plan.hpp>

#include <imgapi/types.hpp>
#include <manifest/image_manifest.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace installer {

struct DeltaBaseOptions {
  std::optional<std::string> imgapi_url;  // the DC IMGAPI; unset: /usbkey/images only
  imgapi::ClientOptions client;
};

// Where one base image's file is, and what it must be.
struct DeltaBase {
  enum class From { usbkey, imgapi };
  std::string uuid;
  manifest::ImageFile file;  // the signed sha1 and size (compression: base.compression's name)
  From from = From::usbkey;
  std::string path;          // From::usbkey: the file under the root
  std::string version;       // the base image's version when its manifest says ("" unknown)
};

// The images of `plan` that are deltas whose rebuilt file is not in place yet (a regular
// file of the rebuilt size at its target: the cheap test; stage's own check hashes it).
std::vector<const StagedImage*> deltas_to_rebuild(const StagePlan& plan);

// Finds the base of each of `images` (each base once, in order of first use). Throws
// Error(delta_base_missing) naming every image whose base is missing or different; the
// DC IMGAPI's errors other than 404 (network, remote_error) pass through: whether the base
// is there cannot be told then. Error(io) for an unreadable local base.
std::vector<DeltaBase> find_delta_bases(const std::vector<const StagedImage*>& images, const Paths& paths,
                                        const DeltaBaseOptions& options);

// The base `image` is rebuilt from, in `bases` (find_delta_bases' result); nullptr if absent.
const DeltaBase* base_of(const std::vector<DeltaBase>& bases, const StagedImage& image);

// How the plan names a delta: "imgapi@1.2.0 (uuid): delta against 1.1.0 (base uuid, in
// /usbkey/images), patch 12.0 MiB for a 150.0 MiB file".
std::string describe_delta(const StagedImage& image, const DeltaBase* base);

// The preflight plan and apply run before anything is shown or written: finds the bases of
// the deltas still to rebuild (throws as find_delta_bases) and returns one line per delta
// image of `plan` for the operator (describe_delta, or "..., already staged").
std::vector<std::string> check_delta_bases(const StagePlan& plan, const Paths& paths, const DeltaBaseOptions& options);

// The advice every "cannot rebuild" message ends with.
inline constexpr const char* k_full_bundle_advice =
    "this bundle is a delta against images this DC does not have; ask for a full bundle "
    "(sdcadm-bundle build --no-delta)";

}  // namespace installer
