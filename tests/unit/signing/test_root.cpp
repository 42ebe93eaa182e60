// signing/root, root_chain: strict root.json parsing, self-validity (each key once),
// rotation N -> N+1 (both thresholds), chain walks with gaps and bad signatures.
#include "signing_support.hpp"

#include <signing/encoding.hpp>
#include <signing/root_chain.hpp>

using namespace signing_test;
using common::ExitCode;
using common::Json;

namespace {

// The root's JSON with `edit` applied, re-parsed.
signing::TrustRoot edited(const signing::TrustRoot& root, const std::function<void(Json&)>& edit) {
  Json j = root.to_json();
  edit(j);
  return signing::TrustRoot::parse(common::dump_json(j), "edited root");
}

}  // namespace

TEST_CASE("a root round-trips through its file form and is self-valid at its threshold") {
  TempDir dir;
  const auto root = make_root(1, {0, 1, 2}, 2, {0, 1});
  write_text(dir.file("root.json"), root.serialize());
  const auto back = signing::load_root(dir.file("root.json"));
  CHECK(back.version() == 1);
  CHECK(back.threshold() == 2);
  CHECK(back.keys().size() == 3);
  CHECK(back.keys()[0].name == "alice");
  CHECK(back.signed_bytes() == root.signed_bytes());
  CHECK(back.self_valid());
  CHECK(back.serialize() == root.serialize());
  // jq -cjS .signed gives the signed bytes.
  shell("jq -cjS .signed " + dir.file("root.json") + " > " + dir.file("signed"));
  CHECK(slurp(dir.file("signed")) == root.signed_bytes());
}

TEST_CASE("self-validity counts each key once and ignores outsiders") {
  CHECK_FALSE(make_root(1, {0, 1, 2}, 2, {0}).self_valid());
  CHECK_FALSE(make_root(1, {0, 1, 2}, 2, {0, 5, 6}).self_valid());  // 5, 6 are not root keys
  // The same key's signature twice (a crafted list) still counts once.
  const auto twice = edited(make_root(1, {0, 1, 2}, 2, {0}), [](Json& j) {
    j["signatures"].push_back(j["signatures"][0]);
  });
  REQUIRE(twice.signatures().size() == 2);
  CHECK(twice.self_tally().valid.size() == 1);
  CHECK_FALSE(twice.self_valid());
  // Signing again with the same key replaces, never duplicates.
  auto again = make_root(1, {0, 1}, 1, {0});
  again.sign(key(0));
  CHECK(again.signatures().size() == 1);
}

TEST_CASE("root.json is parsed strictly") {
  const auto good = make_root(1, {0, 1}, 1, {0});
  const auto refused = [&](const std::function<void(Json&)>& edit, const std::string& words) {
    const std::string msg = message_of([&] { edited(good, edit); });
    INFO(msg);
    CHECK(msg.find(words) != std::string::npos);
    CHECK(code_of([&] { edited(good, edit); }) == ExitCode::bad_data);
  };
  refused([](Json& j) { j["signed"]["extra"] = 1; }, "signed.extra: unknown key");
  refused([](Json& j) { j["extra"] = 1; }, "extra: unknown key");
  refused([](Json& j) { j["signed"]["type"] = "tuf-root"; }, "signed.type");
  refused([](Json& j) { j["signed"]["version"] = 0; }, "signed.version");
  refused([](Json& j) { j["signed"]["version"] = 1.5; }, "signed.version");
  refused([](Json& j) { j["signed"]["threshold"] = 3; }, "outside 1..2");
  refused([](Json& j) { j["signed"]["threshold"] = 0; }, "outside 1..2");
  refused([](Json& j) { j["signed"]["expires"] = "2027-01-01"; }, "signed.expires");
  refused([](Json& j) { j["signed"]["keys"][0]["keyid"] = std::string(64, 'a'); }, "does not match the SHA-256");
  refused([](Json& j) { j["signed"]["keys"][1] = j["signed"]["keys"][0]; }, "the same key twice");
  refused([](Json& j) { j["signed"]["keys"][0]["type"] = "rsa"; }, "not supported");
  refused([](Json& j) { j["signed"]["keys"][0]["public"] = "AAAA"; }, "not a DER");
  refused([](Json& j) { j["signed"]["keys"][0]["public"] = "not base64!"; }, "not base64");
  refused([](Json& j) { j["signatures"][0]["sig"] = "AAAA"; }, "64-byte Ed25519 signature");
  refused([](Json& j) { j["signatures"][0]["keyid"] = "ABC"; }, "not a key id");
  refused([](Json& j) { j["signatures"][0]["by"] = "me"; }, "unknown key");
  refused([](Json& j) {
    for (int i = 0; i < 65; ++i) j["signed"]["keys"].push_back(j["signed"]["keys"][0]);
  }, "more than the limit of 64");
  CHECK(code_of([] { signing::TrustRoot::parse("{\"signed\":{}", "r"); }) == ExitCode::bad_data);
  CHECK(code_of([] { signing::TrustRoot::parse(R"({"signed":{},"signed":{}})", "r"); }) == ExitCode::bad_data);
  TempDir dir;
  CHECK(code_of([&] { signing::load_root(dir.file("none.json")); }) == ExitCode::not_found);
}

