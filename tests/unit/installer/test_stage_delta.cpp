// Staging a delta bundle (docs/bundle-format.md §3a): the image file is rebuilt from the
// DC's base (in /usbkey/images, or the DC IMGAPI's) and the bundle's patch, checked against
// the signed index, and staged like any file; a missing or different base, a tampered patch
// or a rebuild that is not the signed file stages nothing.
#include "dc_imgapi.hpp"
#include "delta_bundle_support.hpp"

#include <installer/delta_bases.hpp>
#include <installer/stage.hpp>
#include <installer/staged_check.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

using namespace installer;
using namespace installer_test;

namespace {

using Scene = StageScene;

// One release, generated once for every test (about 1.5 MiB raw).
const DeltaRelease& release() {
  static const DeltaRelease r = delta_release(1500000);
  return r;
}

// A bundle with the default images plus the new cnapi image shipped as a delta.
TestBundle delta_bundle(const TempDir& dir, const std::function<void(manifest::BundleIndex&)>& edit = {},
                        const std::string& name = "d.sdc") {
  auto images = default_images();
  images.push_back(release().image);
  return write_test_bundle(dir, images, name, edit, {delta_of(dir, release())});
}

const StagedImage& staged_image(const StageReport& r, const std::string& uuid) {
  return *std::find_if(r.plan.images.begin(), r.plan.images.end(), [&](const StagedImage& i) { return i.uuid == uuid; });
}


bool has_temp_files(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    if (f.find("sdcadm-install-tmp") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a delta image is rebuilt from the base in /usbkey/images and staged with the new file's bytes",
          "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const auto bundle = delta_bundle(s.dir);
  REQUIRE(bundle.index.format_version == 2);
  const auto r = stage_bundle(verified(s.paths, bundle), s.paths, {});
  CHECK(r.rebuilt == 1);
  CHECK(r.rebuilt_bytes == release().image.file.size());
  CHECK(r.base_bytes == release().base_raw.size());
  const StagedImage& image = staged_image(r, release().image.uuid);
  REQUIRE(image.delta);
  CHECK(image.file_path == s.root + "/usbkey/images/" + release().image.uuid + ".imgfile");
  CHECK(slurp(image.file_path) == release().image.file);
  CHECK(slurp(image.manifest_path) == manifest_json(release().image));
  // The other images are staged as before, and no temp file (patch, base) is left.
  CHECK(slurp(staged_image(r, uuid_n(1)).file_path) == default_images()[0].file);
  CHECK_FALSE(has_temp_files(s.written()));
  // What import checks before uploading agrees with the staged file.
  const VerifiedBundle checked = verified(s.paths, bundle);
  CHECK_NOTHROW(check_staged_file(signed_file_of(checked, image), image,
                                  common::hex_digest(common::HashAlgorithm::sha1, release().image.file)));
}

TEST_CASE("a delta whose base the DC lacks is refused before anything is written (delta_base_missing)",
          "[stage][delta]") {
  Scene s;
  const auto bundle = delta_bundle(s.dir);
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  const std::string message = message_of([&] { stage_bundle(checked, s.paths, {}); });
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::delta_base_missing);
  CHECK(s.written() == before);
  CHECK(message.find("cnapi master-20250201T000000Z-g2 (" + release().image.uuid + ")") != std::string::npos);
  CHECK(message.find(release().base.uuid) != std::string::npos);
  CHECK(message.find(common::hex_digest(common::HashAlgorithm::sha1, release().base.file)) != std::string::npos);
  CHECK(message.find("this bundle is a delta against images this DC does not have; ask for a full bundle "
                     "(sdcadm-bundle build --no-delta)") != std::string::npos);
}

TEST_CASE("a base in /usbkey/images of the right size but another SHA-1 is not used: refused, nothing staged",
          "[stage][delta]") {
  Scene s;
  TestImage other = release().base;
  other.file[other.file.size() / 2] ^= 0x20;
  put_base_in_usbkey(s.root, other);
  const auto bundle = delta_bundle(s.dir);
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::delta_base_missing);
  CHECK(s.written() == before);
}

TEST_CASE("a tampered patch member (its chunk hash) stages nothing", "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const auto bundle = delta_bundle(s.dir);
  // The patch is the bundle's last member: a byte in the middle of its frame is changed
  // after signing (the index and its signature stay good).
  const auto& patch = bundle.index.members.back();
  REQUIRE(patch.name.find(".imgpatch") != std::string::npos);
  REQUIRE(patch.size > 4000);  // incompressible (zstd frames): about as large in the bundle
  // Past the seek table (a few hundred bytes) into the middle of the patch's frame.
  flip_byte(bundle.path, file_size(bundle.path) - 512 - patch.size / 2);
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  const auto error = sdcb_test::error_of([&] { stage_bundle(checked, s.paths, {}); });
  CHECK((error.code() == common::ExitCode::bundle_hash || error.code() == common::ExitCode::bundle_corrupt));
  CHECK(std::string(error.what()).find(".imgpatch") != std::string::npos);  // the patch's frame was hit
  CHECK(s.written() == before);
}

