// libFuzzer target: delta::apply_patch, which reads a patch member of a bundle on the
// headnode (docs/bundle-format.md §3a). The patch is hostile: it must rebuild a stream or be
// refused with a common::Error, never crash, overrun, allocate without bound or throw
// anything else. Patches name their base by size and SHA-256 in the header; the target
// writes the fixed base's values into any input that starts like a header, so mutations
// reach the segments, the zstd frames and the trailer instead of stopping at "wrong base".

#include "fuzz_delta_base.hpp"
#include "fuzz_expect.hpp"

#include <common/hash.hpp>
#include <delta/patch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

std::string g_base_path;
std::string g_base_sha256;  // raw 32 bytes
std::uint64_t g_base_size = 0;

constexpr std::size_t k_old_size_at = 40;  // patch_format.hpp: header field offsets
constexpr std::size_t k_old_sha_at = 48;
constexpr std::size_t k_header = 80;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string base = fuzz::delta_fuzz_base();
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/fuzz_delta_base.XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0 || write(fd, base.data(), base.size()) != static_cast<ssize_t>(base.size())) {
    fuzz::bug("cannot write the base file");
  }
  close(fd);
  g_base_path = path;
  g_base_size = base.size();
  common::Hasher h(common::HashAlgorithm::sha256);
  h.update(base);
  const auto digest = h.finish();
  g_base_sha256.assign(digest.begin(), digest.end());
  std::atexit([] { std::remove(g_base_path.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string patch(reinterpret_cast<const char*>(data), size);
  if (patch.size() >= k_header && patch.compare(0, 8, "SDCPATCH") == 0) {
    for (int i = 0; i < 8; ++i) patch[k_old_size_at + i] = static_cast<char>(g_base_size >> (8 * i));
    patch.replace(k_old_sha_at, 32, g_base_sha256);
  }
  std::size_t at = 0;
  const delta::ByteSource source = [&](char* buffer, std::size_t capacity) {
    // Odd piece sizes, so record boundaries fall inside reads.
    const std::size_t n = std::min({capacity, std::size_t{4093}, patch.size() - at});
    std::memcpy(buffer, patch.data() + at, n);
    at += n;
    return n;
  };
  std::uint64_t produced = 0;
  const delta::ByteSink sink = [&](const char*, std::size_t n) { produced += n; };
  fuzz::accepts("apply_patch", [&] {
    const std::uint64_t got = delta::apply_patch(g_base_path, source, sink, 16u << 20);
    if (got != produced) fuzz::bug("apply_patch's size differs from what it produced");
  });
  return 0;
}
