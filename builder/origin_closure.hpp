#pragma once
// Origin chains of incremental images (reference/imgapi.md §4.4). A bundle must carry every
// origin the DC lacks, and the installer imports them oldest first, each once. The chain
// is walked with GET /images/UUID?channel=* because an origin may be published in other
// channels than its children (triton-origin images are). A server that lies is refused:
// an origin it does not have, an origin that is not active (IMGAPI would not import on
// it), a loop, or a chain deeper than IMGAPI's MAX_ORIGIN_DEPTH.

#include <imgapi/client.hpp>
#include <manifest/image_manifest.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace builder {

// IMGAPI's limit on origin chains (sdc-imgapi MAX_ORIGIN_DEPTH): at most this many
// ancestors per image.
inline constexpr std::size_t k_max_origin_depth = 100;

// Manifests by uuid from the updates server, across all channels, each fetched once.
class ManifestCache {
 public:
  explicit ManifestCache(imgapi::Client& updates) : m_updates(updates) {}

  // Adds an image already at hand (from a listing), so it is not fetched again.
  void remember(const manifest::ImageManifest& image);

  // The manifest of `uuid` (GET /images/UUID?channel=*), or nullptr when the server has no
  // such image (404). Other errors propagate. The pointer stays valid for the cache's life.
  const manifest::ImageManifest* find(const std::string& uuid);

 private:
  imgapi::Client& m_updates;
  std::map<std::string, std::optional<manifest::ImageManifest>> m_images;
};

// True when the DC already has `uuid` active (the walk stops there).
using DcHasImage = std::function<bool(const std::string& uuid)>;

// The origins of `image` that must come along, oldest first (not including `image`): the
// chain from image.origin upwards, stopping before the first origin `dc_has` accepts or
// after a base image (no origin). Throws Error(not_found) for an origin the server does not
// have ("image U (name@version) has origin O, which SERVER does not have"), Error(bad_data)
// for an origin that is not active or has no file, or for more than k_max_origin_depth
// ancestors, and Error(origin_loop) naming the cycle ("A -> B -> A").
std::vector<manifest::ImageManifest> missing_origins(const manifest::ImageManifest& image,
                                                     ManifestCache& cache,
                                                     const DcHasImage& dc_has);

}  // namespace builder
