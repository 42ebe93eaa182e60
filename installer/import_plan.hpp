#pragma once
// Which staged images go into the DC IMGAPI, and in which order: every image role but
// "platform" (Triton keeps platforms out of IMGAPI; `sdcadm platform install` takes the
// file), each uuid once, every origin before the images built on it (issue 5 item 5).
// Reads the staged manifests, so it runs after stage, and only from a checked bundle: each
// staged manifest must be the signed member's exact bytes (staged_check.hpp), so the SHA-1,
// size and origin IMGAPI is given are the signed ones.

#include <installer/stage_plan.hpp>
#include <installer/staged_check.hpp>
#include <installer/verified_bundle.hpp>
#include <manifest/image_manifest.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace installer {

struct ImportItem {
  StagedImage image;                   // where its manifest and file are staged
  manifest::ImageManifest manifest;    // the staged manifest, as the updates server sent it
                                       // (checked: the signed member's bytes)
  manifest::ImageFile file;            // its files[0]
  SignedFile signed_file;              // what the staged file must hash to (import checks
                                       // it just before uploading it)
  std::optional<std::size_t> origin;   // index (in the returned list) of its origin, when
                                       // the bundle carries it
  std::optional<std::string> external_origin;  // its origin's uuid when the bundle does
                                               // not carry it (must be in IMGAPI already)
};

// The import list for the checked bundle as staged under `paths`, origins first (a stable
// topological order: otherwise the index's order). Throws Error(not_found) naming the image
// and `sdcadm-install stage` when a manifest or file is not staged (or the file has another
// size), Error(integrity) for a staged manifest that is not the signed one,
// Error(bad_data) for a manifest without files[0], Error(origin_loop) for an origin cycle
// among the bundle's images.
std::vector<ImportItem> plan_import(const VerifiedBundle& bundle, const Paths& paths);

// Bytes of the files in `items`.
std::uint64_t import_bytes(const std::vector<ImportItem>& items);

}  // namespace installer
