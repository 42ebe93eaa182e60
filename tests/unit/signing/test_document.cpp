// signing/signature_document, rollback_state, detached: the signature JSON of a bundle
// (fresh slot, binding, add/replace, carried roots, slot size) and the rollback state's file
// form.
#include "signing_support.hpp"

#include <bundles/signature_slot.hpp>
#include <signing/detached.hpp>
#include <signing/encoding.hpp>
#include <signing/rollback_state.hpp>
#include <signing/signature_document.hpp>

using namespace signing_test;
using common::ExitCode;
using signing::SignatureDocument;

TEST_CASE("the fresh slot reads as an unbound document without signatures") {
  const auto doc = SignatureDocument::parse(bundles::k_empty_signature_json, "slot");
  CHECK_FALSE(doc.bound());
  CHECK(doc.signatures().empty());
  CHECK(doc.serialize() == bundles::k_empty_signature_json);
  doc.check_binding("anything", "any bytes");  // nothing to check
}

TEST_CASE("signing binds the document, replaces a key's signature and keeps the others") {
  const auto index = make_index();
  const std::string bytes = index.serialize();
  auto doc = SignatureDocument::parse(bundles::k_empty_signature_json, "slot");
  doc.sign(key(0), index.bundle_id, bytes);
  doc.sign(key(1), index.bundle_id, bytes);
  doc.sign(key(0), index.bundle_id, bytes);
  REQUIRE(doc.signatures().size() == 2);
  CHECK(doc.bundle_id() == index.bundle_id);
  CHECK(doc.index_sha256() == signing::sha256_hex(bytes));
  const auto back = SignatureDocument::parse(doc.serialize(), "doc");
  REQUIRE(back.signatures().size() == 2);
  CHECK(key(0).public_key().verify(bytes, back.signatures()[0].sig));
  CHECK(key(1).public_key().verify(bytes, back.signatures()[1].sig));
  CHECK(back.serialize() == doc.serialize());
  // The compact form fits the slot with room for many signatures and a few roots.
  CHECK(doc.serialize().find('\n') == std::string::npos);
}

TEST_CASE("a document for another bundle is mix-and-match") {
  const auto a = make_index(1), b = make_index(2);
  auto doc = SignatureDocument::for_bundle(a.bundle_id, a.serialize());
  doc.sign(key(0), a.bundle_id, a.serialize());
  CHECK(code_of([&] { doc.check_binding(b.bundle_id, b.serialize()); }) == ExitCode::trust_mismatch);
  // Same bundle_id, other index bytes (an edited index keeping the member list).
  CHECK(code_of([&] { doc.check_binding(a.bundle_id, a.serialize() + " "); }) == ExitCode::trust_mismatch);
  CHECK(code_of([&] { doc.sign(key(1), b.bundle_id, b.serialize()); }) == ExitCode::trust_mismatch);
}

TEST_CASE("carried roots stay in ascending version order, one per version") {
  const auto index = make_index();
  auto doc = SignatureDocument::for_bundle(index.bundle_id, index.serialize());
  doc.attach_root(make_root(3, {0}, 1, {0}));
  doc.attach_root(make_root(2, {0}, 1, {0}));
  doc.attach_root(make_root(2, {0, 1}, 1, {0}));  // replaces the first v2
  const auto roots = SignatureDocument::parse(doc.serialize(), "doc").roots();
  REQUIRE(roots.size() == 2);
  CHECK(roots[0].version() == 2);
  CHECK(roots[0].keys().size() == 2);
  CHECK(roots[1].version() == 3);
}

TEST_CASE("malformed signature documents are bad data; an unparsable carried root is a root error") {
  const auto index = make_index();
  auto doc = SignatureDocument::for_bundle(index.bundle_id, index.serialize());
  doc.sign(key(0), index.bundle_id, index.serialize());
  common::Json j = common::parse_json(doc.serialize(), "d");
  const auto code_with = [&](const std::function<void(common::Json&)>& edit) {
    common::Json copy = j;
    edit(copy);
    return code_of([&] { SignatureDocument::parse(common::dump_json(copy, -1), "d"); });
  };
  CHECK(code_with([](common::Json& d) { d["extra"] = true; }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d["format_version"] = 2; }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d["format"] = "other"; }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d.erase("bundle_id"); }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d["index_sha256"] = "xyz"; }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d["signatures"][0]["sig"] = "!!"; }) == ExitCode::bad_data);
  CHECK(code_with([](common::Json& d) { d["roots"] = common::Json::array({1}); }) == ExitCode::bad_data);
  CHECK(code_of([] { SignatureDocument::parse("", "d"); }) == ExitCode::bad_data);
  CHECK(code_of([] { SignatureDocument::parse("{\"signatures\":[]", "d"); }) == ExitCode::bad_data);
  CHECK(code_of([] { SignatureDocument::parse(R"({"signatures":[],"signatures":[]})", "d"); }) ==
        ExitCode::bad_data);
  j["roots"] = common::Json::array({{{"signed", {{"version", 2}}}, {"signatures", common::Json::array()}}});
  const auto with_bad_root = SignatureDocument::parse(common::dump_json(j, -1), "d");
  CHECK(code_of([&] { with_bad_root.roots(); }) == ExitCode::trust_root);
}

TEST_CASE("a document too large for the slot is refused by the slot writer with the overflow") {
  const auto index = make_index();
  auto doc = SignatureDocument::for_bundle(index.bundle_id, index.serialize());
  std::vector<std::size_t> many = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int v = 2; v < 2 + 30; ++v) doc.attach_root(make_root(v, many, 8, many));
  const std::string text = doc.serialize();
  REQUIRE(text.size() > 65536);
  CHECK(code_of([&] { bundles::pad_signature_json(text); }) == ExitCode::bundle_too_large);
}

TEST_CASE("the detached signature sits beside the bundle whatever name it is given by") {
  CHECK(signing::detached_signature_path("d/x.sdc") == "d/x.sdc.sig");
  CHECK(signing::detached_signature_path("d/x.sdc.parts.json") == "d/x.sdc.sig");
  CHECK(signing::detached_signature_path("d/x.sdc.001") == "d/x.sdc.sig");
  CHECK(signing::detached_signature_path("x.bin") == "x.bin.sig");
}

TEST_CASE("rollback state: file form, strict parse, record never lowers a mark") {
  signing::RollbackState s;
  s.record(make_index(1, 100));
  s.record(make_index(2, 50));  // an allowed rollback keeps the higher mark
  s.record(make_index(3, 7, k_now + k_day, "experimental"));
  REQUIRE(s.find("release") != nullptr);
  CHECK(s.find("release")->sequence == 100);
  CHECK(s.find("release")->bundle_id == make_index(1, 100).bundle_id);
  CHECK(s.find("nope") == nullptr);
  const auto back = signing::RollbackState::parse(s.serialize(), "state");
  CHECK(back.serialize() == s.serialize());
  CHECK(back.find("experimental")->sequence == 7);
  CHECK(code_of([] { signing::RollbackState::parse("{}", "state"); }) == ExitCode::bad_data);
  CHECK(code_of([] {
          signing::RollbackState::parse(
              R"({"format":"sdcadm-rollback-state","format_version":1,"channels":{"r":{"sequence":"1","bundle_id":"x"}}})",
              "state");
        }) == ExitCode::bad_data);
}
