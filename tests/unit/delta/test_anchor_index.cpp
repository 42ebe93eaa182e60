// The anchor index finds where a segment's content moved in the old file.

#include "image_generator.hpp"
#include "patch_test_support.hpp"

#include <delta/anchor_index.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

TEST_CASE("anchors measure how far content moved, and find nothing in unrelated data") {
  const std::string old_data = delta_test::stream_of(delta_test::first_version(21, 2 << 20));
  delta_test::ScratchDir dir;
  const std::string path = dir.file("old", old_data);
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  const delta::AnchorIndex index(fd, path, old_data.size());
  ::close(fd);
  CHECK(index.anchors() > 1000);

  // A piece of the old stream from 1 MiB on, seen at new offset 300000: moved back.
  const std::string piece = old_data.substr(1 << 20, 256 * 1024);
  const auto shift = index.shift_for(piece.data(), piece.size(), 300000);
  REQUIRE(shift.has_value());
  CHECK(*shift == (1 << 20) - 300000);

  delta_test::Rng rng(99);
  const std::string unrelated = delta_test::binary_content(rng, 256 * 1024);
  CHECK_FALSE(index.shift_for(unrelated.data(), unrelated.size(), 0).has_value());
}