TEST_CASE("creating a root refuses impossible thresholds and repeated keys") {
  CHECK(code_of([] { signing::TrustRoot::create(1, k_now, 3, named({0, 1})); }) == ExitCode::usage);
  CHECK(code_of([] { signing::TrustRoot::create(1, k_now, 0, named({0, 1})); }) == ExitCode::usage);
  CHECK(code_of([] { signing::TrustRoot::create(1, k_now, 1, named({0, 0})); }) == ExitCode::usage);
  CHECK(code_of([] { signing::TrustRoot::create(1, k_now, 1, {}); }) == ExitCode::usage);
}

TEST_CASE("rotation needs both the old threshold and the new one") {
  const auto v1 = make_root(1, {0, 1, 2}, 2, {0, 1});
  // v2 drops carol, adds dave, threshold 2 of {alice, bob, dave}.
  signing::require_rotation(v1, make_root(2, {0, 1, 3}, 2, {0, 1}));  // alice+bob cover both
  signing::require_rotation(v1, make_root(2, {3, 4}, 2, {0, 2, 3, 4}));  // full handover
  const auto old_short = make_root(2, {3, 4}, 2, {0, 3, 4});
  CHECK(code_of([&] { signing::require_rotation(v1, old_short); }) == ExitCode::trust_root);
  CHECK(message_of([&] { signing::require_rotation(v1, old_short); }).find("previous root v1 needs 2") !=
        std::string::npos);
  const auto new_short = make_root(2, {3, 4}, 2, {0, 1, 3});
  CHECK(message_of([&] { signing::require_rotation(v1, new_short); }).find("new root v2 needs 2") !=
        std::string::npos);
  const auto gap = make_root(3, {0, 1, 2}, 2, {0, 1});
  CHECK(code_of([&] { signing::require_rotation(v1, gap); }) == ExitCode::trust_root);
  CHECK(message_of([&] { signing::require_rotation(v1, gap); }).find("v2 is missing") != std::string::npos);
  const auto tally = signing::tally_rotation(v1, old_short);
  CHECK_FALSE(tally.old_ok);
  CHECK(tally.new_ok);
}

TEST_CASE("a root chain is walked one version at a time") {
  const auto v1 = make_root(1, {0, 1}, 1, {0});
  const auto v2 = make_root(2, {1, 2}, 1, {0, 1});
  const auto v3 = make_root(3, {2, 3}, 2, {1, 2, 3});
  CHECK(signing::walk_root_chain(v1, {v3, v2, v1}).version() == 3);  // any order; v1 ignored
  CHECK(signing::walk_root_chain(v2, {v1, v2, v3}).version() == 3);
  CHECK(signing::walk_root_chain(v1, {}).version() == 1);
  CHECK(signing::walk_root_chain(v1, {v2, v2}).version() == 2);  // the same root twice is harmless
  // A gap: v3 without v2.
  CHECK(code_of([&] { signing::walk_root_chain(v1, {v3}); }) == ExitCode::trust_root);
  // A bad signature: v2 whose signature was made over other bytes.
  const auto forged = edited(v2, [](Json& j) { j["signed"]["expires"] = "2099-01-01T00:00:00Z"; });
  CHECK(code_of([&] { signing::walk_root_chain(v1, {forged, v3}); }) == ExitCode::trust_root);
  // Two different roots with the same version.
  const auto other_v2 = make_root(2, {1, 3}, 1, {0, 1, 3});
  CHECK(code_of([&] { signing::walk_root_chain(v1, {v2, other_v2}); }) == ExitCode::trust_root);
}
