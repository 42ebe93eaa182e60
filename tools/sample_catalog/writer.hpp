#pragma once
// Writes a catalog directory (DESIGN.md "catalog directory": what `sdcadm-bundle serve
// DIR` serves as an updates server) from a CatalogPlan:
//   <uuid>.imgmanifest  API-form manifest (IMGAPI key order, 2-space JSON, "channels")
//   <uuid>.imgfile      the image file; files[0].sha1/size in the manifest match it
//   channels.json       the standard channels of updates.tritondatacenter.com, "dev" default
//   catalog.json        a summary for tests and the demo (not read by IMGAPI):
//     {"generator": "sample-catalog", "seed": N, "scale": BYTES, "images": N,
//      "total_bytes": BYTES (sum of the .imgfile sizes),
//      "services": {<svc>: [<image name>...]}   sdcadm's imgNamesFromSvcName, as embedded
//      "extra_services": {<svc>: [<image name>...]}   nat, manta
//      "artifacts": {<image name>: [ {"uuid", "version", "published_at", "channels",
//                    "origin" (uuid or null), "kind", "services", "file_name", "size",
//                    "sha1", "buildstamp" (only when the image has tags.buildstamp)} ...]}}
//     with each name's images sorted by published_at, oldest first.
// The directory appears all at once: everything is written to "<dir>.tmp.<pid>" and
// renamed into place at the end; a failure leaves no partial catalog behind.

#include <tools/sample_catalog/catalog_plan.hpp>
#include <tools/sample_catalog/image_files.hpp>

#include <cstdint>
#include <string>

namespace sample_catalog {

enum class ExistingDir {
  refuse,   // an existing non-empty directory is an error (ExitCode::conflict)
  replace,  // it is replaced by the new catalog (--force)
};

struct WriteSummary {
  std::size_t images = 0;
  std::uint64_t total_bytes = 0;  // sum of the image files
};

// Throws common::Error: conflict (non-empty dir without replace), io / no_space.
WriteSummary write_catalog(const CatalogPlan& plan, const std::string& dir, ExistingDir existing,
                           PayloadMode mode = PayloadMode::realistic);

}  // namespace sample_catalog
