// libFuzzer target: what an IMGAPI (an updates server, a DC IMGAPI, or anything answering in
// their place) sends back: the client's JSON bound, a ListImages page (an array of
// manifests), a GetImage body (one manifest) and an error body for each error status the
// client maps to an exit code. Error bodies must never throw (ApiError::parse promises it).

#include "fuzz_expect.hpp"

#include <imgapi/api_error.hpp>
#include <common/json.hpp>
#include <manifest/image_manifest.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // The client's bounds for a reply kept in memory (imgapi/client.cpp): depth 64, 64 MiB.
  fuzz::accepts("IMGAPI reply", [&] {
    common::Json reply = common::parse_json(body, "IMGAPI reply", 64, 64u << 20);
    if (reply.is_array()) {
      for (auto& item : reply) {
        fuzz::accepts("list item", [&] { (void)manifest::ImageManifest::from_json(item, "list item"); });
      }
    } else {
      (void)manifest::ImageManifest::from_json(std::move(reply), "image reply");
    }
  });
  for (const long status : {400L, 404L, 409L, 422L, 500L, 503L}) {
    try {
      const imgapi::ApiError e = imgapi::ApiError::parse(status, body);
      (void)e.describe();
      (void)imgapi::api_error_to_exception(e, "GET", "/images").what();
    } catch (const std::exception& e) {
      fuzz::bug(std::string("ApiError::parse threw: ") + e.what());
    }
  }
  return 0;
}
