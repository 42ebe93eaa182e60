// Tests for manifest/bundle_index.cpp: the bundle index round trip, its deterministic form,
// and every refusal with its exit code (docs/bundle-format.md §3).
#include <manifest/bundle_index.hpp>

#include <common/error.hpp>
#include <common/json.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using common::Error;
using common::ExitCode;
using common::Json;
using manifest::BundleIndex;

namespace {

const std::string k_uuid = "2b1c8c36-6b5d-4c9f-9d3e-1f2a3b4c5d6e";
const std::string k_hash_a(64, 'a');
const std::string k_hash_b(64, 'b');

// A valid index: a changelog, one service image (manifest + 150 MB file in 3 chunks of
// 64 MiB), trimmed against an inventory.
Json valid_index() {
  const std::string manifest = "images/" + k_uuid + ".imgmanifest";
  const std::string file = "images/" + k_uuid + ".imgfile";
  return Json::parse(R"({
    "format": "sdcadm-bundle", "format_version": 1,
    "bundle_id": "0f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
    "created": "2026-11-25T12:00:00Z",
    "builder": {"name": "sdcadm-bundle", "version": "0.1.0"},
    "source": {"url": "https://updates.tritondatacenter.com", "channel": "release"},
    "channel": "release", "sequence": 1764072000, "expires": "2027-02-23T12:00:00Z",
    "min_installer_version": "0.1.0", "chunk_size": 67108864,
    "trim": {"inventory_sha256": ")" + k_hash_b + R"(", "datacenter": "us-east-1"},
    "artifacts": [{"role": "service-image", "services": ["imgapi"], "uuid": ")" + k_uuid +
                     R"(", "name": "imgapi", "version": "master-20250101T000000Z-g1a2b3c4",
                     "published_at": "2025-01-01T00:00:00.000Z", "manifest": ")" + manifest +
                     R"(", "file": ")" + file + R"(", "stage_as": "/usbkey/images/)" + k_uuid +
                     R"(.imgfile", "pinned": false}],
    "members": [
      {"name": "changelog.json", "size": 1234, "sha256": [")" + k_hash_a + R"("]},
      {"name": ")" + manifest + R"(", "size": 900, "sha256": [")" + k_hash_a + R"("]},
      {"name": ")" + file + R"(", "size": 150000000,
       "sha256": [")" + k_hash_a + R"(", ")" + k_hash_b + R"(", ")" + k_hash_a + R"("]}
    ]})");
}

std::string text(const Json& j) { return common::dump_json(j); }

// The exit code parse() refuses `bytes` with (ok if it parses) and the message.
std::pair<ExitCode, std::string> refusal(const std::string& bytes) {
  try {
    BundleIndex::parse(bytes);
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ExitCode::ok, ""};
}

ExitCode code_after(const std::function<void(Json&)>& mutate) {
  Json j = valid_index();
  mutate(j);
  return refusal(text(j)).first;
}

std::vector<std::string> keys(const Json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

}  // namespace

TEST_CASE("a valid index parses into its fields") {
  const BundleIndex index = BundleIndex::parse(text(valid_index()));
  CHECK(index.format_version == 1);
  CHECK(index.bundle_id == "0f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b");
  CHECK(index.builder.name == "sdcadm-bundle");
  CHECK(index.source.channel == "release");
  CHECK(index.sequence == 1764072000);
  CHECK(index.chunk_size == 64u << 20);
  REQUIRE(index.trim);
  CHECK(index.trim->datacenter == "us-east-1");
  REQUIRE(index.artifacts.size() == 1);
  CHECK(index.artifacts[0].services == std::vector<std::string>{"imgapi"});
  CHECK(index.artifacts[0].file_member == "images/" + k_uuid + ".imgfile");
  REQUIRE(index.members.size() == 3);
  CHECK(index.members[2].sha256.size() == 3);
  CHECK(index.find_member("changelog.json")->size == 1234);
  CHECK(index.find_member("bundle.json") == nullptr);
  CHECK(index.payload_size() == 1234 + 900 + 150000000);
  CHECK(index.unknown.is_null());
}

