#include <installer/staged_check.hpp>

#include <bundles/writer.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <manifest/image_manifest.hpp>

#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

const char* const k_restage =
    "; nothing of this image was sent to IMGAPI. Someone or something changed the staged copy after "
    "`stage`: find out who, then write it again from the signed bundle with `sdcadm-install stage "
    "BUNDLE` and run the command again";

const manifest::BundleMember& member_of(const VerifiedBundle& bundle, const std::string& name) {
  const manifest::BundleMember* m = bundle.index().find_member(name);
  if (m == nullptr) throw Error(ExitCode::internal, "member " + name + " is not in the signed index");
  return *m;
}

std::string opt(const std::optional<std::string>& s) { return s ? *s : "(none)"; }

// Which of the fields IMGAPI is given differ between the signed and the staged manifest.
std::string differences(const std::string& signed_text, const std::string& staged_text) {
  const auto want = manifest::ImageManifest::parse(signed_text, "bundle manifest");
  std::optional<manifest::ImageManifest> got;
  try {
    got = manifest::ImageManifest::parse(staged_text, "staged manifest");
  } catch (const Error&) {
    return "it is no longer a valid image manifest";
  }
  std::string out;
  const auto add = [&out](const std::string& field, const std::string& a, const std::string& b) {
    if (a == b) return;
    out += (out.empty() ? "" : ", ") + field + " is " + b + " (the signed bundle says " + a + ")";
  };
  add("uuid", want.uuid(), got->uuid());
  const auto wf = want.file();
  const auto gf = got->file();
  add("files[0].sha1", wf ? wf->sha1 : "(none)", gf ? gf->sha1 : "(none)");
  add("files[0].size", wf ? std::to_string(wf->size) : "(none)", gf ? std::to_string(gf->size) : "(none)");
  add("origin", opt(want.origin()), opt(got->origin()));
  return out.empty() ? "other fields differ from the signed manifest" : out;
}

}  // namespace

std::string verified_staged_manifest(const VerifiedBundle& bundle, const StagedImage& image) {
  const manifest::BundleMember& member = member_of(bundle, image.manifest_member);
  std::string staged;
  try {
    staged = common::read_small_file(image.manifest_path, k_max_manifest_member + 1);
  } catch (const Error& e) {
    if (e.code() != ExitCode::not_found && e.code() != ExitCode::bad_data) throw;
    if (e.code() == ExitCode::not_found) {
      throw Error(ExitCode::not_found, describe(image) + " is not staged (" + image.manifest_path +
                                           " is missing); run `sdcadm-install stage BUNDLE` first");
    }
  }
  if (staged.size() == member.size &&
      bundles::chunk_hashes_of(staged, bundle.index().chunk_size) == member.sha256) {
    return staged;
  }
  // Changed: say what, from the bundle's own (hash-checked) copy of the manifest.
  const std::string signed_text = bundle.reader().read_member(image.manifest_member, k_max_manifest_member);
  throw Error(ExitCode::integrity, "staged manifest " + image.manifest_path + " of " + describe(image) +
                                       " is not the one the signed bundle carries: " +
                                       differences(signed_text, staged) + k_restage);
}

SignedFile signed_file_of(const VerifiedBundle& bundle, const StagedImage& image) {
  if (image.delta) {
    // Rebuilt from a base and a patch: the signed index gives the rebuilt file's size and
    // chunk hashes (docs/bundle-format.md §3a), checked exactly as a member's are.
    member_of(bundle, image.file_member);  // the patch is listed (plan_stage made sure)
    return SignedFile{manifest::BundleMember{image.file_member, image.file_size, image.file_sha256},
                      bundle.index().chunk_size};
  }
  return SignedFile{member_of(bundle, image.file_member), bundle.index().chunk_size};
}

void check_staged_file(const SignedFile& signed_file, const StagedImage& image, const std::string& manifest_sha1) {
  struct stat st {};
  if (::lstat(image.file_path.c_str(), &st) != 0) {
    throw Error(ExitCode::not_found, describe(image) + " is not staged (" + image.file_path +
                                         " is missing); run `sdcadm-install stage BUNDLE` first");
  }
  const ExistingFile found = check_existing(image.file_path, signed_file.member, signed_file.chunk_size);
  if (!found.matches) {
    const bool same_size = S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == signed_file.member.size;
    throw Error(ExitCode::integrity,
                "staged file " + image.file_path + " of " + describe(image) + " is not the one the signed bundle carries (" +
                    (same_size ? std::string("same size, other content: its SHA-256 differs from the signed index")
                               : std::to_string(st.st_size) + " bytes, the signed index says " +
                                     std::to_string(signed_file.member.size)) +
                    ")" + k_restage);
  }
  if (found.sha1 != manifest_sha1) {  // the bundle's own manifest and file disagree: stage refuses that
    throw Error(ExitCode::integrity, "staged file " + image.file_path + " of " + describe(image) + " has SHA-1 " +
                                         found.sha1 + ", its signed manifest says " + manifest_sha1 + k_restage);
  }
}

}  // namespace installer
