// The staging pass over real bundles: files land verified, re-runs keep them, and any bad
// bundle, inconsistent manifest or lack of space stages nothing.
#include "installer_support.hpp"

#include <installer/free_space.hpp>
#include <installer/stage.hpp>

#include <bundles/byte_source.hpp>

#include <cstdlib>
#include <fstream>

using namespace installer;
using namespace installer_test;

namespace {

using Scene = StageScene;


}  // namespace

TEST_CASE("stage writes every image, manifest, shar and platform, verified", "[stage]") {
  Scene s;
  const auto images = default_images();
  const auto bundle = write_test_bundle(s.dir, images);
  std::vector<std::string> staged;
  StageOptions options;
  options.on_staged = [&](const StagedImage& i) { staged.push_back(i.uuid); };
  std::uint64_t last_progress = 0;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    CHECK(done <= total);
    last_progress = done;
  };
  const auto r = stage_bundle(verified(s.paths, bundle), s.paths, options);
  CHECK(r.bundle_id == bundle.index.bundle_id);
  CHECK(r.files == 8);
  CHECK(r.written == 8);
  CHECK(r.already == 0);
  CHECK(r.payload_read);
  CHECK(last_progress == file_size(bundle.path));
  CHECK(staged == std::vector<std::string>{uuid_n(1), uuid_n(2), uuid_n(3), uuid_n(4)});
  for (const auto& i : images) {
    const auto& plan_image = *std::find_if(r.plan.images.begin(), r.plan.images.end(),
                                           [&](const StagedImage& p) { return p.uuid == i.uuid; });
    CHECK(slurp(plan_image.file_path) == i.file);
    CHECK(slurp(plan_image.manifest_path) == manifest_json(i));
  }
  CHECK(exists(s.root + "/usbkey/extra/agents/agents-master-20250101T000000Z-g3.sh"));
  CHECK(exists(s.root + "/var/sdcadm/install/manifests/" + uuid_n(4) + ".imgmanifest"));
  for (const auto& f : s.written()) CHECK(f.find("sdcadm-install-tmp") == std::string::npos);
}

TEST_CASE("a re-run keeps verified files, reads no payload, replaces a damaged file", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const VerifiedBundle checked = verified(s.paths, bundle);
  stage_bundle(checked, s.paths, {});
  auto again = stage_bundle(checked, s.paths, {});
  CHECK(again.written == 0);
  CHECK(again.already == 8);
  CHECK(!again.payload_read);
  const std::string victim = s.root + "/usbkey/images/" + uuid_n(2) + ".imgfile";
  flip_byte(victim, 2400000);  // in the last chunk: size is right, a hash is not
  again = stage_bundle(checked, s.paths, {});
  CHECK(again.written == 1);
  CHECK(again.payload_read);
  CHECK(slurp(victim) == default_images()[1].file);
}

// The file is changed after the trust check, before the staging pass reads it again.
TEST_CASE("a tampered, truncated or foreign bundle stages nothing", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const std::uint64_t size = file_size(bundle.path);
  const VerifiedBundle checked = verified(s.paths, bundle);
  SECTION("a flipped byte near the end (after most members streamed)") {
    flip_byte(bundle.path, size - 40000);
    const auto code = code_of([&] { stage_bundle(checked, s.paths, {}); });
    CHECK((code == common::ExitCode::bundle_hash || code == common::ExitCode::bundle_corrupt));
  }
  SECTION("truncated in the last member") {
    REQUIRE(::truncate(bundle.path.c_str(), static_cast<off_t>(size - 30000)) == 0);
    CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::bundle_truncated);
  }
  SECTION("truncated as a stream") {
    std::string bytes = slurp(bundle.path);
    bytes.resize(bytes.size() - 100);
    CHECK(code_of([&] { stage_bundle(verified_stream(s.paths, bytes), s.paths, {}); }) ==
          common::ExitCode::bundle_truncated);
  }
  SECTION("another (signed) bundle in its place: the index is not the one whose signatures were checked") {
    auto images = default_images();
    images[0].file = payload(300000, 99);
    write_test_bundle(s.dir, images);  // same name: replaces t.sdc
    CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::trust_mismatch);
  }
  CHECK(s.written().empty());
}

