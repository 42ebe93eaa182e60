// libFuzzer target: the DC inventory (`sdcadm-install inventory` output carried to the
// connected side, where `sdcadm-bundle build --inventory` trims a bundle by it). There is no
// receipt parser: the installer's journal and history are written and read by the installer
// alone, never taken from outside.

#include "fuzz_expect.hpp"

#include <manifest/inventory.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("Inventory::parse", [&] {
    const manifest::Inventory inv = manifest::Inventory::parse(bytes);
    const std::string once = inv.serialize();
    if (manifest::Inventory::parse(once).serialize() != once) fuzz::bug("inventory round trip differs");
  });
  return 0;
}
