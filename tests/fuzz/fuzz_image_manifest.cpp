// libFuzzer target: image manifests as they come from a bundle, an updates server or a DC
// IMGAPI: the basic parse, then full IMGAPI validation in every profile (imgmanifest's rules
// walk arbitrary JSON shapes) and the IMGAPI key order used when a manifest is sent on.

#include "fuzz_expect.hpp"

#include <manifest/image_manifest.hpp>
#include <manifest/validate.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("ImageManifest::parse", [&] {
    const manifest::ImageManifest m = manifest::ImageManifest::parse(text, "fuzz manifest");
    for (const auto profile : {manifest::Profile::minimal, manifest::Profile::dc,
                               manifest::Profile::public_, manifest::Profile::private_}) {
      manifest::ValidateOptions options;
      options.profile = profile;
      options.channels_enabled = profile == manifest::Profile::private_;
      (void)manifest::describe(manifest::validate(manifest::validation_form(m.json()), options));
    }
    (void)manifest::in_imgapi_order(m.json());
  });
  return 0;
}
