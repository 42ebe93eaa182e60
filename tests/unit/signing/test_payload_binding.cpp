// The signed index binds the payload: a bundle whose signatures are good but whose payload
// comes from another bundle (mix-and-match), or carries a member longer than declared
// (endless data), passes the signature check and is still refused by `sdcadm-bundle verify
// --trust`, which runs the full payload verify after it. Bundles are forged frame by frame
// with the reader tests' forge, signed with the real signing code, checked by the binary.
#include "signing_support.hpp"

#include "../bundles/test_reader_support.hpp"

#include <signing/signature_document.hpp>

#include <cstdlib>
#include <sys/wait.h>

namespace {

using common::ExitCode;

// The exit code of `sdcadm-bundle ARGS`.
int run_bundle_tool(const std::string& args) {
  const char* bin = std::getenv("SDCB_BIN");
  REQUIRE(bin != nullptr);
  const int status = std::system((std::string(bin) + "/sdcadm-bundle " + args + " >/dev/null 2>&1").c_str());
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// The frames of `forged` with frame 1 holding a signature by keys 0 and 1 over its index.
std::vector<reader_test::ForgeFrame> signed_frames(const reader_test::Forged& forged) {
  auto doc = signing::SignatureDocument::for_bundle(forged.fixture.index.bundle_id, forged.fixture.index_bytes);
  doc.sign(signing_test::key(0), forged.fixture.index.bundle_id, forged.fixture.index_bytes);
  doc.sign(signing_test::key(1), forged.fixture.index.bundle_id, forged.fixture.index_bytes);
  auto frames = forged.frames;
  frames[1].raw = bundles::signature_slot_frame(doc.serialize(), 1764072000);
  return frames;
}

}  // namespace

TEST_CASE("verify --trust runs the payload check after the signatures: mix-and-match, endless data") {
  signing_test::TempDir dir;
  signing_test::write_text(dir.file("root.json"), signing_test::make_root(1, {0, 1, 2}, 2, {0, 1}, signing::now_utc() + 3650 * signing_test::k_day).serialize());
  const std::string trust = " --trust " + dir.file("root.json");

  const reader_test::Forged a = reader_test::sample_forge(dir);
  const auto a_frames = signed_frames(a);
  signing_test::write_text(dir.file("a.sdc"), reader_test::forge(a_frames));
  CHECK(run_bundle_tool("verify " + dir.file("a.sdc") + trust) == 0);

  // Bundle B: the same member sizes, other content (the image's last byte differs).
  auto b_contents = a.contents;
  b_contents.back().bytes.back() ^= 0x55;
  const auto b_index = writer_test::make_fixture(dir, b_contents, writer_test::k_mib);
  const auto b_frames = reader_test::standard_frames(b_index.index_bytes, b_contents);
  // A's index and signatures, B's payload frames.
  auto mixed = a_frames;
  for (std::size_t i = 2; i < mixed.size(); ++i) mixed[i] = b_frames[i];
  signing_test::write_text(dir.file("mixed.sdc"), reader_test::forge(mixed));
  CHECK(run_bundle_tool("verify " + dir.file("mixed.sdc") + trust) == common::to_int(ExitCode::bundle_hash));
  CHECK(run_bundle_tool("verify -" + trust + " < " + dir.file("mixed.sdc")) ==
        common::to_int(ExitCode::bundle_hash));

  // Endless data: 4 KiB more after the changelog than its tar size says.
  auto endless = a_frames;
  endless[2].content += std::string(4096, 'A');
  signing_test::write_text(dir.file("endless.sdc"), reader_test::forge(endless));
  const int code = run_bundle_tool("verify " + dir.file("endless.sdc") + trust);
  INFO("exit " << code);
  CHECK((code == common::to_int(ExitCode::bundle_corrupt) || code == common::to_int(ExitCode::bundle_too_large) ||
         code == common::to_int(ExitCode::bundle_closed_world)));
  CHECK(run_bundle_tool("verify -" + trust + " < " + dir.file("endless.sdc")) != 0);
}