TEST_CASE("a patch whose rebuild is not the signed file is refused (integrity), nothing staged", "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const auto bundle = delta_bundle(s.dir, [](manifest::BundleIndex& ix) {
    for (auto& a : ix.artifacts) {
      if (a.delta) a.delta->file_sha256.front() = std::string(64, 'b');
    }
  });
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  const std::string message = message_of([&] { stage_bundle(checked, s.paths, {}); });
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::integrity);
  CHECK(s.written() == before);
  CHECK(message.find(release().image.uuid) != std::string::npos);
  CHECK(message.find("sdcadm-bundle build --no-delta") != std::string::npos);
}

TEST_CASE("a patch made against another base is refused by the rebuild, nothing staged", "[stage][delta]") {
  Scene s;
  // The index says base X (present, right SHA-1), but the patch was encoded against other content.
  const DeltaRelease other = delta_release(600000, 21, 22);
  put_base_in_usbkey(s.root, release().base);
  auto images = default_images();
  images.push_back(release().image);
  TestDelta d = delta_of(s.dir, release());
  d.patch = delta_of(s.dir, other).patch;
  const auto bundle = write_test_bundle(s.dir, images, "x.sdc", {}, {d});
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  CHECK(code_of([&] { stage_bundle(checked, s.paths, {}); }) == common::ExitCode::integrity);
  CHECK(s.written() == before);
}

TEST_CASE("a re-run keeps the rebuilt file without reading the payload or needing the base", "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const auto bundle = delta_bundle(s.dir);
  const auto first = stage_bundle(verified(s.paths, bundle), s.paths, {});
  REQUIRE(first.rebuilt == 1);
  // The base is gone now (e.g. cleaned up): the staged file is what counts.
  std::remove((s.root + "/usbkey/images/" + release().base.uuid + ".imgfile").c_str());
  const auto again = stage_bundle(verified(s.paths, bundle), s.paths, {});
  CHECK_FALSE(again.payload_read);
  CHECK(again.rebuilt == 0);
  CHECK(again.written == 0);
  CHECK(again.already == again.files);
  CHECK(slurp(staged_image(again, release().image.uuid).file_path) == release().image.file);
}

TEST_CASE("temp files a killed delta stage left (base, patch, rebuilt file) are removed by the next run",
          "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const std::string images = s.root + "/usbkey/images/";
  const std::vector<std::string> leftovers = {
      images + "." + release().base.uuid + ".base.sdcadm-install-tmp",
      images + "." + release().base.uuid + ".download.sdcadm-install-tmp",
      images + "." + release().image.uuid + ".imgpatch.sdcadm-install-tmp",
      images + "." + release().image.uuid + ".imgfile.sdcadm-install-tmp"};
  for (const auto& f : leftovers) common::write_file_atomic(f, "half");
  const auto bundle = delta_bundle(s.dir);
  const auto r = stage_bundle(verified(s.paths, bundle), s.paths, {});
  CHECK(r.rebuilt == 1);
  for (const auto& f : leftovers) CHECK_FALSE(exists(f));
  CHECK_FALSE(has_temp_files(s.written()));
}

TEST_CASE("a delta bundle read once from a stream is rebuilt and staged too", "[stage][delta]") {
  Scene s;
  put_base_in_usbkey(s.root, release().base);
  const auto bundle = delta_bundle(s.dir);
  const auto r = stage_bundle(verified_stream(s.paths, slurp(bundle.path)), s.paths, {});
  CHECK(r.rebuilt == 1);
  CHECK(slurp(staged_image(r, release().image.uuid).file_path) == release().image.file);
}

TEST_CASE("the base comes from the DC IMGAPI when /usbkey/images lacks it", "[stage][delta][imgapi]") {
  Scene s;
  DcImgapi dc;
  dc.add(release().base, s.dir);
  const auto bundle = delta_bundle(s.dir);
  StageOptions options;
  options.bases.imgapi_url = dc.url();
  const auto r = stage_bundle(verified(s.paths, bundle), s.paths, options);
  CHECK(r.rebuilt == 1);
  CHECK(slurp(staged_image(r, release().image.uuid).file_path) == release().image.file);
  CHECK_FALSE(has_temp_files(s.written()));
  // find_delta_bases says where it found it (what plan shows).
  const auto bases = find_delta_bases({&staged_image(r, release().image.uuid)}, s.paths, options.bases);
  REQUIRE(bases.size() == 1);
  CHECK(bases[0].from == DeltaBase::From::imgapi);
  CHECK(bases[0].version == release().base.version);
  CHECK(describe_delta(staged_image(r, release().image.uuid), &bases[0]).find("delta against " + release().base.version) !=
        std::string::npos);
}

