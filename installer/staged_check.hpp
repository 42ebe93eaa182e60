#pragma once
// What `stage` wrote under /usbkey is checked again against the signed index before it
// leaves the headnode (issue 12 items 8, 9). Stage verified every byte when it wrote the
// files, but anyone with write access to /usbkey can change them afterwards: an image file
// rewritten with the same size and its new SHA-1 put into the staged manifest would
// otherwise reach IMGAPI as `active`, since import used to take the manifest from /usbkey
// and check only its uuid and the file's size.
//
// The reference is the signed index: it carries each member's chunk SHA-256s, so a staged
// manifest must be the signed member's exact bytes, and a staged file must hash to the
// signed chunks. Both refusals are Error(integrity) naming what differs and how to put the
// bundle's bytes back (`sdcadm-install stage BUNDLE`: stage rewrites any file that does not
// match the index).
//
// Cost (bench/install_stage_import.sh, see docs/trust.md): the manifest check reads < 1 MiB
// per image; the file check reads the file once more (SHA-256 and SHA-1), so import only
// does it for files it is about to upload (images IMGAPI already holds active with the
// signed SHA-1 are not read at all).

#include <installer/stage_plan.hpp>
#include <installer/verified_bundle.hpp>

#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <string>

namespace installer {

// The staged manifest of `image` when it is exactly the bundle's signed manifest member;
// Error(integrity) otherwise, saying which fields differ (files[0].sha1, .size, origin,
// uuid) from the bundle's own manifest. A missing manifest => Error(not_found) naming
// `sdcadm-install stage`.
std::string verified_staged_manifest(const VerifiedBundle& bundle, const StagedImage& image);

// What a staged image file must hash to: its signed member and the index's chunk size.
struct SignedFile {
  manifest::BundleMember member;
  std::uint64_t chunk_size = 0;
};
SignedFile signed_file_of(const VerifiedBundle& bundle, const StagedImage& image);

// Reads the staged file at `image.file_path` and compares it with the signed member (size,
// every chunk SHA-256) and `manifest_sha1` (files[0].sha1 of the verified manifest).
// Error(integrity) when it differs, Error(not_found) when it is missing, Error(io).
void check_staged_file(const SignedFile& signed_file, const StagedImage& image,
                       const std::string& manifest_sha1);

}  // namespace installer