TEST_CASE("serialize is deterministic, in the spec's key order, and round-trips") {
  const BundleIndex index = BundleIndex::parse(text(valid_index()));
  const std::string once = index.serialize();
  CHECK(once.back() == '\n');
  const BundleIndex again = BundleIndex::parse(once);
  CHECK(again.serialize() == once);
  const Json j = Json::parse(once);
  CHECK(keys(j) == std::vector<std::string>{"format", "format_version", "bundle_id", "created",
                                            "builder", "source", "channel", "sequence",
                                            "expires", "min_installer_version", "chunk_size",
                                            "trim", "artifacts", "members"});
  CHECK(keys(j["artifacts"][0]) ==
        std::vector<std::string>{"role", "services", "uuid", "name", "version", "published_at",
                                 "manifest", "file", "stage_as", "pinned"});
  CHECK(keys(j["members"][0]) == std::vector<std::string>{"name", "size", "sha256"});
  // The input's key order does not matter: a shuffled input gives the same bytes.
  Json shuffled = Json::object();
  const Json original = valid_index();
  for (auto it = original.rbegin(); it != original.rend(); ++it) shuffled[it.key()] = it.value();
  CHECK(BundleIndex::parse(text(shuffled)).serialize() == once);
}

TEST_CASE("unknown keys and unknown roles survive a round trip (spec §8)") {
  Json j = valid_index();
  j["zz_new_key"] = {{"nested", true}};
  j["artifacts"][0]["future_field"] = 42;
  j["artifacts"].push_back({{"role", "hologram"}, {"name", "holo"}, {"version", "1"},
                            {"file", "changelog.json"}, {"extra", "x"}});
  const BundleIndex index = BundleIndex::parse(text(j));
  REQUIRE(index.artifacts.size() == 2);
  CHECK(index.artifacts[1].role == "hologram");
  CHECK_FALSE(manifest::known_role("hologram"));
  CHECK(manifest::known_role("service-image"));
  CHECK(manifest::known_role("installer"));
  const Json out = Json::parse(index.serialize());
  CHECK(keys(out).back() == "zz_new_key");
  CHECK(out["zz_new_key"]["nested"] == true);
  CHECK(out["artifacts"][0]["future_field"] == 42);
  CHECK(keys(out["artifacts"][0]).back() == "future_field");
  CHECK(out["artifacts"][1]["extra"] == "x");
  CHECK(out["artifacts"][1].count("uuid") == 0);
  CHECK(BundleIndex::parse(index.serialize()).serialize() == index.serialize());
}

TEST_CASE("optional parts: no trim, installer artifact without image fields") {
  Json j = valid_index();
  j.erase("trim");
  j["members"].push_back({{"name", "installer/sdcadm-install"}, {"size", 0},
                          {"sha256", Json::array()}});
  j["artifacts"].push_back({{"role", "installer"}, {"name", "sdcadm-install"},
                            {"version", "0.2.0"}, {"file", "installer/sdcadm-install"}});
  const BundleIndex index = BundleIndex::parse(text(j));
  CHECK_FALSE(index.trim);
  CHECK(index.artifacts[1].uuid.empty());
  CHECK(index.members.back().sha256.empty());
  CHECK(Json::parse(index.serialize()).count("trim") == 0);
}

TEST_CASE("every prefix of a valid index is refused as corrupt") {
  const std::string full = text(valid_index());
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto [code, message] = refusal(full.substr(0, n));
    INFO("prefix of " << n << " bytes: " << message);
    REQUIRE(code == ExitCode::bundle_corrupt);
  }
}