TEST_CASE("a DC IMGAPI image of the base's uuid with another SHA-1 is refused, nothing staged",
          "[stage][delta][imgapi]") {
  Scene s;
  DcImgapi dc;
  TestImage other = release().base;
  other.file[100] ^= 0x01;
  dc.add(other, s.dir);
  const auto bundle = delta_bundle(s.dir);
  StageOptions options;
  options.bases.imgapi_url = dc.url();
  const auto checked = verified(s.paths, bundle);
  const auto before = s.written();
  const std::string message = message_of([&] { stage_bundle(checked, s.paths, options); });
  CHECK(code_of([&] { stage_bundle(checked, s.paths, options); }) == common::ExitCode::delta_base_missing);
  CHECK(message.find("the DC IMGAPI's image " + release().base.uuid + " has a file of") != std::string::npos);
  CHECK(s.written() == before);
}

// The memory and speed benchmark (not run by default): SDCB_DELTA_BENCH_DIR=DIR
// SDCB_DELTA_BENCH_MIB=N SDCB_DELTA_BENCH_PHASE=prepare writes a signed bundle with one delta
// image of N MiB (uncompressed, text-like, pigz -6) and its base under DIR, streaming; then
// PHASE=stage stages it, so `/usr/bin/time -v unit_installer "[.bench]"` measures the staging
// process alone (peak RSS, the rebuild's MiB/s in the output).
namespace {

// N MiB of text-like content in 1 MiB blocks; `edits` changes every 16th block and inserts
// 4 KiB every 64 MiB (so every later offset shifts), as a new release of an image does.
void generate(std::uint64_t mib, bool edits, const std::function<void(const std::string&)>& out) {
  for (std::uint64_t block = 0; block < mib; ++block) {
    delta_test::Rng rng(block * 7919 + (edits && block % 16 == 5 ? 1 : 0));
    out(delta_test::text_content(rng, 1u << 20));
    if (edits && block % 64 == 63) {
      delta_test::Rng extra(block);
      out(delta_test::text_content(extra, 4096));
    }
  }
}

// Streams generated content through pigz -6 into `path`; returns the raw bytes' file too.
void write_image(const std::string& raw_path, const std::string& path, std::uint64_t mib, bool edits) {
  {
    std::ofstream raw(raw_path, std::ios::binary);
    generate(mib, edits, [&](const std::string& s) { raw.write(s.data(), static_cast<std::streamsize>(s.size())); });
  }
  std::ifstream in(raw_path, std::ios::binary);
  std::ofstream out(path, std::ios::binary);
  delta::compress_with(
      pigz6_recipe(),
      [&](char* b, std::size_t n) {
        in.read(b, static_cast<std::streamsize>(n));
        return static_cast<std::size_t>(in.gcount());
      },
      [&](const char* d, std::size_t n) {
        out.write(d, static_cast<std::streamsize>(n));
        return true;
      });
}

std::vector<std::string> file_chunks(const std::string& path, std::uint64_t chunk, std::uint64_t& size) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::vector<char> buffer(1u << 20);
  size = 0;
  common::Hasher h(common::HashAlgorithm::sha256);
  std::uint64_t in_chunk = 0;
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    h.update(buffer.data(), n);  // chunk is a multiple of 1 MiB
    size += n;
    in_chunk += n;
    if (in_chunk == chunk) {
      out.push_back(h.finish_hex());
      h = common::Hasher(common::HashAlgorithm::sha256);
      in_chunk = 0;
    }
  }
  if (in_chunk > 0) out.push_back(h.finish_hex());
  return out;
}

}  // namespace

