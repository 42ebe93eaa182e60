#pragma once
// Fixtures for the installer unit tests: a scratch headnode root and small but real
// bundles (bundles::write_bundle) holding images with manifests, an origin chain, an
// agentsshar and a platform, built in memory so each test can bend one thing.

#include <tests/unit/support/error_capture.hpp>
#include "../common/test_support.hpp"

#include <installer/verified_bundle.hpp>

#include <bundles/byte_source.hpp>
#include <bundles/writer.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>
#include <manifest/bundle_index.hpp>
#include <signing/key.hpp>
#include <signing/root.hpp>
#include <signing/signature_document.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace installer_test {

using test_support::exists;
using test_support::slurp;
using test_support::TempDir;

// Deterministic, incompressible bytes.
inline std::string payload(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

// code_of / message_of: tests/unit/support/error_capture.hpp
using sdcb_test::code_of;
using sdcb_test::message_of;

// One image of a test bundle.
struct TestImage {
  std::string uuid, name, version, role;
  std::string file;                  // content
  std::string origin;                // "" = none
  std::string stage_as;              // "" = the builder's default for the role
  std::string manifest_sha1;         // "" = the file's real SHA-1
};

inline std::string uuid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", n, n);
  return buf;
}

inline std::string manifest_json(const TestImage& i) {
  const std::string sha1 = i.manifest_sha1.empty()
                               ? common::hex_digest(common::HashAlgorithm::sha1, i.file)
                               : i.manifest_sha1;
  std::string j = "{\"v\":2,\"uuid\":\"" + i.uuid + "\",\"owner\":\"00000000-0000-0000-0000-000000000000\","
                  "\"name\":\"" + i.name + "\",\"version\":\"" + i.version + "\",\"state\":\"active\","
                  "\"disabled\":false,\"public\":true,\"published_at\":\"2025-01-01T00:00:00.000Z\","
                  "\"type\":\"other\",\"os\":\"other\",\"files\":[{\"sha1\":\"" + sha1 +
                  "\",\"size\":" + std::to_string(i.file.size()) + ",\"compression\":\"gzip\"}]";
  if (!i.origin.empty()) j += ",\"origin\":\"" + i.origin + "\"";
  return j + "}";
}

// The images of the default test bundle: an origin and two images on it, an agentsshar,
// a platform.
inline std::vector<TestImage> default_images() {
  return {
      {uuid_n(1), "imgapi", "master-20250101T000000Z-g1", "service-image", payload(300000, 1), uuid_n(2), "", ""},
      {uuid_n(2), "triton-origin-x86_64-21.4.0", "master-1", "origin", payload(2500000, 2), "", "", ""},
      {uuid_n(3), "agentsshar", "master-20250101T000000Z-g3", "agentsshar", payload(70000, 3), "",
       "/usbkey/extra/agents/agents-master-20250101T000000Z-g3.sh", ""},
      {uuid_n(4), "platform", "master-20250101T000000Z", "platform", payload(90000, 4), "",
       "/usbkey/extra/platforms/platform-master-20250101T000000Z.tgz", ""},
  };
}

// The release team's key of the tests (one per program) and the DC trust root naming it.
inline const signing::PrivateKey& release_key() {
  static const signing::PrivateKey key = signing::PrivateKey::generate();
  return key;
}

// Installs the test trust root as the DC's (`paths`.trust_root).
inline void install_test_root(const installer::Paths& paths) {
  auto root = signing::TrustRoot::create(1, static_cast<std::int64_t>(std::time(nullptr)) + 365 * 86400, 1,
                                         {{"release", release_key().public_key()}});
  root.sign(release_key());
  std::filesystem::create_directories(std::filesystem::path(paths.trust_root).parent_path());
  common::write_file_atomic(paths.trust_root, root.serialize());
}

// An image of a test bundle shipped as a delta (docs/bundle-format.md §3a): its file
// member is replaced by `patch`, rebuilt on the headnode from base `base_uuid`'s file.
// An index with the header fields every test bundle uses (dates, builder, source, channel)
// and `chunk_size`; members, artifacts and bundle_id are the caller's.
inline manifest::BundleIndex test_index_header(std::uint64_t chunk_size, std::int64_t sequence = 1764072000) {
  manifest::BundleIndex ix;
  ix.created = "2026-11-25T12:00:00Z";
  ix.expires = "2027-02-23T12:00:00Z";
  ix.builder = {"sdcadm-bundle", "0.1.0"};
  ix.source = {"https://updates.example.com", "release"};
  ix.channel = "release";
  ix.sequence = sequence;
  ix.min_installer_version = "0.1.0";
  ix.chunk_size = chunk_size;
  return ix;
}

struct TestDelta {
  std::string image_uuid;              // which TestImage
  std::string base_uuid, base_sha1;
  std::uint64_t base_size = 0;
  delta::Compression base_compression = delta::Compression::gzip;
  delta::Recipe recipe;
  std::string patch;                   // delta/patch.hpp stream
};

struct TestBundle {
  std::string path;
  manifest::BundleIndex index;
  std::string index_bytes;
};