TEST_CASE("size and nesting bounds") {
  Json j = valid_index();
  std::string deep(40, '[');
  deep += std::string(40, ']');
  std::string s = text(j);
  s.insert(1, "\"deep\": " + deep + ",");
  const auto [code, message] = refusal(s);
  CHECK(code == ExitCode::bundle_corrupt);
  CHECK_THAT(message, Catch::Contains("nested deeper than 32"));

  std::string big = text(valid_index());
  big.insert(1, "\"pad\": \"" + std::string(16u << 20, 'x') + "\",");
  CHECK(refusal(big).first == ExitCode::bundle_too_large);

  // 100001 members: refused before anything else is looked at.
  std::string many = R"({"format": "sdcadm-bundle", "format_version": 1, "members": [)";
  for (int i = 0; i <= 100000; ++i) many += R"({"name":"a","size":0,"sha256":[]},)";
  many.back() = ']';
  many += "}";
  // Header fields are missing, so the header refusal comes first ...
  CHECK(refusal(many).first == ExitCode::bundle_corrupt);
  // ... with a full header the member count is what fails.
  Json header = valid_index();
  header.erase("members");
  std::string with_header = text(header);
  with_header.pop_back();
  with_header += ", " + many.substr(many.find("\"members\""));
  CHECK(refusal(with_header).first == ExitCode::bundle_too_large);
}

TEST_CASE("format and version refusals") {
  const auto v3 = [](Json& j) { j["format_version"] = 3; };
  CHECK(code_after(v3) == ExitCode::bundle_unsupported);
  Json j = valid_index();
  j["format_version"] = 3;
  j["members"] = "a format 3 index may change anything";
  const auto [code, message] = refusal(text(j));
  CHECK(code == ExitCode::bundle_unsupported);
  CHECK(message == "bundle index: bundle format version 3 is newer than this program "
                   "understands (2); use a newer sdcadm-install/sdcadm-bundle");
  CHECK(code_after([](Json& x) { x["format_version"] = 0; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& x) { x["format_version"] = "1"; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& x) { x["format_version"] = 1.5; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& x) { x["format"] = "sdcadm-bundle-parts"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& x) { x.erase("format"); }) == ExitCode::bundle_corrupt);
  CHECK(refusal("[]").first == ExitCode::bundle_corrupt);
  // Duplicate keys: parsers disagree on which one wins, so a signed index must not have any.
  std::string dup = text(valid_index());
  dup.insert(1, "\"members\": [],");
  const auto [dup_code, dup_message] = refusal(dup);
  CHECK(dup_code == ExitCode::bundle_corrupt);
  CHECK_THAT(dup_message, Catch::Contains("\"members\" appears twice"));
  std::string nested = text(valid_index());
  nested.insert(nested.find("\"name\": \"sdcadm-bundle\""), "\"name\": \"x\", ");
  CHECK(refusal(nested).first == ExitCode::bundle_corrupt);
  std::string empty_key = text(valid_index());
  empty_key.insert(1, "\"\": 1, \"\": 2,");
  CHECK(refusal(empty_key).first == ExitCode::bundle_corrupt);
  CHECK(refusal("").first == ExitCode::bundle_corrupt);
}

TEST_CASE("wrong types and bad values in the header are corrupt") {
  const std::vector<std::pair<const char*, std::function<void(Json&)>>> cases = {
      {"bundle_id number", [](Json& j) { j["bundle_id"] = 7; }},
      {"bundle_id upper", [](Json& j) { j["bundle_id"] = "0F5E3C1A-2B4D-4E6F-8A9B-0C1D2E3F4A5B"; }},
      {"created millis", [](Json& j) { j["created"] = "2026-11-25T12:00:00.000Z"; }},
      {"created date only", [](Json& j) { j["created"] = "2026-11-25"; }},
      {"expires bad day", [](Json& j) { j["expires"] = "2027-02-30T12:00:00Z"; }},
      {"builder string", [](Json& j) { j["builder"] = "sdcadm-bundle"; }},
      {"builder name empty", [](Json& j) { j["builder"]["name"] = ""; }},
      {"source missing", [](Json& j) { j.erase("source"); }},
      {"channel null", [](Json& j) { j["channel"] = nullptr; }},
      {"channel empty", [](Json& j) { j["channel"] = ""; }},
      {"source channel empty", [](Json& j) { j["source"]["channel"] = ""; }},
      {"sequence negative", [](Json& j) { j["sequence"] = -1; }},
      {"sequence string", [](Json& j) { j["sequence"] = "1"; }},
      {"min_installer_version", [](Json& j) { j["min_installer_version"] = "0.1"; }},
      {"chunk_size small", [](Json& j) { j["chunk_size"] = (1 << 20) - 1; }},
      {"chunk_size large", [](Json& j) { j["chunk_size"] = (1ull << 30) + 1; }},
      {"chunk_size float", [](Json& j) { j["chunk_size"] = 67108864.0; }},
      {"chunk_size huge", [](Json& j) { j["chunk_size"] = 1e30; }},
      {"trim hash", [](Json& j) { j["trim"]["inventory_sha256"] = "abc"; }},
      {"trim array", [](Json& j) { j["trim"] = Json::array(); }},
      {"artifacts object", [](Json& j) { j["artifacts"] = Json::object(); }},
      {"members empty", [](Json& j) { j["members"] = Json::array(); }},
      {"members object", [](Json& j) { j["members"] = Json::object(); }},
  };
  for (const auto& [name, mutate] : cases) {
    INFO(name);
    CHECK(code_after(mutate) == ExitCode::bundle_corrupt);
  }
}

