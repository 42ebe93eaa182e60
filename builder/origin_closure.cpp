#include <builder/origin_closure.hpp>

#include <common/error.hpp>

#include <algorithm>

namespace builder {

namespace {

std::string describe(const manifest::ImageManifest& image) {
  return image.uuid() + " (" + image.name() + "@" + image.version() + ")";
}

// "A -> B -> C -> A" for the loop that closes at `back_to`.
std::string cycle_text(const std::vector<std::string>& chain, const std::string& back_to) {
  const auto start = std::find(chain.begin(), chain.end(), back_to);
  std::string text;
  for (auto it = start; it != chain.end(); ++it) text += *it + " -> ";
  return text + back_to;
}

// An origin is imported before its children and IMGAPI refuses a child whose origin is
// not active; an origin without a file cannot be imported at all.
void check_usable_origin(const manifest::ImageManifest& origin,
                         const manifest::ImageManifest& child) {
  const std::string state = origin.state();
  if (!state.empty() && state != "active") {
    throw common::Error(common::ExitCode::bad_data,
                        "image " + describe(child) + " has origin " + describe(origin) +
                            ", which is " + state + " on the server, not active; the " +
                            "updates server is inconsistent, report it");
  }
  if (!origin.file()) {
    throw common::Error(common::ExitCode::bad_data,
                        "origin " + describe(origin) + " of image " + describe(child) +
                            " has no file on the server; it cannot be imported");
  }
}

}  // namespace

void ManifestCache::remember(const manifest::ImageManifest& image) {
  m_images.emplace(image.uuid(), image);
}

const manifest::ImageManifest* ManifestCache::find(const std::string& uuid) {
  auto it = m_images.find(uuid);
  if (it == m_images.end()) {
    it = m_images.emplace(uuid, m_updates.find_image(uuid, std::string("*"))).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<manifest::ImageManifest> missing_origins(const manifest::ImageManifest& image,
                                                     ManifestCache& cache,
                                                     const DcHasImage& dc_has) {
  std::vector<manifest::ImageManifest> chain;  // child-first while walking
  std::vector<std::string> seen{image.uuid()};
  const manifest::ImageManifest* child = &image;
  while (const auto origin_uuid = child->origin()) {
    if (std::find(seen.begin(), seen.end(), *origin_uuid) != seen.end()) {
      throw common::Error(common::ExitCode::origin_loop,
                          "origin loop on the updates server: " + cycle_text(seen, *origin_uuid) +
                              " (each arrow points at the image's origin); no import order "
                              "exists, report it to the server's operator");
    }
    if (dc_has && dc_has(*origin_uuid)) break;
    if (seen.size() > k_max_origin_depth) {
      throw common::Error(common::ExitCode::bad_data,
                          "image " + describe(image) + " has more than " +
                              std::to_string(k_max_origin_depth) +
                              " origins (IMGAPI's MAX_ORIGIN_DEPTH); IMGAPI cannot import it");
    }
    const manifest::ImageManifest* origin = cache.find(*origin_uuid);
    if (origin == nullptr) {
      throw common::Error(common::ExitCode::not_found,
                          "image " + describe(*child) + " has origin " + *origin_uuid +
                              ", which the updates server does not have (not in any channel); "
                              "the image cannot be imported without it, report it");
    }
    check_usable_origin(*origin, *child);
    seen.push_back(*origin_uuid);
    chain.push_back(*origin);
    child = &chain.back();
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

}  // namespace builder
