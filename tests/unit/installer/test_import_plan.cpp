// Import ordering over staged files: origins first, platform left out, missing stage named.
#include "installer_support.hpp"

#include <installer/import_plan.hpp>
#include <installer/stage.hpp>
#include <installer/staged_check.hpp>

#include <common/atomic_file.hpp>

#include <optional>

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
  const VerifiedBundle checked = verified(paths, bundle);
  stage_bundle(checked, paths, {});
  const auto items = plan_import(checked, paths);
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
  const VerifiedBundle checked = verified(paths, bundle);
  const auto msg = message_of([&] { plan_import(checked, paths); });
  CHECK(msg.find("is not staged") != std::string::npos);
  CHECK(msg.find("run `sdcadm-install stage BUNDLE` first") != std::string::npos);
  CHECK(code_of([&] { plan_import(checked, paths); }) == common::ExitCode::not_found);
  stage_bundle(checked, paths, {});
  const std::string file = root + "/usbkey/images/" + uuid_n(1) + ".imgfile";
  REQUIRE(::truncate(file.c_str(), 10) == 0);
  CHECK(message_of([&] { plan_import(checked, paths); }).find("has 10 bytes, not 300000") != std::string::npos);
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
  const Paths paths = Paths::under(root);
  const VerifiedBundle checked = verified(paths, bundle);
  stage_bundle(checked, paths, {});
  CHECK(code_of([&] { plan_import(checked, paths); }) == common::ExitCode::origin_loop);
}

// Issue 12 item 9: what stage wrote is checked against the signed index again before import
// uses it. The attack: a staged file rewritten with the same size and its new SHA-1 written
// into the staged manifest.
namespace {

struct Staged {
  TempDir dir;
  std::string root = dir.file("hn");
  Paths paths;
  std::optional<TestBundle> bundle;
  std::optional<VerifiedBundle> checked;
  Staged() {
    ::mkdir(root.c_str(), 0755);
    make_root(root);
    paths = Paths::under(root);
    bundle = write_test_bundle(dir, default_images());
    checked.emplace(verified(paths, *bundle));
    stage_bundle(*checked, paths, {});
  }
  std::string manifest_path(int n) const { return root + "/usbkey/images/" + uuid_n(n) + ".imgmanifest"; }
  std::string file_path(int n) const { return root + "/usbkey/images/" + uuid_n(n) + ".imgfile"; }
  // Rewrites image n's staged manifest with `from` replaced by `to`.
  void edit_manifest(int n, const std::string& from, const std::string& to) const {
    std::string text = slurp(manifest_path(n));
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    common::write_file_atomic(manifest_path(n), text);
  }
};

std::string sha1_of(const std::string& bytes) { return common::hex_digest(common::HashAlgorithm::sha1, bytes); }

}  // namespace

TEST_CASE("plan_import: a staged manifest with another files[0].sha1 is refused (integrity), saying what changed", "[import_plan][tamper]") {
  Staged s;
  const std::string real = sha1_of(default_images()[0].file);
  const std::string forged = sha1_of("forged");
  s.edit_manifest(1, real, forged);
  const auto msg = message_of([&] { plan_import(*s.checked, s.paths); });
  CHECK(code_of([&] { plan_import(*s.checked, s.paths); }) == common::ExitCode::integrity);
  CHECK(msg.find("staged manifest " + s.manifest_path(1)) == 0);
  CHECK(msg.find("files[0].sha1 is " + forged + " (the signed bundle says " + real + ")") != std::string::npos);
  CHECK(msg.find("sdcadm-install stage BUNDLE") != std::string::npos);
}

TEST_CASE("plan_import: a staged manifest with another origin is refused (integrity)", "[import_plan][tamper]") {
  Staged s;
  s.edit_manifest(1, "\"origin\":\"" + uuid_n(2) + "\"", "\"origin\":\"" + uuid_n(77) + "\"");
  const auto msg = message_of([&] { plan_import(*s.checked, s.paths); });
  CHECK(code_of([&] { plan_import(*s.checked, s.paths); }) == common::ExitCode::integrity);
  CHECK(msg.find("origin is " + uuid_n(77) + " (the signed bundle says " + uuid_n(2) + ")") != std::string::npos);
}

TEST_CASE("a staged file changed after stage (same size, its SHA-1 put into the manifest) is refused", "[import_plan][tamper]") {
  Staged s;
  std::string bytes = slurp(s.file_path(1));
  bytes[1000] = static_cast<char>(bytes[1000] ^ 0x5a);
  common::write_file_atomic(s.file_path(1), bytes);
  SECTION("manifest left alone: the manifest passes, the file check before upload refuses") {
    const auto items = plan_import(*s.checked, s.paths);
    const auto& item = *std::find_if(items.begin(), items.end(), [](const ImportItem& i) { return i.image.uuid == uuid_n(1); });
    const auto msg = message_of([&] { check_staged_file(item.signed_file, item.image, item.file.sha1); });
    CHECK(code_of([&] { check_staged_file(item.signed_file, item.image, item.file.sha1); }) == common::ExitCode::integrity);
    CHECK(msg.find("staged file " + s.file_path(1)) == 0);
    CHECK(msg.find("same size, other content") != std::string::npos);
    // The other images are untouched and pass.
    for (const auto& other : items) {
      if (other.image.uuid != uuid_n(1)) check_staged_file(other.signed_file, other.image, other.file.sha1);
    }
  }
  SECTION("and its new SHA-1 written into the staged manifest: refused before any upload") {
    s.edit_manifest(1, sha1_of(default_images()[0].file), sha1_of(bytes));
    CHECK(code_of([&] { plan_import(*s.checked, s.paths); }) == common::ExitCode::integrity);
  }
}