TEST_CASE("member refusals: names, sizes, hashes") {
  const auto set_name = [](const std::string& name) {
    return [name](Json& j) { j["members"][0]["name"] = name; };
  };
  for (const std::string& bad : std::vector<std::string>{
           "../x", "/abs", "a/./b", "a//b", "a/", ".", "..", "", "a/../b", "a\\b",
        std::string("a\0b", 3), "a\nb", std::string(101, 'n')}) {
    INFO(bad);
    CHECK(code_after(set_name(bad)) == ExitCode::bundle_unsafe);
  }
  CHECK(code_after(set_name(std::string(100, 'n'))) == ExitCode::ok);
  CHECK(code_after(set_name("bundle.json")) == ExitCode::bundle_closed_world);
  CHECK(code_after(set_name("bundle.sig")) == ExitCode::bundle_closed_world);
  CHECK(code_after([](Json& j) { j["members"][1]["name"] = j["members"][0]["name"]; }) ==
        ExitCode::bundle_closed_world);
  CHECK(code_after([](Json& j) { j["members"][0]["name"] = 3; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["members"][0]["size"] = -1; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["members"][0]["size"] = "1"; }) == ExitCode::bundle_corrupt);
  // Chunk counts: 150000000 bytes in 64 MiB chunks is 3 chunks, not 2 or 4.
  CHECK(code_after([](Json& j) { j["members"][2]["sha256"].erase(0); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["members"][2]["sha256"].push_back(std::string(64, 'c')); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["members"][2]["size"] = 3ull * (64u << 20) + 1; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["members"][2]["size"] = 3ull * (64u << 20); }) ==
        ExitCode::ok);
  CHECK(code_after([](Json& j) { j["members"][0]["size"] = 0; }) == ExitCode::bundle_corrupt);
  // Hash spelling.
  for (const std::string& bad : {std::string(64, 'A'), std::string(63, 'a'), std::string(65, 'a'),
                                std::string(63, 'a') + "g"}) {
    INFO(bad);
    CHECK(code_after([&](Json& j) { j["members"][0]["sha256"][0] = bad; }) ==
          ExitCode::bundle_corrupt);
  }
  CHECK(code_after([](Json& j) { j["members"][0]["sha256"] = std::string(64, 'a'); }) ==
        ExitCode::bundle_corrupt);
}

TEST_CASE("member size limit is 64 GiB") {
  const auto with_size = [](std::uint64_t size) {
    return [size](Json& j) {
      j["chunk_size"] = 1u << 30;
      j["members"][0]["size"] = size;
      j["members"][0]["sha256"] =
          std::vector<std::string>(manifest::chunk_count(size, 1u << 30), std::string(64, 'a'));
      // The other members keep their sizes; fix their chunk lists for 1 GiB chunks.
      j["members"][2]["sha256"] = std::vector<std::string>(1, std::string(64, 'a'));
    };
  };
  CHECK(code_after(with_size(64ull << 30)) == ExitCode::ok);
  Json j = valid_index();
  with_size((64ull << 30) + 1)(j);
  const auto [code, message] = refusal(text(j));
  CHECK(code == ExitCode::bundle_too_large);
  CHECK_THAT(message, Catch::Contains("members[0].size") && Catch::Contains("20 GiB"));
}

