#pragma once
// Stage: one streaming pass over a bundle that decompresses, hashes and writes every
// member the headnode needs (stage_plan.hpp says where), committing nothing until the
// whole bundle has been read and verified.
//
//   1. the bundle is a VerifiedBundle (its file is read again, and its index must be the
//      exact bytes whose signatures were checked: trust_mismatch otherwise) or a
//      VerifiedStream (standard input: checked inside this one pass, before anything is
//      written); there is no way to stage an unchecked bundle (verified_bundle.hpp);
//   1b. every directory written to is opened without following links from the root
//      (common/safe_dir.hpp): a link there is Error(unsafe_path), nothing is written;
//   2. targets already on disk with the right size and chunk SHA-256s are kept (a re-run
//      reads no payload at all when everything is there), temp files left by a killed run
//      are removed;
//   3. free space for the rest is checked before the first byte is written (no_space);
//   4. the pass: each member still needed streams into "<dir>/.<name>.sdcadm-install-tmp"
//      (fsync'ed at the member's end); its chunk hashes are checked by the reader, and each
//      image's manifest is checked against its file (uuid, files[0].size and .sha1);
//   5. only after the end of the bundle (seek table, end of input) has been verified are
//      the temp files renamed into place and their directories fsync'ed.
// Delta artifacts (docs/bundle-format.md §3a, delta_bases.hpp, delta_rebuild.hpp): before
// step 3, the base of every delta still to rebuild is found (/usbkey/images, else the DC
// IMGAPI in options.bases) or the bundle is refused, Error(delta_base_missing), with nothing
// written; the bases are then uncompressed into temp files, and the space check counts the
// rebuilt files and the patches on top of them (the uncompressed size of a base is known
// only once it is uncompressed, so that happens first: a disk that fills while it runs is
// Error(no_space) with the temp files removed). In the pass a patch member streams into a
// temp file; when it is complete and verified, the image is rebuilt into its target's temp
// file, and its size and chunk SHA-256s must be the signed delta.file's (else
// Error(integrity): nothing staged). From there it is a staged file like any other.
// Any failure (tampered, truncated, no space, I/O) removes every temp file: nothing is
// staged from a bad bundle. A kill -9 leaves temp files that the next run removes, and
// files renamed before the kill are kept by the next run's check.
//
// The caller holds the locks (the CLI takes the installer lock and the sdcadm lock).

#include <installer/delta_bases.hpp>
#include <installer/paths.hpp>
#include <installer/stage_plan.hpp>
#include <installer/verified_bundle.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace installer {

enum class SpaceCheck { check, skip };

// Watches the pass so that images can go to the DC IMGAPI while it still reads the bundle
// (stream_import.hpp). Called on the staging thread, in this order: pass_starts once,
// image_verified for each image as it completes, bundle_verified once the whole bundle has
// verified. A failure of the pass is thrown to stage_bundle's caller, which tells its
// listener (StreamImport::abandon) -- the listener is not called again.
class StageListener {
 public:
  virtual ~StageListener() = default;
  // Before the first byte is written (after the space check): the plan, and the images
  // whose manifest and file this pass writes (empty when everything is in place).
  virtual void pass_starts(const StagePlan& plan, const std::vector<const StagedImage*>& streamed) = 0;
  // One of those images: its manifest and its file have streamed into temp files, every
  // chunk of both matched the signed index, and the manifest describes the file (uuid,
  // files[0].size and .sha1). `file_temp_path` stays readable until bundle_verified returns.
  virtual void image_verified(const StagedImage& image, const std::string& manifest_text,
                              const std::string& file_temp_path) = 0;
  // The end of the bundle (seek table, end of input) has verified and every manifest
  // matches its file; the temp files are renamed into place when this returns.
  virtual void bundle_verified() = 0;
};

struct StageOptions {
  SpaceCheck space = SpaceCheck::check;
  // Bundle bytes consumed so far and the bundle's size (0 when unknown: a pipe).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Called with each image once both its files are in place (in index order, after the
  // renames); lets a caller start importing.
  std::function<void(const StagedImage& image)> on_staged;
  // Told about the pass (nullptr: nobody): lets a caller import images as they verify.
  StageListener* listener = nullptr;
  // Where delta bases missing from /usbkey/images are looked for (the DC IMGAPI); unset:
  // /usbkey/images only.
  DeltaBaseOptions bases;
};

struct StageReport {
  std::string bundle_id;
  std::size_t files = 0;          // targets in the plan
  std::size_t written = 0;        // written by this run
  std::size_t already = 0;        // found in place
  std::uint64_t bytes_written = 0;
  std::uint64_t bytes_already = 0;
  bool payload_read = false;      // false when everything was in place already
  std::uint64_t bundle_bytes_read = 0;
  std::size_t rebuilt = 0;               // delta images rebuilt by this run
  std::uint64_t rebuilt_bytes = 0;       // their files' bytes
  std::uint64_t base_bytes = 0;          // uncompressed bases written (temp, removed)
  double rebuild_seconds = 0;            // spent rebuilding
  StagePlan plan;
};

// Stages the checked bundle (a file, NAME.sdc.parts.json): its file is streamed again,
// bound to the signed index bytes. Errors: the reader's (not_found, bundle_*),
// Error(trust_mismatch) when the file now holds another index, plan_stage's,
// Error(integrity) when an image's manifest does not describe its file,
// Error(unsafe_path) for a linked directory, Error(no_space), Error(io),
// Error(delta_base_missing) when a delta's base is on neither /usbkey nor the DC IMGAPI.
StageReport stage_bundle(const VerifiedBundle& bundle, const Paths& paths, const StageOptions& options);
// The same in the one pass of a checked stream (stage -). The stream is consumed.
StageReport stage_bundle(VerifiedStream&& bundle, const Paths& paths, const StageOptions& options);

}  // namespace installer
