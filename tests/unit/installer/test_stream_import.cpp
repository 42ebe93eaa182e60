// Import overlapped with staging (stream_import.hpp): images go to the DC IMGAPI as they
// verify and are activated only once the whole bundle has; a bundle that fails late
// imports nothing and leaves nothing unactivated; an upload that fails is left to the
// import after the pass; a killed run's unactivated chain is cleaned up
// children first; an image whose origin was staged before waits for the import after.
#include "dc_imgapi.hpp"
#include "installer_support.hpp"

#include <installer/import.hpp>
#include <installer/import_plan.hpp>
#include <installer/stage.hpp>
#include <installer/stream_import.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

using namespace installer;
using namespace installer_test;
using namespace std::chrono_literals;

namespace {

using Scene = StageScene;

// The images the test bundle puts into IMGAPI: all but the platform.
std::vector<TestImage> imported_images() {
  std::vector<TestImage> out;
  for (const auto& image : default_images()) {
    if (image.role != "platform") out.push_back(image);
  }
  return out;
}

// Passes everything on to a StreamImport, and after each verified image waits until IMGAPI
// holds it with its file: the uploads have certainly happened before the pass goes on.
class WaitForUploads : public StageListener {
 public:
  WaitForUploads(StreamImport& inner, const DcImgapi& dc) : m_inner(inner), m_dc(dc) {}
  void pass_starts(const StagePlan& plan, const std::vector<const StagedImage*>& streamed) override {
    m_inner.pass_starts(plan, streamed);
  }
  void image_verified(const StagedImage& image, const std::string& text, const std::string& temp) override {
    m_inner.image_verified(image, text, temp);
    if (image.role == "platform") return;
    imgapi::Client client(m_dc.url());
    for (int i = 0; i < 500; ++i) {
      const auto found = client.find_image(image.uuid);
      if (found && found->file()) {
        states_seen[image.uuid] = found->state();
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("image " << image.uuid << " was not uploaded while the pass read on");
  }
  void bundle_verified() override { m_inner.bundle_verified(); }
  std::map<std::string, std::string> states_seen;  // while the pass was still reading

 private:
  StreamImport& m_inner;
  const DcImgapi& m_dc;
};

ImportOptions two_at_a_time() {
  ImportOptions options;
  options.concurrency = 2;
  options.attempts = 1;
  return options;
}

}  // namespace

TEST_CASE("stage and import in one pass: every image but the platform ends active with the signed file",
          "[stage][stream-import]") {
  Scene s;
  DcImgapi dc;
  const auto bundle = write_test_bundle(s.dir, default_images());
  const StageImportReport r = stage_and_import(verified(s.paths, bundle), s.paths, {}, dc.url(), two_at_a_time());
  CHECK(r.stage.written == 8);
  CHECK(r.during.images.size() == 3);  // the child comes before its origin in this bundle: it waited
  CHECK(r.during.left_for_after.empty());
  imgapi::Client client(dc.url());
  for (const auto& image : imported_images()) {
    const auto found = client.get_image(image.uuid);
    CHECK(found.state() == "active");
    CHECK(found.file()->sha1 == common::hex_digest(common::HashAlgorithm::sha1, image.file));
  }
  CHECK(dc.states().size() == 3);
  CHECK(r.during.bytes_uploaded == 300000 + 2500000 + 70000);
  // The import after the pass has nothing left to do.
  const auto after = import_images(dc.url(), plan_import(verified(s.paths, bundle), s.paths), two_at_a_time());
  for (const auto& image : after.images) CHECK(image.outcome == ImportOutcome::already_active);
}

TEST_CASE("a byte flipped in the last chunk: uploaded images are deleted, nothing imported, nothing staged",
          "[stage][stream-import]") {
  Scene s;
  DcImgapi dc;
  auto images = default_images();
  std::swap(images[0], images[1]);  // the origin first, as sdcadm-bundle orders them
  const auto bundle = write_test_bundle(s.dir, images);
  const VerifiedBundle checked = verified(s.paths, bundle);
  flip_byte(bundle.path, file_size(bundle.path) - 40000);  // the platform, the last member
  StreamImport importer(dc.url(), two_at_a_time());
  WaitForUploads listener(importer, dc);
  StageOptions options;
  options.listener = &listener;
  const auto code = code_of([&] { stage_bundle(checked, s.paths, options); });
  CHECK((code == common::ExitCode::bundle_hash || code == common::ExitCode::bundle_corrupt));
  // Every image went up before the bad chunk was read, and none was active.
  REQUIRE(listener.states_seen.size() == 3);
  for (const auto& [uuid, state] : listener.states_seen) CHECK(state == "unactivated");
  importer.abandon();
  CHECK(dc.states().empty());
  CHECK(s.written().empty());
}

TEST_CASE("an upload that fails is left to the import after the pass; what went up is activated, none unactivated",
          "[stage][stream-import]") {
  Scene s;
  DcImgapi dc;
  // The DC has another image under the agentsshar's uuid: importing it is a conflict.
  TestImage other = default_images()[2];
  other.file = payload(70000, 77);
  dc.add(other, s.dir);
  const auto bundle = write_test_bundle(s.dir, default_images());
  const StageImportReport r = stage_and_import(verified(s.paths, bundle), s.paths, {}, dc.url(), two_at_a_time());
  CHECK(r.during.upload_error.find("is already in the DC IMGAPI") != std::string::npos);
  CHECK(std::count(r.during.left_for_after.begin(), r.during.left_for_after.end(), other.uuid) == 1);
  CHECK(r.during.images.size() + r.during.left_for_after.size() == 3);
  for (const auto& [uuid, state] : dc.states()) CHECK(state == "active");  // none unactivated
  CHECK(exists(s.root + "/usbkey/images/" + uuid_n(1) + ".imgfile"));  // the bundle verified: staged
  CHECK(exists(s.root + "/usbkey/images/" + uuid_n(2) + ".imgfile"));
  // The import after the pass names the conflict (and imports the others).
  const auto code =
      code_of([&] { import_images(dc.url(), plan_import(verified(s.paths, bundle), s.paths), two_at_a_time()); });
  CHECK(code == common::ExitCode::conflict);
}

TEST_CASE("a killed run's unactivated chain is removed children first, then imported again",
          "[stage][stream-import]") {
  Scene s;
  DcImgapi dc;
  imgapi::Client client(dc.url());
  for (const int n : {2, 1}) {  // the origin, then the image built on it: both unactivated
    const TestImage image = default_images()[static_cast<std::size_t>(n - 1)];
    client.import_image(manifest::ImageManifest::parse(manifest_json(image), "test"), imgapi::OwnerCheck::skip);
  }
  REQUIRE(dc.states().size() == 2);
  const auto bundle = write_test_bundle(s.dir, default_images());
  const StageImportReport r = stage_and_import(verified(s.paths, bundle), s.paths, {}, dc.url(), two_at_a_time());
  CHECK(r.during.leftovers_removed == 2);
  for (const auto& [uuid, state] : dc.states()) CHECK(state == "active");
  CHECK(dc.states().size() == 3);
}

TEST_CASE("an image whose origin was staged before is left to the import after the pass",
          "[stage][stream-import]") {
  Scene s;
  DcImgapi dc;
  const auto bundle = write_test_bundle(s.dir, default_images());
  stage_bundle(verified(s.paths, bundle), s.paths, {});  // staged, not imported
  // The child's files go again (a damaged /usbkey); its origin's stay in place.
  std::remove((s.root + "/usbkey/images/" + uuid_n(1) + ".imgfile").c_str());
  std::remove((s.root + "/usbkey/images/" + uuid_n(1) + ".imgmanifest").c_str());
  const StageImportReport r = stage_and_import(verified(s.paths, bundle), s.paths, {}, dc.url(), two_at_a_time());
  CHECK(r.stage.written == 2);
  CHECK(r.during.images.empty());
  CHECK(r.during.left_for_after == std::vector<std::string>{uuid_n(1)});
  CHECK(dc.states().empty());  // nothing half-done
  const auto after = import_images(dc.url(), plan_import(verified(s.paths, bundle), s.paths), two_at_a_time());
  CHECK(after.images.size() == 3);
  for (const auto& [uuid, state] : dc.states()) CHECK(state == "active");
}
