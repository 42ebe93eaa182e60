// signing/policy: every refusal of the verification policy with its exit code, in the
// spec's order, and what a successful check reports (final root, signers, overrides).
#include "signing_support.hpp"

#include <bundles/signature_slot.hpp>
#include <signing/encoding.hpp>
#include <signing/policy.hpp>
#include <signing/signature_document.hpp>

using namespace signing_test;
using common::ExitCode;
using signing::SignatureDocument;
using signing::TrustCheckInput;

namespace {

// A bundle (index + its bytes) and a check of it against a trusted root.
struct Case {
  manifest::BundleIndex index = make_index();
  std::string bytes = index.serialize();
  std::string slot{bundles::k_empty_signature_json};
  signing::RollbackState state;
  TrustCheckInput input;

  explicit Case(const signing::TrustRoot& trusted) {
    input.trusted = trusted;
    input.trusted_path = "root.json";
    input.now = k_now;
  }
  // Signs the slot with the given keys (and carries the given roots).
  Case& signed_by(const std::vector<std::size_t>& keys, const std::vector<signing::TrustRoot>& roots = {}) {
    auto doc = SignatureDocument::for_bundle(index.bundle_id, bytes);
    for (auto k : keys) doc.sign(key(k), index.bundle_id, bytes);
    for (const auto& r : roots) doc.attach_root(r);
    slot = doc.serialize();
    return *this;
  }
  signing::TrustVerdict check() {
    input.index_bytes = bytes;
    input.index = &index;
    input.slot_json = slot;
    return signing::check_bundle_trust(input);
  }
  ExitCode code() { return code_of([this] { check(); }); }
  std::string message() { return message_of([this] { check(); }); }
};

const signing::TrustRoot& root_2_of_3() {
  static const auto r = make_root(1, {0, 1, 2}, 2, {0, 1});
  return r;
}

}  // namespace

TEST_CASE("a bundle signed by the threshold of the trusted root passes, with named signers") {
  Case c(root_2_of_3());
  c.signed_by({0, 2});
  const auto v = c.check();
  REQUIRE(v.signers.size() == 2);
  CHECK(v.signers[0].name == "alice");
  CHECK(v.signers[1].name == "carol");
  CHECK(v.signers[1].keyid == key(2).id());
  CHECK(v.root.version() == 1);
  CHECK_FALSE(v.root_is_newer);
  CHECK(v.overrides.empty());
  CHECK(v.document == "signature slot");
}

TEST_CASE("1: no trusted root is refused (37), never trusted on first use") {
  Case c(root_2_of_3());
  c.signed_by({0, 1});
  c.input.trusted.reset();
  c.input.trusted_path = "/var/sdcadm/trust/root.json";
  CHECK(c.code() == ExitCode::trust_no_root);
  CHECK(c.message().find("no trust root at /var/sdcadm/trust/root.json") != std::string::npos);
  c.input.no_root_hint = "create one with `sdcadm-install trust init ROOT.json`";
  CHECK(c.message().find("sdcadm-install trust init") != std::string::npos);
  TempDir dir;
  CHECK_FALSE(signing::load_trusted_root(dir.file("none.json")));
}

TEST_CASE("a trusted root file that is not self-valid is refused (35)") {
  TempDir dir;
  write_text(dir.file("root.json"), make_root(1, {0, 1, 2}, 2, {0}).serialize());
  CHECK(code_of([&] { signing::load_trusted_root(dir.file("root.json")); }) == ExitCode::trust_root);
  write_text(dir.file("root.json"), root_2_of_3().serialize());
  CHECK(signing::load_trusted_root(dir.file("root.json"))->version() == 1);
  write_text(dir.file("root.json"), "{not json");
  CHECK(code_of([&] { signing::load_trusted_root(dir.file("root.json")); }) == ExitCode::bad_data);
}

TEST_CASE("2: malformed signature JSON is bad data (9); another bundle's is mix-and-match (36)") {
  Case c(root_2_of_3());
  c.slot = "{\"signatures\":[";
  CHECK(c.code() == ExitCode::bad_data);
  // Signatures taken from bundle B and put beside bundle A.
  Case b(root_2_of_3());
  b.index = make_index(7);
  b.bytes = b.index.serialize();
  b.signed_by({0, 1});
  c.slot = b.slot;
  CHECK(c.code() == ExitCode::trust_mismatch);
  CHECK(c.message().find("belongs to another bundle") != std::string::npos);
}

