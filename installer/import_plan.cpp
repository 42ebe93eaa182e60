#include <installer/import_plan.hpp>

#include <common/error.hpp>

#include <functional>
#include <map>
#include <sys/stat.h>

namespace installer {

using common::Error;
using common::ExitCode;

namespace {

ImportItem load_item(const VerifiedBundle& bundle, const StagedImage& image) {
  const auto not_staged = [&](const std::string& why) {
    return Error(ExitCode::not_found, describe(image) + " is not staged (" + why +
                                          "); run `sdcadm-install stage BUNDLE` first");
  };
  struct stat st {};
  if (::stat(image.file_path.c_str(), &st) != 0) throw not_staged(image.file_path + " is missing");
  if (static_cast<std::uint64_t>(st.st_size) != image.file_size) {
    throw not_staged(image.file_path + " has " + std::to_string(st.st_size) + " bytes, not " +
                     std::to_string(image.file_size));
  }
  const std::string text = verified_staged_manifest(bundle, image);
  auto manifest = manifest::ImageManifest::parse(text, "staged manifest " + image.manifest_path);
  const auto file = manifest.file();
  if (manifest.uuid() != image.uuid || !file) {
    throw Error(ExitCode::bad_data, "staged manifest " + image.manifest_path +
                                        " is not the manifest of " + describe(image) +
                                        " with a file; run `sdcadm-install stage BUNDLE` again");
  }
  return ImportItem{image, std::move(manifest), *file, signed_file_of(bundle, image), std::nullopt, std::nullopt};
}

}  // namespace

std::vector<ImportItem> plan_import(const VerifiedBundle& bundle, const Paths& paths) {
  const StagePlan plan = plan_stage(bundle.index(), paths);
  std::vector<ImportItem> loaded;
  std::map<std::string, std::size_t> by_uuid;
  for (const auto& image : plan.images) {
    if (image.role == "platform" || by_uuid.count(image.uuid)) continue;
    by_uuid.emplace(image.uuid, loaded.size());
    loaded.push_back(load_item(bundle, image));
  }
  // Depth-first over origins: an image is placed after its origin.
  std::vector<int> state(loaded.size(), 0);  // 0 new, 1 on the path, 2 placed
  std::vector<ImportItem> out;
  std::map<std::string, std::size_t> placed;
  std::function<void(std::size_t)> place = [&](std::size_t i) {
    if (state[i] == 2) return;
    if (state[i] == 1) {
      throw Error(ExitCode::origin_loop, "the origins of " + describe(loaded[i].image) +
                                             " lead back to it; the bundle cannot be imported");
    }
    state[i] = 1;
    const auto origin = loaded[i].manifest.origin();
    if (origin) {
      if (const auto o = by_uuid.find(*origin); o != by_uuid.end()) place(o->second);
    }
    state[i] = 2;
    ImportItem item = loaded[i];
    if (origin) {
      if (const auto p = placed.find(*origin); p != placed.end()) item.origin = p->second;
      else item.external_origin = *origin;
    }
    placed.emplace(item.image.uuid, out.size());
    out.push_back(std::move(item));
  };
  for (std::size_t i = 0; i < loaded.size(); ++i) place(i);
  return out;
}

std::uint64_t import_bytes(const std::vector<ImportItem>& items) {
  std::uint64_t total = 0;
  for (const auto& item : items) total += item.file.size;
  return total;
}

}  // namespace installer
