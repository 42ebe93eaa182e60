#pragma once
// Delta bundles for the installer tests: two successive releases of one service image
// (tests/unit/delta/image_generator.hpp's tar-like streams), both compressed as buildimage
// does (pigz -6, 128 KiB blocks), and the patch from the old to the new uncompressed stream,
// ready for write_test_bundle's `deltas`.

#include "installer_support.hpp"
#include "../delta/image_generator.hpp"

#include <delta/patch.hpp>
#include <delta/recompress.hpp>
#include <delta/recipe.hpp>

#include <string>

namespace installer_test {

// pigz's header as imgadm writes it from a pipe: no name, an MTIME, OS 3.
inline delta::Recipe pigz6_recipe() {
  delta::Recipe r;
  r.kind = delta::RecipeKind::pigz;
  r.level = 6;
  r.block_kib = 128;
  r.header = std::string("\x1f\x8b\x08\x00\x5e\x1a\x2b\x67\x00\x03", 10);
  return r;
}

inline std::string compressed(const delta::Recipe& recipe, const std::string& raw) {
  std::string out;
  std::size_t pos = 0;
  delta::compress_with(
      recipe,
      [&](char* buffer, std::size_t capacity) {
        const std::size_t n = std::min(capacity, raw.size() - pos);
        raw.copy(buffer, n, pos);
        pos += n;
        return n;
      },
      [&](const char* data, std::size_t size) {
        out.append(data, size);
        return true;
      });
  return out;
}

// The DC's image (base) and the bundle's newer one (image), with their raw streams.
struct DeltaRelease {
  TestImage base, image;
  std::string base_raw, new_raw;
};

inline DeltaRelease delta_release(std::size_t bytes, int base_n = 11, int image_n = 12) {
  const auto v1 = delta_test::first_version(7, bytes);
  const auto v2 = delta_test::next_version(v1, 8, 8);
  DeltaRelease r;
  r.base_raw = delta_test::stream_of(v1);
  r.new_raw = delta_test::stream_of(v2);
  r.base = {uuid_n(base_n), "cnapi", "master-20250101T000000Z-g1", "service-image",
            compressed(pigz6_recipe(), r.base_raw), "", "", ""};
  r.image = {uuid_n(image_n), "cnapi", "master-20250201T000000Z-g2", "service-image",
             compressed(pigz6_recipe(), r.new_raw), "", "", ""};
  return r;
}

// The delta of `r.image` against `r.base` (the patch encoded against the raw base, which
// is written to `dir` for the encoder).
inline TestDelta delta_of(const TempDir& dir, const DeltaRelease& r) {
  const std::string raw = dir.file("base.raw");
  common::write_file_atomic(raw, r.base_raw);
  TestDelta d;
  d.image_uuid = r.image.uuid;
  d.base_uuid = r.base.uuid;
  d.base_sha1 = common::hex_digest(common::HashAlgorithm::sha1, r.base.file);
  d.base_size = r.base.file.size();
  d.base_compression = delta::Compression::gzip;
  d.recipe = pigz6_recipe();
  std::size_t pos = 0;
  delta::encode_patch(
      raw,
      [&](char* buffer, std::size_t capacity) {
        const std::size_t n = std::min(capacity, r.new_raw.size() - pos);
        r.new_raw.copy(buffer, n, pos);
        pos += n;
        return n;
      },
      [&](const char* data, std::size_t size) { d.patch.append(data, size); });
  std::remove(raw.c_str());
  return d;
}

// Puts the base image where a headnode keeps the images it was set up with.
inline void put_base_in_usbkey(const std::string& root, const TestImage& base) {
  common::write_file_atomic(root + "/usbkey/images/" + base.uuid + ".imgfile", base.file);
  common::write_file_atomic(root + "/usbkey/images/" + base.uuid + ".imgmanifest", manifest_json(base));
}

}  // namespace installer_test