TEST_CASE("2: a detached document is used instead of the slot") {
  Case c(root_2_of_3());
  Case signed_copy(root_2_of_3());
  signed_copy.signed_by({0, 1});
  c.input.detached_json = signed_copy.slot;
  c.input.detached_name = "x.sdc.sig";
  CHECK(c.check().document == "x.sdc.sig");
  c.signed_by({0, 1});
  c.input.detached_json = std::string(bundles::k_empty_signature_json);
  CHECK(c.code() == ExitCode::trust_unsigned);  // the slot's signatures are not consulted
}

TEST_CASE("3: carried roots rotate the trust; gaps, bad signatures and expiry are refused") {
  const auto v1 = root_2_of_3();
  const auto v2 = make_root(2, {1, 2, 3}, 2, {0, 1, 3});   // alice out, dave in
  const auto v3 = make_root(3, {2, 3, 4}, 2, {1, 2, 3, 4});  // bob out, erin in
  Case ok(v1);
  ok.signed_by({3, 4}, {v2, v3});
  const auto v = ok.check();
  CHECK(v.root.version() == 3);
  CHECK(v.root_is_newer);
  CHECK(v.signers[0].name == "dave");

  Case gap(v1);
  gap.signed_by({3, 4}, {v3});
  CHECK(gap.code() == ExitCode::trust_root);

  auto forged_json = v2.to_json();
  forged_json["signed"]["threshold"] = 1;  // changed after signing
  Case forged(v1);
  forged.signed_by({3}, {signing::TrustRoot::from_json(forged_json, "forged")});
  CHECK(forged.code() == ExitCode::trust_root);

  Case unparsable(v1);
  unparsable.signed_by({0, 1});
  auto j = common::parse_json(unparsable.slot, "s");
  j["roots"] = common::Json::array({{{"signed", {{"version", 2}}}, {"signatures", common::Json::array()}}});
  unparsable.slot = common::dump_json(j, -1);
  CHECK(unparsable.code() == ExitCode::trust_root);

  // Older roots carried by the bundle are ignored.
  Case older(v2);
  older.signed_by({1, 2}, {v1, v2});
  CHECK(older.check().root.version() == 2);
}

TEST_CASE("3: an expired final root is refused (33), an expired intermediate one is not") {
  const auto v1 = make_root(1, {0, 1}, 1, {0}, k_now - k_day);  // expired yesterday
  Case c(v1);
  c.signed_by({0});
  CHECK(c.code() == ExitCode::trust_expired);
  CHECK(c.message().find("trust root v1 expired") != std::string::npos);
  const auto v2 = make_root(2, {0, 1}, 1, {0});
  c.signed_by({0}, {v2});
  CHECK(c.check().root.version() == 2);
  const auto v3_expired = make_root(3, {0, 1}, 1, {0}, k_now - 1);
  c.signed_by({0}, {v2, v3_expired});
  CHECK(c.code() == ExitCode::trust_expired);
  CHECK(c.message().find("rotate") != std::string::npos);
}

TEST_CASE("4: unsigned (30), unknown key (31), below threshold (32), changed index (36)") {
  Case c(root_2_of_3());
  CHECK(c.code() == ExitCode::trust_unsigned);
  c.signed_by({});
  CHECK(c.code() == ExitCode::trust_unsigned);

  c.signed_by({5, 6});
  CHECK(c.code() == ExitCode::trust_unknown_key);
  CHECK(c.message().find(key(5).id()) != std::string::npos);

  c.signed_by({0});
  CHECK(c.code() == ExitCode::trust_threshold);
  CHECK(c.message().find("not enough signatures: 2 of 3 signers required by trust root v1, 1 valid: alice") != std::string::npos);
  c.signed_by({0, 5});
  CHECK(c.code() == ExitCode::trust_threshold);

  // One key counted twice: alice's signature duplicated in the list.
  c.signed_by({0});
  auto j = common::parse_json(c.slot, "s");
  j["signatures"].push_back(j["signatures"][0]);
  c.slot = common::dump_json(j, -1);
  CHECK(c.code() == ExitCode::trust_threshold);

  // The index changed after signing (the document re-bound to the new bytes by an attacker).
  Case changed(root_2_of_3());
  changed.signed_by({0, 1});
  changed.bytes += " ";
  auto k = common::parse_json(changed.slot, "s");
  k["index_sha256"] = signing::sha256_hex(changed.bytes);
  changed.slot = common::dump_json(k, -1);
  CHECK(changed.code() == ExitCode::trust_mismatch);
  CHECK(changed.message().find("changed after signing") != std::string::npos);
}

