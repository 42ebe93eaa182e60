#pragma once
// One image's way into the DC IMGAPI, shared by the batch import (import.hpp: staged files,
// many images at a time) and the import that runs while stage still reads the bundle
// (stream_import.hpp):
//   what IMGAPI holds under the uuid decides first (active with the same files[0] =>
//   already_active; unactivated, a leftover of an interrupted run => deleted and imported
//   again; active with another file => Error(conflict)); then AdminImportImage
//   (skip_owner_check=true) -> AddImageFile (compression, sha1, streamed from the file) ->
//   ActivateImage, unless the caller activates later. Any failure after AdminImportImage
//   deletes the half-made image on a fresh connection, so none is left unactivated.

#include <installer/import.hpp>
#include <installer/import_plan.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace installer {

// "image U (name@version)".
std::string what_of(const ImportItem& item);

// How far one image goes.
struct ImageImportSteps {
  // Hash the staged file against the signed index before it leaves (staged_check.hpp), and
  // the bytes as they are sent (imgapi::UploadOptions::hash_sent). Off only for a file this
  // very process wrote and hashed a moment ago (stream_import); IMGAPI still checks the
  // signed SHA-1 it is sent, and its reply must carry it.
  bool check_staged_file = true;
  // Activate it; off: the caller activates it later (activate_image), once the whole bundle
  // is verified, or deletes it.
  bool activate = true;
};

// Imports `item`, retrying network failures and 5xx replies `options.attempts` times with a
// doubling pause; `progress` gets the bytes of the upload in flight (and may throw to cut
// it: the half-made image is removed). Errors as import_images documents, with the image
// named.
ImportedImage import_with_retries(const std::string& url, const ImportItem& item, const ImportOptions& options,
                                  const ImageImportSteps& steps, const std::function<void(std::uint64_t)>& progress);

// ActivateImage for an image imported with steps.activate off; warns when IMGAPI changed
// its published_at.
void activate_imported(const std::string& url, const imgapi::ClientOptions& options, const ImportItem& item);

// Deletes the image on a fresh connection (a failed upload may leave the old one carrying
// unsent body bytes). Never throws: a failure is a warning saying the next run removes it;
// returns whether it is gone.
bool remove_image(const std::string& url, const imgapi::ClientOptions& options, const ImportItem& item);

// Deletes the images among `uuids` that the DC IMGAPI holds unactivated: leftovers of a run
// killed while it imported (one ListImages?state=unactivated). Children go first (IMGAPI
// refuses to delete an origin of other images: 422 ImageHasDependentImages), so a run killed
// with a chain half-imported is cleaned up before anything is imported again. Returns the
// uuids deleted; throws the client's errors.
std::set<std::string> remove_unactivated_leftovers(const std::string& url, const imgapi::ClientOptions& options,
                                                   const std::set<std::string>& uuids);

}  // namespace installer
