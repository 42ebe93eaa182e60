// libFuzzer target: the seek table at the end of a bundle, which the seekable reader trusts
// for offsets before any hash is checked. The input is a whole file: its last 16 bytes are
// the footer, which names how many bytes before it are the table frame.

#include "fuzz_expect.hpp"

#include <bundles/seek_table.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  fuzz::accepts("seek table", [&] {
    const std::string_view footer = file.substr(file.size() >= 16 ? file.size() - 16 : 0);
    const std::uint64_t table = bundles::seek_table_size_from_footer(footer, file.size());
    if (table > file.size()) fuzz::bug("seek table larger than the file was accepted");
    const bundles::SeekTable t = bundles::decode_seek_table(file.substr(file.size() - table), file.size());
    (void)t;
  });
  return 0;
}