TEST_CASE("artifact refusals") {
  CHECK(code_after([](Json& j) { j["artifacts"][0]["file"] = "images/other.imgfile"; }) ==
        ExitCode::bundle_closed_world);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["manifest"] = "bundle.json"; }) ==
        ExitCode::bundle_closed_world);
  CHECK(code_after([](Json& j) { j["artifacts"][0].erase("manifest"); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0].erase("services"); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["services"] = Json::array(); }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["services"] = {1}; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["uuid"] = "not-a-uuid"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["published_at"] = "2025"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["pinned"] = "no"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0]["role"] = ""; }) == ExitCode::bundle_corrupt);
  CHECK(code_after([](Json& j) { j["artifacts"][0] = "imgapi"; }) == ExitCode::bundle_corrupt);
  for (const char* bad : {"usbkey/images/x", "/usbkey/../etc/passwd", "/usbkey//x", "/",
                          "/usbkey/./x"}) {
    INFO(bad);
    CHECK(code_after([&](Json& j) { j["artifacts"][0]["stage_as"] = bad; }) ==
          ExitCode::bundle_unsafe);
  }
  // Two artifacts may share a file (identical files are stored once, spec §3).
  CHECK(code_after([](Json& j) { j["artifacts"].push_back(j["artifacts"][0]); }) ==
        ExitCode::ok);
}

TEST_CASE("messages name the field") {
  Json j = valid_index();
  j["members"][2]["sha256"][1] = "zz";
  CHECK_THAT(refusal(text(j)).second, Catch::StartsWith("bundle index: members[2].sha256[1]: "));
  j = valid_index();
  j["members"][1]["name"] = "../../etc/passwd";
  CHECK_THAT(refusal(text(j)).second, Catch::StartsWith("bundle index: members[1].name: unsafe"));
  j = valid_index();
  j["artifacts"][0]["file"] = "nope";
  CHECK_THAT(refusal(text(j)).second,
             Catch::Contains("artifacts[0].file") && Catch::Contains("does not list"));
}

TEST_CASE("is_safe_member_name and chunk_count") {
  CHECK(manifest::is_safe_member_name("changelog.json"));
  CHECK(manifest::is_safe_member_name("images/" + k_uuid + ".imgfile"));
  CHECK(manifest::is_safe_member_name("installer/sdcadm-install"));
  CHECK(manifest::is_safe_member_name("..a/b.."));  // dots inside a name are fine
  CHECK_FALSE(manifest::is_safe_member_name("a/\x7f"));
  CHECK(manifest::chunk_count(0, 1 << 20) == 0);
  CHECK(manifest::chunk_count(1, 1 << 20) == 1);
  CHECK(manifest::chunk_count(1 << 20, 1 << 20) == 1);
  CHECK(manifest::chunk_count((1 << 20) + 1, 1 << 20) == 2);
  CHECK(manifest::chunk_count(64ull << 30, 1 << 20) == 65536);
}

TEST_CASE("bundle_id_for is a v4-shaped UUID of the canonical member list") {
  std::vector<manifest::BundleMember> members = {{"changelog.json", 100, {k_hash_a}},
                                                 {"images/x.imgfile", 0, {}}};
  // Known answer, computed independently (Python hashlib over the documented encoding).
  CHECK(manifest::bundle_id_for(members) == "208a16b1-d70e-4a94-a242-42209a38ac43");
  const std::string id = manifest::bundle_id_for(members);
  CHECK(id[14] == '4');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
  auto changed = members;
  changed[0].size = 101;
  CHECK(manifest::bundle_id_for(changed) != id);
  changed = members;
  changed[0].sha256[0] = k_hash_b;
  CHECK(manifest::bundle_id_for(changed) != id);
  changed = {members[1], members[0]};
  CHECK(manifest::bundle_id_for(changed) != id);
  // An index whose bundle_id is bundle_id_for(members) parses (the builder's way).
  Json j = valid_index();
  j["bundle_id"] = manifest::bundle_id_for(BundleIndex::parse(text(j)).members);
  CHECK(refusal(text(j)).first == ExitCode::ok);
}