// Writes a bundle of `images` (plus changelog.json) into `dir`/name; `edit` may change
// the index before it is serialized (hashes stay those of the real content).
inline TestBundle write_test_bundle(const TempDir& dir, const std::vector<TestImage>& images,
                                    const std::string& name = "t.sdc",
                                    const std::function<void(manifest::BundleIndex&)>& edit = {},
                                    const std::vector<TestDelta>& deltas = {}) {
  const std::uint64_t chunk = 1u << 20;
  TestBundle b;
  b.index = test_index_header(chunk);
  auto& ix = b.index;
  std::vector<bundles::MemberInput> inputs;
  const auto add = [&](const std::string& member, const std::string& bytes) {
    ix.members.push_back({member, bytes.size(), bundles::chunk_hashes_of(bytes, chunk)});
    inputs.push_back({member, "", bytes, 0644});
  };
  add("changelog.json", "{\"artifacts\":[]}");
  for (const auto& i : images) {
    add("images/" + i.uuid + ".imgmanifest", manifest_json(i));
    const auto d = std::find_if(deltas.begin(), deltas.end(), [&](const TestDelta& t) { return t.image_uuid == i.uuid; });
    if (d == deltas.end()) add("images/" + i.uuid + ".imgfile", i.file);
    else add("images/" + i.uuid + ".imgpatch", d->patch);
    manifest::BundleArtifact a;
    a.role = i.role;
    if (i.role == "service-image") a.services = {i.name};
    a.uuid = i.uuid;
    a.name = i.name;
    a.version = i.version;
    a.published_at = "2025-01-01T00:00:00.000Z";
    a.manifest_member = "images/" + i.uuid + ".imgmanifest";
    a.file_member = "images/" + i.uuid + ".imgfile";
    a.stage_as = i.stage_as.empty() ? "/usbkey/images/" + i.uuid + ".imgfile" : i.stage_as;
    if (d != deltas.end()) {
      a.file_member.clear();
      manifest::BundleDelta bd;
      bd.patch_member = "images/" + i.uuid + ".imgpatch";
      bd.base_uuid = d->base_uuid;
      bd.base_sha1 = d->base_sha1;
      bd.base_size = d->base_size;
      bd.base_compression = d->base_compression;
      bd.recipe = d->recipe;
      bd.file_size = i.file.size();
      bd.file_sha256 = bundles::chunk_hashes_of(i.file, chunk);
      a.delta = bd;
    }
    ix.artifacts.push_back(a);
  }
  ix.format_version = manifest::required_format_version(ix.artifacts);
  if (edit) edit(ix);
  ix.bundle_id = manifest::bundle_id_for(ix.members);
  b.index_bytes = ix.serialize();
  b.path = dir.file(name);
  bundles::WriterOptions options;
  options.threads = 1;
  // Signed in its slot by the tests' release key, so the trust check passes.
  auto signatures = signing::SignatureDocument::for_bundle(ix.bundle_id, b.index_bytes);
  signatures.sign(release_key(), ix.bundle_id, b.index_bytes);
  options.signature_json = signatures.serialize();
  bundles::write_bundle(b.path, b.index_bytes, inputs, options);
  return b;
}

// The bundle through the DC's trust check (the only way to get a VerifiedBundle), with the
// test trust root installed under `paths`.
inline installer::VerifiedBundle verified(const installer::Paths& paths, const TestBundle& bundle) {
  install_test_root(paths);
  return installer::check_bundle(paths, bundle.path, {});
}

// The same for a bundle read once from a stream (stage -).
inline installer::VerifiedStream verified_stream(const installer::Paths& paths, const std::string& bytes) {
  install_test_root(paths);
  return installer::check_stream(paths, bundles::memory_source(bytes), "-", {});
}

// A scratch headnode root with the directories a headnode has.
inline void make_root(const std::string& root) {
  for (const char* d : {"/usbkey", "/usbkey/images", "/usbkey/extra", "/usbkey/extra/agents",
                        "/var", "/var/run", "/var/sdcadm", "/var/log"}) {
    ::mkdir((root + d).c_str(), 0755);
  }
}

// Every regular file below `dir`, relative to it, sorted; the DC's trust files (the test
// root, written by verified()) are not counted.
inline std::vector<std::string> files_below(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string rel = e.path().string().substr(dir.size());
    if (e.is_regular_file() && rel.rfind("/var/sdcadm/trust/", 0) != 0) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Flips one byte of the file at `path` (a tampered staged file or bundle).
inline void flip_byte(const std::string& path, std::uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

inline std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_size);
}

// A scratch headnode root (make_root) and its Paths, for the stage tests.
struct StageScene {
  TempDir dir;
  std::string root = dir.file("hn");
  installer::Paths paths;
  StageScene() {
    ::mkdir(root.c_str(), 0755);
    make_root(root);
    paths = installer::Paths::under(root);
  }
  // Files written under the root other than the empty directories make_root made.
  std::vector<std::string> written() const { return files_below(root); }
};

}  // namespace installer_test
