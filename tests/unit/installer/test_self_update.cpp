// The installer's self-update pieces (self_update.hpp): which carried installer to install,
// the loop guard, and the install itself (verified extract, .prev kept, atomic rename).
#include "installer_support.hpp"

#include <installer/self_update.hpp>

#include <bundles/seekable_reader.hpp>
#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <cstdlib>
#include <string>

using namespace installer;
using installer_test::TempDir;

namespace {

manifest::BundleIndex index_carrying(const std::string& version) {
  manifest::BundleIndex index;
  index.bundle_id = "0f3c6a52-1d2e-4b6f-8a9b-1c2d3e4f5a6b";
  manifest::BundleArtifact a;
  a.role = "installer";
  a.name = "sdcadm-install";
  a.version = version;
  a.file_member = "installer/sdcadm-install";
  index.artifacts.push_back(a);
  return index;
}

// A bundle whose only payload is the installer member with `content`.
std::string write_installer_bundle(const TempDir& dir, const std::string& content) {
  const std::uint64_t chunk = 1u << 20;
  manifest::BundleIndex ix = installer_test::test_index_header(chunk, 1);
  ix.members.push_back({"installer/sdcadm-install", content.size(), bundles::chunk_hashes_of(content, chunk)});
  ix.artifacts = index_carrying("9.0.0").artifacts;
  ix.bundle_id = manifest::bundle_id_for(ix.members);
  const std::string path = dir.file("i.sdc");
  bundles::WriterOptions options;
  options.threads = 1;
  const std::string index_bytes = ix.serialize();
  auto signatures = signing::SignatureDocument::for_bundle(ix.bundle_id, index_bytes);
  signatures.sign(installer_test::release_key(), ix.bundle_id, index_bytes);
  options.signature_json = signatures.serialize();
  bundles::write_bundle(path, index_bytes, {{"installer/sdcadm-install", "", content, 0755}}, options);
  return path;
}

// The bundle through the trust check, with the DC's trust root in a directory of its own.
VerifiedBundle checked(const std::string& bundle) {
  TempDir dc;
  const Paths paths = Paths::under(dc.path());
  installer_test::install_test_root(paths);
  return check_bundle(paths, bundle, {});
}

}  // namespace

TEST_CASE("only a newer carried installer is installed", "[self_update]") {
  ::unsetenv(k_reexec_env);
  CHECK(installer_to_install(index_carrying("0.2.0"), "0.1.0") != nullptr);
  CHECK(installer_to_install(index_carrying("0.1.1-test"), "0.1.0") != nullptr);
  CHECK(installer_to_install(index_carrying("0.1.0"), "0.1.0") == nullptr);
  CHECK(installer_to_install(index_carrying("0.0.9"), "0.1.0") == nullptr);
  CHECK(installer_to_install(manifest::BundleIndex{}, "0.1.0") == nullptr);
  CHECK_THROWS_MATCHES(installer_to_install(index_carrying("latest"), "0.1.0"), common::Error,
                       Catch::Predicate<common::Error>([](const common::Error& e) {
                         return e.code() == common::ExitCode::bundle_corrupt;
                       }));
}

TEST_CASE("a re-executed installer never updates itself again for the same bundle", "[self_update]") {
  const manifest::BundleIndex index = index_carrying("9.0.0");
  ::setenv(k_reexec_env, index.bundle_id.c_str(), 1);
  CHECK(reexecuted_for(index.bundle_id));
  CHECK(installer_to_install(index, "0.1.0") == nullptr);
  ::setenv(k_reexec_env, "another-bundle", 1);
  CHECK_FALSE(reexecuted_for(index.bundle_id));
  CHECK(installer_to_install(index, "0.1.0") != nullptr);
  ::unsetenv(k_reexec_env);
}

// A stand-in installer: a script that says `version` (the index names 9.0.0).
std::string script_saying(const std::string& version) { return "#!/bin/sh\necho \"sdcadm-install " + version + "\"\n"; }

TEST_CASE("install_installer replaces the target and keeps the previous one", "[self_update]") {
  TempDir dir;
  const std::string new_binary = script_saying("9.0.0");
  const std::string bundle = write_installer_bundle(dir, new_binary);
  ::mkdir(dir.file("bin").c_str(), 0755);
  const std::string target = dir.file("bin/sdcadm-install");
  common::write_file_atomic(target, "old binary", 0755);
  const VerifiedBundle reader = checked(bundle);
  install_installer(reader, reader.index().artifacts.front(), target);
  CHECK(test_support::slurp(target) == new_binary);
  CHECK(test_support::slurp(target + ".prev") == "old binary");
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  CHECK(sdcb_test::dir_entries(dir.file("bin")) == std::vector<std::string>{"sdcadm-install", "sdcadm-install.prev"});

  // Again (a re-run that installs once more): .prev is the binary it replaced.
  install_installer(reader, reader.index().artifacts.front(), target);
  CHECK(test_support::slurp(target + ".prev") == new_binary);
}

