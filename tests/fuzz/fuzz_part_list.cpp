// libFuzzer target: NAME.sdc.parts.json, the list of a split bundle's parts, read before
// any part is opened (its names become file names: they must never escape the directory).

#include "fuzz_expect.hpp"

#include <manifest/part_list.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("PartList::parse", [&] {
    const manifest::PartList list = manifest::PartList::parse(bytes, "b.sdc");
    const std::string once = list.serialize();
    if (manifest::PartList::parse(once, "b.sdc").serialize() != once) fuzz::bug("part list round trip differs");
  });
  return 0;
}
