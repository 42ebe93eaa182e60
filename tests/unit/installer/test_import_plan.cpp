// Import ordering over staged files: origins first, platform left out, missing stage named.
#include "installer_support.hpp"

#include <installer/import_plan.hpp>
#include <installer/stage.hpp>

using namespace installer;
using namespace installer_test;

namespace {

std::vector<std::string> uuids(const std::vector<ImportItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.image.uuid);
  return out;
}

}  // namespace

TEST_CASE("plan_import: origins before the images built on them; no platform", "[import_plan]") {
  TempDir dir;
  const std::string root = dir.file("hn");
  ::mkdir(root.c_str(), 0755);
  make_root(root);
  const Paths paths = Paths::under(root);
  auto images = default_images();
  // A chain 5 -> 1 -> 2 (listed child first) and an image whose origin is not in the bundle.
  images.push_back({uuid_n(5), "imgapi", "master-2", "service-image", payload(1000, 5), uuid_n(1), "", ""});
  images.push_back({uuid_n(6), "vmapi", "master-3", "service-image", payload(1000, 6), uuid_n(99), "", ""});
  std::reverse(images.begin(), images.end());
  const auto bundle = write_test_bundle(dir, images);
  const auto report = stage_bundle(bundle.path, paths, {});
  const auto items = plan_import(report.plan);
  CHECK(uuids(items) == std::vector<std::string>{uuid_n(6), uuid_n(2), uuid_n(1), uuid_n(5), uuid_n(3)});
  CHECK(items[0].external_origin == std::optional<std::string>(uuid_n(99)));
  CHECK(!items[0].origin);
  CHECK(items[2].origin == std::optional<std::size_t>(1));
  CHECK(items[3].origin == std::optional<std::size_t>(2));
  CHECK(items[4].file.size == 70000);
  CHECK(import_bytes(items) == 1000 + 2500000 + 300000 + 1000 + 70000);
}

TEST_CASE("plan_import: an unstaged image names the command to run", "[import_plan]") {
  TempDir dir;
  const std::string root = dir.file("hn");
  ::mkdir(root.c_str(), 0755);
  make_root(root);
  const Paths paths = Paths::under(root);
  const auto bundle = write_test_bundle(dir, default_images());
  const auto plan = plan_stage(bundle.index, paths);
  const auto msg = message_of([&] { plan_import(plan); });
  CHECK(msg.find("is not staged") != std::string::npos);
  CHECK(msg.find("run `sdcadm-install stage BUNDLE` first") != std::string::npos);
  CHECK(code_of([&] { plan_import(plan); }) == common::ExitCode::not_found);
  stage_bundle(bundle.path, paths, {});
  const std::string file = root + "/usbkey/images/" + uuid_n(1) + ".imgfile";
  REQUIRE(::truncate(file.c_str(), 10) == 0);
  CHECK(message_of([&] { plan_import(plan); }).find("has 10 bytes, not 300000") != std::string::npos);
}

TEST_CASE("plan_import: an origin loop is refused", "[import_plan]") {
  TempDir dir;
  const std::string root = dir.file("hn");
  ::mkdir(root.c_str(), 0755);
  make_root(root);
  std::vector<TestImage> images = {
      {uuid_n(1), "a", "1", "service-image", payload(100, 1), uuid_n(2), "", ""},
      {uuid_n(2), "b", "1", "origin", payload(100, 2), uuid_n(1), "", ""},
  };
  const auto bundle = write_test_bundle(dir, images);
  const auto report = stage_bundle(bundle.path, Paths::under(root), {});
  CHECK(code_of([&] { plan_import(report.plan); }) == common::ExitCode::origin_loop);
}
