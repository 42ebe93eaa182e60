#pragma once
// Which staged images go into the DC IMGAPI, and in which order: every image role but
// "platform" (Triton keeps platforms out of IMGAPI; `sdcadm platform install` takes the
// file), each uuid once, every origin before the images built on it (issue 5 item 5).
// Reads the staged manifests, so it runs after stage.

#include <installer/stage_plan.hpp>
#include <manifest/image_manifest.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace installer {

struct ImportItem {
  StagedImage image;                   // where its manifest and file are staged
  manifest::ImageManifest manifest;    // the staged manifest, as the updates server sent it
  manifest::ImageFile file;            // its files[0]
  std::optional<std::size_t> origin;   // index (in the returned list) of its origin, when
                                       // the bundle carries it
  std::optional<std::string> external_origin;  // its origin's uuid when the bundle does
                                               // not carry it (must be in IMGAPI already)
};

// The import list for `plan`, origins first (a stable topological order: otherwise the
// index's order). Throws Error(not_found) naming the image and `sdcadm-install stage` when
// a manifest or file is not staged (or the file has another size), Error(bad_data) for a
// staged manifest that does not parse or has no files[0], Error(origin_loop) for an origin
// cycle among the bundle's images.
std::vector<ImportItem> plan_import(const StagePlan& plan);

// Bytes of the files in `items`.
std::uint64_t import_bytes(const std::vector<ImportItem>& items);

}  // namespace installer