TEST_CASE("is_rfc3339_seconds") {
  CHECK(manifest::is_rfc3339_seconds("2026-11-25T12:00:00Z"));
  CHECK_FALSE(manifest::is_rfc3339_seconds("2026-11-25T12:00:00.000Z"));
  CHECK_FALSE(manifest::is_rfc3339_seconds("2026-11-25T12:00:00+00:00"));
  CHECK_FALSE(manifest::is_rfc3339_seconds("2026-02-29T12:00:00Z"));
}

// Identity (docs/bundle-format.md §9, issue 12 item 4): content_id names the member list,
// bundle_id the build.
TEST_CASE("content_id_for is the member-list id older builders wrote as bundle_id") {
  const std::vector<manifest::BundleMember> members = {{"changelog.json", 100, {k_hash_a}},
                                                       {"images/x.imgfile", 0, {}}};
  CHECK(manifest::content_id_for(members) == "208a16b1-d70e-4a94-a242-42209a38ac43");
  // An index without content_id (an older builder's): its content id is computed.
  const BundleIndex old = BundleIndex::parse(text(valid_index()));
  CHECK(old.content_id.empty());
  CHECK(manifest::content_id_of(old) == manifest::content_id_for(old.members));
  CHECK(old.serialize().find("content_id") == std::string::npos);  // not added on a round trip
}

TEST_CASE("content_id must match the member list") {
  Json j = valid_index();
  j["content_id"] = manifest::content_id_for(BundleIndex::parse(text(j)).members);
  const BundleIndex ix = BundleIndex::parse(text(j));
  CHECK(manifest::content_id_of(ix) == j["content_id"].get<std::string>());
  CHECK(BundleIndex::parse(ix.serialize()).content_id == ix.content_id);
  j["content_id"] = "208a16b1-d70e-4a94-a242-42209a38ac43";  // another member list's
  const auto r = refusal(text(j));
  CHECK(r.first == ExitCode::bundle_corrupt);
  CHECK(r.second.find("content_id") != std::string::npos);
  j["content_id"] = "not-a-uuid";
  CHECK(refusal(text(j)).first == ExitCode::bundle_corrupt);
}

TEST_CASE("build_id_for names the build: every index field counts, the same index the same id") {
  Json j = valid_index();
  BundleIndex ix = BundleIndex::parse(text(j));
  ix.content_id = manifest::content_id_for(ix.members);
  const std::string id = manifest::build_id_for(ix);
  CHECK(id.size() == 36);
  CHECK(id[14] == '4');
  CHECK(id != ix.content_id);
  ix.bundle_id = id;  // the id is computed with bundle_id blanked: setting it changes nothing
  CHECK(manifest::build_id_for(ix) == id);
  BundleIndex rebuilt = ix;  // a rebuild of the same content
  rebuilt.sequence += 60;
  rebuilt.created = "2026-11-25T12:01:00Z";
  CHECK(manifest::build_id_for(rebuilt) != id);
  CHECK(manifest::content_id_of(rebuilt) == manifest::content_id_of(ix));
  BundleIndex expiry = ix;
  expiry.expires = "2027-03-23T12:00:00Z";
  CHECK(manifest::build_id_for(expiry) != id);
}

// --- delta artifacts (format_version 2, spec §3a) ---------------------------------------

