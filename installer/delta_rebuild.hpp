#pragma once
// The headnode half of delta artifacts while staging (docs/bundle-format.md §3a): before
// the stage pass each base is uncompressed into a temp file; when a patch member has
// streamed in (and the reader has checked its chunk hashes), the image file is rebuilt
// from that base and the patch and checked against the signed index before stage.cpp keeps
// it like any streamed member (temp file, renamed only after the whole bundle is verified).
//
// Temp files live in the staging directory under names is_temp_name() recognises
// ("<dir>/.<base uuid>.base.sdcadm-install-tmp", "... .download ...", "<dir>/.<image
// uuid>.imgpatch.sdcadm-install-tmp"), so a run killed with -9 leaves nothing the next run
// does not remove; every other outcome removes them at once.
//
// Memory: the rebuild is delta::rebuild_image (about 40 MiB plus a 4 MiB queue); the
// checks hash the rebuilt bytes as they pass. Nothing grows with the image.

#include <installer/delta_bases.hpp>
#include <installer/stage_plan.hpp>

#include <delta/patch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace installer {

// The uncompressed bases of one stage run, removed by the destructor whatever happens.
class UnpackedBases {
 public:
  UnpackedBases() = default;
  // Uncompresses each base into `dir` (a base from the DC IMGAPI is downloaded first, its
  // SHA-1 and size checked by the client, then uncompressed and the download removed).
  // Errors: the IMGAPI client's, delta::unpack_image's (bad_data for a corrupt base,
  // no_space), Error(io).
  UnpackedBases(const std::vector<DeltaBase>& bases, const std::string& dir, const DeltaBaseOptions& options);
  ~UnpackedBases();
  UnpackedBases(UnpackedBases&& other) noexcept;
  UnpackedBases& operator=(UnpackedBases&& other) noexcept;
  UnpackedBases(const UnpackedBases&) = delete;
  UnpackedBases& operator=(const UnpackedBases&) = delete;

  // The uncompressed file of base `uuid`; Error(internal) when it was not prepared.
  const std::string& path_of(const std::string& uuid) const;
  std::uint64_t bytes() const { return m_bytes; }  // uncompressed bytes on disk

 private:
  void remove_all() noexcept;
  std::vector<std::pair<std::string, std::string>> m_files;  // base uuid -> temp path
  std::uint64_t m_bytes = 0;
};

// Where a target's patch waits for its rebuild: "<dir>/.<image uuid>.imgpatch.sdcadm-install-tmp".
std::string patch_temp_path(const StageTarget& target);

// What the rebuilt file was, as hashed on its way to the sink.
struct RebuiltFile {
  std::uint64_t size = 0;
  std::vector<std::string> sha256;  // chunk_size chunk hashes
  std::string sha1;
  double seconds = 0;               // how long the rebuild took (for the log)
};

// Rebuilds the file of `image` (a delta target) from the uncompressed base `base_path` and
// the patch in `patch_path`, giving its bytes to `out`; then checks size and chunk hashes
// against the signed delta.file_size/file_sha256. Error(integrity) naming the image and
// saying a full bundle is the way out when the patch does not apply to this base or the
// result is not the signed file; the sink's errors pass through.
RebuiltFile rebuild_staged_file(const StageTarget& target, const std::string& image, const std::string& base_path,
                                const std::string& patch_path, std::uint64_t chunk_size, const delta::ByteSink& out);

}  // namespace installer