TEST_CASE("a carried installer that does not run here, or says another version, is not installed",
          "[self_update]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {script_saying("9.0.1"), "says it is version \"9.0.1\", but the signed index names 9.0.0"},
      {"#!/bin/sh\nexit 3\n", "does not run on this headnode"},
      {"\x7f" "ELF for another system", "does not run on this headnode"},
      {"#!/bin/sh\nsleep 30\n", "does not run on this headnode"},
  };
  for (const auto& [content, expected] : cases) {
    INFO(expected);
    TempDir dir;
    const std::string bundle = write_installer_bundle(dir, content);
    const std::string target = dir.file("sdcadm-install");
    common::write_file_atomic(target, "old binary", 0755);
    const VerifiedBundle reader = checked(bundle);
    if (content.find("sleep") != std::string::npos) {
      // A hung binary is killed after the probe's timeout; check_runs with a short one.
      const std::string hung = dir.file("hung");
      common::write_file_atomic(hung, content, 0755);
      CHECK_THROWS_MATCHES(check_runs(hung, "9.0.0", std::chrono::milliseconds(300)), common::Error,
                           Catch::Predicate<common::Error>([&](const common::Error& e) {
                             return e.code() == common::ExitCode::installer_unusable &&
                                    std::string(e.what()).find(expected) != std::string::npos;
                           }));
      continue;
    }
    CHECK_THROWS_MATCHES(install_installer(reader, reader.index().artifacts.front(), target), common::Error,
                         Catch::Predicate<common::Error>([&](const common::Error& e) {
                           return e.code() == common::ExitCode::installer_unusable &&
                                  std::string(e.what()).find(expected) != std::string::npos;
                         }));
    CHECK(test_support::slurp(target) == "old binary");
    CHECK(sdcb_test::dir_entries(dir.path()) == std::vector<std::string>{"i.sdc", "sdcadm-install"});
  }
}

TEST_CASE("keep_previous copies where links are not possible", "[self_update]") {
  TempDir dir;
  const std::string target = dir.file("sdcadm-install");
  common::write_file_atomic(target, "running binary", 0755);
  common::write_file_atomic(target + ".prev", "an older one", 0755);
  keep_previous(target, PrevBy::copy_only);
  CHECK(test_support::slurp(target + ".prev") == "running binary");
  struct stat t {}, p {};
  REQUIRE(::stat(target.c_str(), &t) == 0);
  REQUIRE(::stat((target + ".prev").c_str(), &p) == 0);
  CHECK(t.st_ino != p.st_ino);  // a copy, not a link
  CHECK((p.st_mode & 0111) != 0);
  CHECK(sdcb_test::dir_entries(dir.path()) == std::vector<std::string>{"sdcadm-install", "sdcadm-install.prev"});
}

TEST_CASE("a failed re-exec is an I/O error that says the installer is in place", "[self_update]") {
  TempDir dir;
  CHECK_THROWS_MATCHES(reexec(dir.file("missing"), {"sdcadm-install", "apply"}, "b-1"), common::Error,
                       Catch::Predicate<common::Error>([](const common::Error& e) {
                         return e.code() == common::ExitCode::io &&
                                std::string(e.what()).find("run the same command again") != std::string::npos;
                       }));
  ::unsetenv(k_reexec_env);
}

TEST_CASE("a failed extract leaves the target untouched and no temp file", "[self_update]") {
  TempDir dir;
  const std::string bundle = write_installer_bundle(dir, "#!/bin/sh\necho new\n");
  const std::string target = dir.file("sdcadm-install");
  common::write_file_atomic(target, "old binary", 0755);
  const VerifiedBundle reader = checked(bundle);
  manifest::BundleArtifact wrong = reader.index().artifacts.front();
  wrong.file_member = "installer/missing";
  CHECK_THROWS_AS(install_installer(reader, wrong, target), common::Error);
  CHECK(test_support::slurp(target) == "old binary");
  CHECK_FALSE(test_support::exists(target + ".prev"));
  CHECK(sdcb_test::dir_entries(dir.path()) == std::vector<std::string>{"i.sdc", "sdcadm-install"});
}
