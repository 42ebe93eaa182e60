// libFuzzer target: the bundle index (bundle.json) parser, the first thing read from a
// bundle that has not been trusted yet. An accepted index must serialize and parse back to
// the same bytes (the writer's and the reader's views of a bundle never drift apart).

#include "fuzz_expect.hpp"

#include <manifest/bundle_index.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("BundleIndex::parse", [&] {
    const manifest::BundleIndex index = manifest::BundleIndex::parse(bytes);
    const std::string once = index.serialize();
    if (manifest::BundleIndex::parse(once).serialize() != once) fuzz::bug("index round trip differs");
  });
  return 0;
}
