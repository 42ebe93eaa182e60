#pragma once
// The import step's post-step check (issue 13 part 1): every image the bundle put into the
// DC IMGAPI is there, `active`, with the bundle's file (files[0].sha1 and size) as the signed
// manifest says, read back with GET /images/:uuid (imgapi/client.hpp), not from what the
// import said it did. Evidence: {"check": "images", "source": "DC IMGAPI GET /images/:uuid",
// "images": [{"uuid", "name", "version", "sha1", "size", "state", "seen_sha1", "seen_size"}]}.

#include <installer/step_checks.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace installer {

struct ExpectedImage {
  std::string uuid, name, version, sha1;
  std::uint64_t size = 0;
};

// Throws Unverified naming each image missing, not active or with another file; Error(network)
// when the IMGAPI cannot be reached.
common::Json verify_images(const std::string& imgapi_url, const std::vector<ExpectedImage>& images);

}  // namespace installer