namespace {

const std::string k_base_uuid = "7d3e1f00-1111-4222-8333-444455556666";

// valid_index() with its image file turned into a delta against k_base_uuid: the patch is
// member images/<uuid>.imgpatch and the rebuilt file keeps the 150 MB in 3 chunk hashes.
Json delta_index() {
  Json j = valid_index();
  j["format_version"] = 2;
  const std::string patch = "images/" + k_uuid + ".imgpatch";
  Json& a = j["artifacts"][0];
  a.erase("file");
  a["delta"] = Json::parse(R"({"patch": ")" + patch + R"(",
      "base": {"uuid": ")" + k_base_uuid + R"(", "sha1": ")" + std::string(40, 'c') +
                           R"(", "size": 140000000, "compression": "gzip"},
      "recipe": {"kind": "pigz", "level": 6, "block_kib": 128, "header": "1f8b08000000000000ff"},
      "file": {"size": 150000000, "sha256": [")" + k_hash_a + R"(", ")" + k_hash_b + R"(", ")" +
                           k_hash_a + R"("]}})");
  j["members"][2] = Json::parse(R"({"name": ")" + patch + R"(", "size": 3000000, "sha256": [")" +
                                k_hash_b + R"("]})");
  return j;
}

ExitCode delta_code_after(const std::function<void(Json&)>& mutate) {
  Json j = delta_index();
  mutate(j);
  return refusal(text(j)).first;
}

}  // namespace

TEST_CASE("a delta artifact parses, round-trips and needs format_version 2") {
  const BundleIndex index = BundleIndex::parse(text(delta_index()));
  REQUIRE(index.artifacts.size() == 1);
  const auto& a = index.artifacts[0];
  CHECK(a.file_member.empty());
  REQUIRE(a.delta.has_value());
  CHECK(a.delta->patch_member == "images/" + k_uuid + ".imgpatch");
  CHECK(a.delta->base_uuid == k_base_uuid);
  CHECK(a.delta->base_sha1 == std::string(40, 'c'));
  CHECK(a.delta->base_size == 140000000);
  CHECK(a.delta->base_compression == delta::Compression::gzip);
  CHECK(a.delta->recipe.kind == delta::RecipeKind::pigz);
  CHECK(a.delta->file_size == 150000000);
  CHECK(a.delta->file_sha256.size() == 3);
  CHECK(manifest::required_format_version(index.artifacts) == 2);
  const std::string again = index.serialize();
  CHECK(BundleIndex::parse(again).serialize() == again);
  CHECK(BundleIndex::parse(again).artifacts[0].delta == a.delta);
  // Without deltas the builder writes version 1, which every installer reads.
  CHECK(manifest::required_format_version(BundleIndex::parse(text(valid_index())).artifacts) == 1);
}

TEST_CASE("delta artifacts are refused when malformed") {
  CHECK(delta_code_after([](Json&) {}) == ExitCode::ok);
  // A version 1 reader would ignore the key and stage nothing: version 1 may not carry one.
  CHECK(delta_code_after([](Json& j) { j["format_version"] = 1; }) == ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["file"] = "changelog.json"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["patch"] = "images/x"; }) ==
        ExitCode::bundle_closed_world);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["base"]["uuid"] = k_uuid; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["base"]["uuid"] = "X"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["base"]["sha1"] = "ABC"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) {
          j["artifacts"][0]["delta"]["base"]["compression"] = "xz";
        }) == ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) {
          j["artifacts"][0]["delta"]["base"]["size"] = 65ull << 30;
        }) == ExitCode::bundle_too_large);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["recipe"]["kind"] = "lz4"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["recipe"]["level"] = 12; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) {
          j["artifacts"][0]["delta"]["file"]["sha256"].erase(0);
        }) == ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["file"]["size"] = "1"; }) ==
        ExitCode::bundle_corrupt);
  // Closed objects: an unknown key could change how the file is rebuilt.
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["xform"] = 1; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["base"]["path"] = "/x"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"]["file"]["sha1"] = "x"; }) ==
        ExitCode::bundle_corrupt);
  CHECK(delta_code_after([](Json& j) { j["artifacts"][0]["delta"] = "x"; }) ==
        ExitCode::bundle_corrupt);
}
