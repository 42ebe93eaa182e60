#include <bundles/split.hpp>

#include <bundles/writer.hpp>
#include <manifest/part_list.hpp>

#include "writer_support.hpp"

using bundles::KeepOriginal;
using common::ExitCode;
using namespace writer_test;

namespace {

struct Written {
  std::string path;
  Fixture fx;
};

Written write_sample_bundle(const TempDir& dir) {
  Written w;
  w.fx = make_fixture(dir, {{"changelog.json", "{}\n"},
                            {"images/a.imgfile", random_bytes(2 * k_mib + 100, 5)}});
  bundles::WriterOptions o;
  o.threads = 2;
  o.mtime = 1764072000;
  w.path = dir.file("NAME.sdc");
  bundles::write_bundle(w.path, w.fx.index_bytes, w.fx.inputs, o);
  return w;
}

}  // namespace

TEST_CASE("split writes parts that join into the bundle, and a part list", "[split]") {
  TempDir dir;
  const auto w = write_sample_bundle(dir);
  const std::string whole = slurp(w.path);
  const std::uint64_t part_size = 1000000;
  const auto result = bundles::split_bundle(w.path, part_size);

  const std::size_t count = (whole.size() + part_size - 1) / part_size;
  REQUIRE(result.part_paths.size() == count);
  CHECK(result.list_path == w.path + ".parts.json");
  std::string joined;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string part = slurp(result.part_paths[i]);
    CHECK(result.part_paths[i] == w.path + "." + (i < 9 ? "00" : "0") + std::to_string(i + 1));
    CHECK(part.size() == (i + 1 < count ? part_size : whole.size() - i * part_size));
    joined += part;
  }
  CHECK(joined == whole);
  CHECK(exists(w.path));  // kept by default

  const auto list = manifest::PartList::parse(slurp(result.list_path), "NAME.sdc");
  CHECK(list.bundle_id == w.fx.index.bundle_id);
  CHECK(list.bundle_size == whole.size());
  CHECK(list.bundle_json_sha256 ==
        common::hex_digest(common::HashAlgorithm::sha256, w.fx.index_bytes));
  REQUIRE(list.parts.size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    CHECK(list.parts[i].name == manifest::part_name("NAME.sdc", i + 1));
    CHECK(list.parts[i].sha256 ==
          common::hex_digest(common::HashAlgorithm::sha256, slurp(result.part_paths[i])));
  }
}

TEST_CASE("split removes the bundle only when asked, and stale parts always", "[split]") {
  TempDir dir;
  const auto w = write_sample_bundle(dir);
  const std::string whole = slurp(w.path);
  write_file(w.path + ".009", "left over from an earlier split");
  const auto result = bundles::split_bundle(w.path, whole.size(), KeepOriginal::no);
  CHECK(result.part_paths.size() == 1);
  CHECK_FALSE(exists(w.path));
  CHECK_FALSE(exists(w.path + ".009"));
  CHECK(slurp(w.path + ".001") == whole);
  CHECK(list_dir(dir.path()).count("NAME.sdc.parts.json") == 1);
}

TEST_CASE("split refusals", "[split]") {
  TempDir dir;
  const auto w = write_sample_bundle(dir);
  SECTION("parts must fit FAT32") {
    const std::string msg =
        message_of([&] { bundles::split_bundle(w.path, 4ull << 30); });
    CHECK(msg.find("FAT32") != std::string::npos);
    CHECK(code_of([&] { bundles::split_bundle(w.path, 4ull << 30); }) == ExitCode::usage);
    CHECK(code_of([&] { bundles::split_bundle(w.path, 0); }) == ExitCode::usage);
  }
  SECTION("at most 999 parts") {
    CHECK(code_of([&] { bundles::split_bundle(w.path, 1000); }) == ExitCode::usage);
  }
  SECTION("a damaged bundle is not split") {
    write_file(w.path, "not a bundle");
    CHECK(code_of([&] { bundles::split_bundle(w.path, 1000000); }) ==
          ExitCode::bundle_truncated);
  }
  SECTION("a missing bundle") {
    CHECK(code_of([&] { bundles::split_bundle(dir.file("none.sdc"), 1000000); }) ==
          ExitCode::not_found);
  }
  // Nothing was written by any refusal.
  for (const auto& name : list_dir(dir.path())) CHECK(name.find(".sdc.") == std::string::npos);
}

TEST_CASE("the largest FAT32 part size is accepted", "[split]") {
  TempDir dir;
  const auto w = write_sample_bundle(dir);
  const auto result = bundles::split_bundle(w.path, (4ull << 30) - 1);
  REQUIRE(result.part_paths.size() == 1);
  CHECK(slurp(result.part_paths[0]) == slurp(w.path));
}
