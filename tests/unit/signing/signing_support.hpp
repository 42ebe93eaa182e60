#pragma once
// Fixtures for the signing tests: keys (made once per program: Ed25519 generation is
// cheap but the tests make many roots), roots signed by chosen keys, a bundle index and
// its exact bytes, the exit code / message of a failing call, and the stock openssl CLI.

#include <tests/unit/support/error_capture.hpp>
#include <common/error.hpp>
#include <manifest/bundle_index.hpp>
#include <signing/key.hpp>
#include <signing/root.hpp>
#include <signing/utc_time.hpp>

#include "../common/test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace signing_test {

using test_support::slurp;
using test_support::TempDir;

constexpr std::int64_t k_now = 1764072000;  // 2025-11-25T12:00:00Z
constexpr std::int64_t k_day = 86400;

// Key number i (0..7), the same object for the whole program.
inline const signing::PrivateKey& key(std::size_t i) {
  static const std::vector<signing::PrivateKey> keys = [] {
    std::vector<signing::PrivateKey> k;
    for (int n = 0; n < 8; ++n) k.push_back(signing::PrivateKey::generate());
    return k;
  }();
  return keys.at(i);
}

inline const char* name_of(std::size_t i) {
  static const char* names[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  return names[i];
}

inline std::vector<signing::NamedKey> named(const std::vector<std::size_t>& ids) {
  std::vector<signing::NamedKey> out;
  for (auto i : ids) out.push_back({name_of(i), key(i).public_key()});
  return out;
}

// A root of version `version` over keys `ids` with `threshold`, signed by `signers`.
inline signing::TrustRoot make_root(std::int64_t version, const std::vector<std::size_t>& ids,
                                    std::int64_t threshold, const std::vector<std::size_t>& signers,
                                    std::int64_t expires_at = k_now + 365 * k_day) {
  auto root = signing::TrustRoot::create(version, expires_at, threshold, named(ids));
  for (auto s : signers) root.sign(key(s));
  return root;
}

// A small valid bundle index; `seed` changes the member hash (so the bundle_id).
inline manifest::BundleIndex make_index(int seed = 1, std::int64_t sequence = k_now,
                                        std::int64_t expires_at = k_now + 90 * k_day,
                                        const std::string& channel = "release") {
  manifest::BundleIndex index;
  index.created = signing::format_utc(sequence);
  index.expires = signing::format_utc(expires_at);
  index.builder = {"sdcadm-bundle", "0.1.0"};
  index.source = {"https://updates.example.com", channel};
  index.channel = channel;
  index.sequence = sequence;
  index.min_installer_version = "0.1.0";
  std::string hash(64, '0');
  hash[0] = static_cast<char>('0' + seed % 10);
  index.members.push_back({"changelog.json", 10, {hash}});
  index.bundle_id = manifest::bundle_id_for(index.members);
  return manifest::BundleIndex::parse(index.serialize());
}

// code_of / message_of: tests/unit/support/error_capture.hpp
using sdcb_test::code_of;
using sdcb_test::message_of;

// Runs a shell command; REQUIREs exit 0.
inline void shell(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(("{ " + command + "; } >/dev/null 2>&1").c_str()) == 0);
}

inline void write_text(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  REQUIRE(std::fclose(f) == 0);
}

}  // namespace signing_test