TEST_CASE("a manifest that does not describe its file stages nothing", "[stage]") {
  Scene s;
  auto images = default_images();
  images[2].manifest_sha1 = std::string(40, 'a');
  const auto bundle = write_test_bundle(s.dir, images);
  const VerifiedBundle checked = verified(s.paths, bundle);
  const auto msg = message_of([&] { stage_bundle(checked, s.paths, {}); });
  CHECK(msg.find("image " + uuid_n(3) + " (agentsshar@") == 0);
  CHECK(msg.find("nothing was staged") != std::string::npos);
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::integrity);
  CHECK(s.written().empty());
}

TEST_CASE("too little space is refused before anything is written", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const VerifiedBundle checked = verified(s.paths, bundle);
  ::setenv("SDCB_TEST_FREE_BYTES", std::to_string(k_space_reserve + 1000000).c_str(), 1);
  const auto code = code_of([&] { stage_bundle(checked, s.paths, {}); });
  ::unsetenv("SDCB_TEST_FREE_BYTES");
  CHECK(code == common::ExitCode::no_space);
  CHECK(s.written().empty());
  StageOptions skip;
  skip.space = SpaceCheck::skip;
  ::setenv("SDCB_TEST_FREE_BYTES", "0", 1);
  const auto r = stage_bundle(checked, s.paths, skip);
  ::unsetenv("SDCB_TEST_FREE_BYTES");
  CHECK(r.written == 8);
}

TEST_CASE("temp files of an interrupted run are removed", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const std::string leftover = s.root + "/usbkey/images/.old.imgfile.sdcadm-install-tmp";
  std::ofstream(leftover) << "half";
  const std::string other = s.root + "/usbkey/images/keep.txt";
  std::ofstream(other) << "not ours";
  stage_bundle(verified(s.paths, bundle), s.paths, {});
  CHECK(!exists(leftover));
  CHECK(exists(other));
}

TEST_CASE("staging from a stream equals staging from a file", "[stage]") {
  Scene a, b;
  const auto bundle = write_test_bundle(a.dir, default_images());
  stage_bundle(verified(a.paths, bundle), a.paths, {});
  stage_bundle(verified_stream(b.paths, slurp(bundle.path)), b.paths, {});
  const auto files = a.written();
  CHECK(files == b.written());
  for (const auto& f : files) CHECK(slurp(a.root + f) == slurp(b.root + f));
}

// Issue 12 item 10: a directory the pass writes under that is a link is refused before
// anything is written, and nothing reaches the link's target.
TEST_CASE("a linked directory under the root is refused: unsafe_path, nothing written anywhere", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const VerifiedBundle checked = verified(s.paths, bundle);
  const std::string elsewhere = s.dir.file("elsewhere");
  ::mkdir(elsewhere.c_str(), 0755);
  std::string linked;
  SECTION("/usbkey/images") { linked = s.root + "/usbkey/images"; }
  SECTION("/usbkey/extra/platforms") {
    linked = s.root + "/usbkey/extra/platforms";
  }
  SECTION("/usbkey itself") { linked = s.root + "/usbkey"; }
  SECTION("/var/sdcadm (the staged manifests' parent)") { linked = s.root + "/var/sdcadm"; }
  std::filesystem::remove_all(linked);
  REQUIRE(::symlink(elsewhere.c_str(), linked.c_str()) == 0);
  const auto msg = message_of([&] { stage_bundle(checked, s.paths, {}); });
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::unsafe_path);
  CHECK(msg.find(linked + " is a symbolic link") != std::string::npos);
  CHECK(msg.find("run the command again") != std::string::npos);
  CHECK(files_below(elsewhere).empty());
  CHECK(std::filesystem::is_empty(elsewhere));
}

TEST_CASE("a link planted under a final file name is replaced, its target untouched", "[stage]") {
  Scene s;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const std::string target = s.dir.file("precious");
  std::ofstream(target) << "precious";
  const std::string planted = s.root + "/usbkey/images/" + uuid_n(1) + ".imgfile";
  REQUIRE(::symlink(target.c_str(), planted.c_str()) == 0);
  stage_bundle(verified(s.paths, bundle), s.paths, {});
  struct stat st {};
  REQUIRE(::lstat(planted.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(slurp(planted) == default_images()[0].file);
  CHECK(slurp(target) == "precious");
}