TEST_CASE("4: a key removed by rotation is an unknown key") {
  const auto v2 = make_root(2, {1, 2}, 1, {0, 1});  // alice removed
  Case c(root_2_of_3());
  c.signed_by({0}, {v2});
  CHECK(c.code() == ExitCode::trust_unknown_key);
  CHECK(c.message().find("removed by rotation") != std::string::npos);
  c.signed_by({0, 1}, {v2});  // bob is still a key: 1 of 1 required
  CHECK(c.check().signers.size() == 1);
}

TEST_CASE("4: a bad extra signature beyond the threshold is reported, not fatal") {
  Case c(root_2_of_3());
  c.signed_by({0, 1, 2});
  auto j = common::parse_json(c.slot, "s");
  j["signatures"][2]["sig"] = j["signatures"][0]["sig"];
  c.slot = common::dump_json(j, -1);
  const auto v = c.check();
  CHECK(v.signers.size() == 2);
  REQUIRE(v.warnings.size() == 1);
  CHECK(v.warnings[0].find("carol") != std::string::npos);
}

TEST_CASE("5: an expired bundle is refused (33) unless allowed, and the override is reported") {
  Case c(root_2_of_3());
  c.index = make_index(1, k_now - 100 * k_day, k_now - 10 * k_day);
  c.bytes = c.index.serialize();
  c.signed_by({0, 1});
  CHECK(c.code() == ExitCode::trust_expired);
  CHECK(c.message().find("expired on") != std::string::npos);
  c.input.allow_expired = true;
  const auto v = c.check();
  REQUIRE(v.overrides.size() == 1);
  CHECK(v.overrides[0].flag == "allow_expired");
}

TEST_CASE("6: rollback and equal-sequence replay are refused (34) unless allowed") {
  signing::RollbackState state;
  state.record(make_index(9, k_now));  // the DC accepted sequence k_now, bundle 9

  Case older(root_2_of_3());
  older.index = make_index(1, k_now - 1);
  older.bytes = older.index.serialize();
  older.signed_by({0, 1});
  older.input.rollback = &state;
  CHECK(older.code() == ExitCode::trust_rollback);
  CHECK(older.message().find("older than") != std::string::npos);
  older.input.allow_rollback = true;
  CHECK(older.check().overrides.at(0).flag == "allow_rollback");

  Case replay(root_2_of_3());
  replay.index = make_index(1, k_now);  // same sequence, another bundle
  replay.bytes = replay.index.serialize();
  replay.signed_by({0, 1});
  replay.input.rollback = &state;
  CHECK(replay.code() == ExitCode::trust_rollback);
  CHECK(replay.message().find("replay") != std::string::npos);

  Case same(root_2_of_3());
  same.index = make_index(9, k_now);  // the very bundle again: fine
  same.bytes = same.index.serialize();
  same.signed_by({0, 1});
  same.input.rollback = &state;
  CHECK(same.check().overrides.empty());

  Case newer(root_2_of_3());
  newer.index = make_index(1, k_now + 1);
  newer.bytes = newer.index.serialize();
  newer.signed_by({0, 1});
  newer.input.rollback = &state;
  CHECK(newer.check().signers.size() == 2);

  Case other_channel(root_2_of_3());
  other_channel.index = make_index(1, 5, k_now + k_day, "experimental");
  other_channel.bytes = other_channel.index.serialize();
  other_channel.signed_by({0, 1});
  other_channel.input.rollback = &state;
  CHECK(other_channel.check().signers.size() == 2);
}
