#include <installer/delta_bases.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <common/progress.hpp>
#include <delta/compression.hpp>
#include <imgapi/client.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

// The local base when it is exactly the signed one; nullopt otherwise (missing, a link,
// another size or another SHA-1: not this DC's copy of the base).
std::optional<DeltaBase> local_base(const manifest::BundleDelta& d, const Paths& paths) {
  const std::string path = paths.local("/usbkey/images/" + d.base_uuid + ".imgfile");
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) != d.base_size) {
    return std::nullopt;
  }
  if (common::file_hex_digest(common::HashAlgorithm::sha1, path) != d.base_sha1) return std::nullopt;
  DeltaBase base;
  base.uuid = d.base_uuid;
  base.file = {d.base_sha1, d.base_size, delta::name_of(d.base_compression)};
  base.from = DeltaBase::From::usbkey;
  base.path = path;
  // The version, for the plan: from the manifest beside it, when it is readable.
  try {
    const std::string text =
        common::read_small_file(paths.local("/usbkey/images/" + d.base_uuid + ".imgmanifest"), k_max_manifest_member);
    base.version = manifest::ImageManifest::parse(text, "base manifest").version();
  } catch (const Error&) {
  }
  return base;
}

// What the DC IMGAPI has of the base: the base, or why not ("" when it lacks the image).
std::optional<DeltaBase> imgapi_base(const manifest::BundleDelta& d, imgapi::Client& client, std::string& why_not) {
  const std::optional<manifest::ImageManifest> image = client.find_image(d.base_uuid);
  if (!image) return std::nullopt;
  const auto file = image->file();
  if (!file) {
    why_not = "the DC IMGAPI's image " + d.base_uuid + " has no file";
    return std::nullopt;
  }
  if (file->sha1 != d.base_sha1 || file->size != d.base_size) {
    why_not = "the DC IMGAPI's image " + d.base_uuid + " has a file of " + std::to_string(file->size) +
              " bytes with SHA-1 " + file->sha1 + ", not the bundle's base";
    return std::nullopt;
  }
  DeltaBase base;
  base.uuid = d.base_uuid;
  base.file = {d.base_sha1, d.base_size, delta::name_of(d.base_compression)};
  base.from = DeltaBase::From::imgapi;
  base.version = image->version();
  return base;
}

}  // namespace

std::vector<const StagedImage*> deltas_to_rebuild(const StagePlan& plan) {
  std::vector<const StagedImage*> out;
  for (const auto& image : plan.images) {
    if (!image.delta) continue;
    struct stat st {};
    const bool in_place = ::lstat(image.file_path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                          static_cast<std::uint64_t>(st.st_size) == image.file_size;
    if (!in_place) out.push_back(&image);
  }
  return out;
}

std::vector<DeltaBase> find_delta_bases(const std::vector<const StagedImage*>& images, const Paths& paths,
                                        const DeltaBaseOptions& options) {
  std::vector<DeltaBase> found;
  std::vector<std::string> missing;
  std::optional<imgapi::Client> client;
  for (const StagedImage* image : images) {
    const manifest::BundleDelta& d = *image->delta;
    if (const DeltaBase* known = base_of(found, *image)) {
      if (known->file.sha1 == d.base_sha1 && known->file.size == d.base_size) continue;
    }
    std::optional<DeltaBase> base = local_base(d, paths);
    std::string why_not;
    if (!base && options.imgapi_url) {
      if (!client) client.emplace(*options.imgapi_url, options.client);
      base = imgapi_base(d, *client, why_not);
    }
    if (base) {
      found.push_back(std::move(*base));
      continue;
    }
    if (why_not.empty()) {
      why_not = options.imgapi_url ? "neither /usbkey/images nor the DC IMGAPI has it"
                                   : "/usbkey/images does not have it (and no DC IMGAPI was asked)";
    }
    missing.push_back(image->name + " " + image->version + " (" + image->uuid + ") needs base image " +
                      d.base_uuid + " with SHA-1 " + d.base_sha1 + ": " + why_not);
  }
  if (!missing.empty()) {
    std::string message = "cannot rebuild " + std::to_string(missing.size()) + " image(s) of the bundle: ";
    for (std::size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
    throw Error(ExitCode::delta_base_missing, message + ". Nothing was staged: " + k_full_bundle_advice);
  }
  return found;
}

const DeltaBase* base_of(const std::vector<DeltaBase>& bases, const StagedImage& image) {
  if (!image.delta) return nullptr;
  for (const auto& b : bases) {
    if (b.uuid == image.delta->base_uuid) return &b;
  }
  return nullptr;
}

std::string describe_delta(const StagedImage& image, const DeltaBase* base) {
  const manifest::BundleDelta& d = *image.delta;
  const std::string where = !base                                  ? ""
                            : base->from == DeltaBase::From::usbkey ? "in /usbkey/images"
                                                                    : "from the DC IMGAPI";
  const std::string against =
      base && !base->version.empty()
          ? base->version + " (" + d.base_uuid + (where.empty() ? "" : ", " + where) + ")"
          : d.base_uuid + (where.empty() ? "" : " (" + where + ")");
  return image.name + "@" + image.version + " (" + image.uuid + "): delta against " + against + ", patch " +
         common::format_bytes(image.patch_size) + " for a " + common::format_bytes(image.file_size) + " file";
}

std::vector<std::string> check_delta_bases(const StagePlan& plan, const Paths& paths, const DeltaBaseOptions& options) {
  const std::vector<const StagedImage*> rebuild = deltas_to_rebuild(plan);
  const std::vector<DeltaBase> bases = find_delta_bases(rebuild, paths, options);
  std::vector<std::string> lines;
  for (const auto& image : plan.images) {
    if (!image.delta) continue;
    const bool staged = std::find(rebuild.begin(), rebuild.end(), &image) == rebuild.end();
    lines.push_back(describe_delta(image, base_of(bases, image)) + (staged ? ", already staged" : ""));
  }
  return lines;
}

}  // namespace installer