TEST_CASE("benchmark: stage a large delta image (SDCB_DELTA_BENCH_*)", "[.bench]") {
  const char* dir_env = std::getenv("SDCB_DELTA_BENCH_DIR");
  const char* phase = std::getenv("SDCB_DELTA_BENCH_PHASE");
  if (dir_env == nullptr || phase == nullptr) {
    WARN("set SDCB_DELTA_BENCH_DIR and SDCB_DELTA_BENCH_PHASE (prepare, then stage)");
    return;
  }
  const std::string dir = dir_env, root = dir + "/hn";
  const std::uint64_t mib = std::getenv("SDCB_DELTA_BENCH_MIB") ? std::stoull(std::getenv("SDCB_DELTA_BENCH_MIB")) : 1024;
  const std::string base_uuid = uuid_n(101), image_uuid = uuid_n(102);
  const Paths paths = Paths::under(root);
  if (std::string(phase) == "prepare") {
    ::mkdir(dir.c_str(), 0755);
    ::mkdir(root.c_str(), 0755);
    make_root(root);
    const std::string base_file = root + "/usbkey/images/" + base_uuid + ".imgfile";
    write_image(dir + "/base.raw", base_file, mib, false);
    write_image(dir + "/new.raw", dir + "/new.imgfile", mib, true);
    {
      std::ifstream in(dir + "/new.raw", std::ios::binary);
      std::ofstream out(dir + "/patch", std::ios::binary);
      delta::encode_patch(dir + "/base.raw",
                          [&](char* b, std::size_t n) {
                            in.read(b, static_cast<std::streamsize>(n));
                            return static_cast<std::size_t>(in.gcount());
                          },
                          [&](const char* d, std::size_t n) { out.write(d, static_cast<std::streamsize>(n)); });
    }
    std::remove((dir + "/base.raw").c_str());
    std::remove((dir + "/new.raw").c_str());
    manifest::BundleIndex ix = test_index_header(64u << 20);
    std::uint64_t file_size = 0, patch_size = 0, base_size = 0;
    const auto file_sha256 = file_chunks(dir + "/new.imgfile", ix.chunk_size, file_size);
    const auto patch_sha256 = file_chunks(dir + "/patch", ix.chunk_size, patch_size);
    file_chunks(base_file, ix.chunk_size, base_size);
    const std::string manifest =
        "{\"v\":2,\"uuid\":\"" + image_uuid + "\",\"owner\":\"00000000-0000-0000-0000-000000000000\","
        "\"name\":\"cnapi\",\"version\":\"2\",\"state\":\"active\",\"disabled\":false,\"public\":true,"
        "\"published_at\":\"2025-01-01T00:00:00.000Z\",\"type\":\"other\",\"os\":\"other\",\"files\":[{\"sha1\":\"" +
        common::file_hex_digest(common::HashAlgorithm::sha1, dir + "/new.imgfile") + "\",\"size\":" +
        std::to_string(file_size) + ",\"compression\":\"gzip\"}]}";
    ix.members.push_back({"images/" + image_uuid + ".imgmanifest", manifest.size(),
                          bundles::chunk_hashes_of(manifest, ix.chunk_size)});
    ix.members.push_back({"images/" + image_uuid + ".imgpatch", patch_size, patch_sha256});
    manifest::BundleArtifact a;
    a.role = "service-image";
    a.services = {"cnapi"};
    a.uuid = image_uuid;
    a.name = "cnapi";
    a.version = "2";
    a.published_at = "2025-01-01T00:00:00.000Z";
    a.manifest_member = ix.members[0].name;
    manifest::BundleDelta d;
    d.patch_member = ix.members[1].name;
    d.base_uuid = base_uuid;
    d.base_sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, base_file);
    d.base_size = base_size;
    d.base_compression = delta::Compression::gzip;
    d.recipe = pigz6_recipe();
    d.file_size = file_size;
    d.file_sha256 = file_sha256;
    a.delta = d;
    ix.artifacts.push_back(a);
    ix.format_version = manifest::required_format_version(ix.artifacts);
    ix.bundle_id = manifest::bundle_id_for(ix.members);
    const std::string index_bytes = ix.serialize();
    auto signatures = signing::SignatureDocument::for_bundle(ix.bundle_id, index_bytes);
    signatures.sign(release_key(), ix.bundle_id, index_bytes);
    bundles::WriterOptions options;
    options.signature_json = signatures.serialize();
    bundles::write_bundle(dir + "/d.sdc", index_bytes,
                          {{ix.members[0].name, "", manifest, 0644}, {ix.members[1].name, dir + "/patch", "", 0644}},
                          options);
    // The trust root must be the one of this process's key: keep the key's root in place.
    install_test_root(paths);
    std::cout << "prepared: image " << file_size << " bytes, patch " << patch_size << " bytes, base " << base_size
              << " bytes\n";
    return;
  }
  // phase "stage": a fresh process, whose key differs: the bundle is checked against the root
  // written at prepare time (release_key() is per process), so the root file is reused as is.
  const VerifiedBundle bundle = installer::check_bundle(paths, dir + "/d.sdc", {});
  std::remove((root + "/usbkey/images/" + image_uuid + ".imgfile").c_str());
  const auto started = std::chrono::steady_clock::now();
  const auto r = stage_bundle(bundle, paths, {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(r.rebuilt == 1);
  std::cout << "staged: rebuilt " << r.rebuilt_bytes << " bytes (image file) from a " << r.base_bytes
            << "-byte uncompressed base; rebuild " << r.rebuild_seconds << " s ("
            << (static_cast<double>(r.base_bytes) / (1 << 20)) / r.rebuild_seconds
            << " MiB/s of uncompressed stream), whole stage " << seconds << " s\n";
}
