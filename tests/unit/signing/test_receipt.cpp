// signing/receipt: the install receipt file (docs/receipt.md). Round trip, every single byte
// changed is refused, the wrong key / no signature / a signature moved from another receipt,
// strict receipt.json, and the file is what stock tar expects.
#include "signing_support.hpp"

#include <bundles/tar_header.hpp>
#include <signing/encoding.hpp>
#include <signing/receipt.hpp>
#include <signing/signature_document.hpp>

using namespace signing_test;
using common::ExitCode;
using common::Json;

namespace {

const std::string k_inventory = "{\n  \"format\": \"sdcadm-inventory\"\n}\n";

Json sample(const std::string& id, const std::string& inventory) {
  Json j = {{"format", "sdcadm-install-receipt"}, {"format_version", 1}, {"receipt_id", id}, {"run", "r1"},
            {"datacenter", "dc1"}, {"dc_key", key(0).id()}, {"installer_version", "0.1.0"}, {"user", "root"},
            {"flags", {{"force", false}, {"yes", true}, {"allow_expired", false}, {"allow_rollback", false},
                       {"change_channel", false}, {"include_rabbitmq", false}, {"no_self_update", false},
                       {"spec", nullptr}, {"exclude_servers", Json::array()}}},
            {"bundle", {{"bundle_id", "b"}, {"content_id", "c"}, {"index_sha256", std::string(64, 'a')},
                        {"bundle_digest", "d"}, {"channel", "dev"},
                        {"signers", Json::array({key(1).id()})}}},
            {"started", "2026-12-06T20:00:00.000Z"}, {"ended", "2026-12-06T20:01:00.000Z"}, {"outcome", "ok"},
            {"exit_code", 0}, {"error", nullptr}, {"stopped_at", nullptr},
            {"steps", Json::array({{{"name", "up-services"}, {"state", "done"}, {"started", "t0"}, {"ended", "t1"},
                                    {"attempts", 1}, {"error", nullptr},
                                    {"evidence", {{"check", "instances"}, {"instances", Json::array()}}},
                                    {"this_run", "done"}}})},
            {"inventory", nullptr}, {"inventory_error", "none"}};
  if (!inventory.empty()) {
    j["inventory"] = {{"member", "inventory.json"}, {"sha256", signing::sha256_hex(inventory)},
                      {"bytes", static_cast<std::int64_t>(inventory.size())}};
    j["inventory_error"] = nullptr;
  }
  return j;
}

std::string text_of(const Json& j) { return common::dump_json(j, 2) + "\n"; }

// A tar of the given members, as pack_receipt lays them out.
std::string tar_of(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out;
  for (const auto& [name, bytes] : members) {
    bundles::TarMember m;
    m.name = name;
    m.size = bytes.size();
    out += bundles::make_tar_header(m) + bytes;
    out.append((512 - bytes.size() % 512) % 512, '\0');
  }
  return out + std::string(1024, '\0');
}

}  // namespace

TEST_CASE("a packed receipt verifies against its DC key and gives back its parts") {
  const std::string json = text_of(sample("receipt-r1", k_inventory));
  const std::string file = signing::pack_receipt(json, k_inventory, key(0), k_now);
  CHECK(file.size() % 512 == 0);
  CHECK(signing::looks_like_receipt(file));
  CHECK_FALSE(signing::looks_like_receipt(k_inventory + std::string(600, ' ')));
  const auto v = signing::verify_receipt(file, key(0).public_key(), "r.receipt");
  CHECK(v.receipt_bytes == json);
  CHECK(v.inventory_bytes == k_inventory);
  CHECK(v.signer == key(0).id());
  CHECK(v.receipt["steps"][0]["evidence"]["check"] == "instances");
  // Without an inventory there is no inventory member.
  const std::string bare = signing::pack_receipt(text_of(sample("receipt-r1", "")), "", key(0), k_now);
  CHECK(signing::verify_receipt(bare, key(0).public_key(), "r").inventory_bytes.empty());
  CHECK(bare.find("inventory.json\0", 0) == std::string::npos);
}

TEST_CASE("a receipt whose inventory is not the one it describes is never written") {
  const std::string json = text_of(sample("receipt-r1", k_inventory));
  CHECK(code_of([&] { signing::pack_receipt(json, k_inventory + " ", key(0), k_now); }) == ExitCode::internal);
  CHECK(code_of([&] { signing::pack_receipt(json, "", key(0), k_now); }) == ExitCode::internal);
}

TEST_CASE("every single byte changed anywhere in a receipt is refused with a trust code") {
  const std::string file =
      signing::pack_receipt(text_of(sample("receipt-r1", k_inventory)), k_inventory, key(0), k_now);
  const auto keyid_at = file.find(key(0).id(), file.find("\"keyid\""));
  REQUIRE(keyid_at != std::string::npos);
  std::size_t refused = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    std::string changed = file;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    const ExitCode code = code_of([&] { signing::verify_receipt(changed, key(0).public_key(), "r"); });
    // In receipt.sig's keyid the signature may name another key (31) or no key id at all
    // (not hex: 36); anywhere else the file is not the one the DC signed (36).
    const bool in_keyid = i >= keyid_at && i < keyid_at + 64;
    if (code == ExitCode::trust_mismatch || (in_keyid && code == ExitCode::trust_unknown_key)) ++refused;
    else FAIL_CHECK("byte " << i << " changed: exit " << common::to_int(code));
  }
  CHECK(refused == file.size());
  // Cut short, or something appended.
  CHECK(code_of([&] { signing::verify_receipt(file.substr(0, file.size() - 512), key(0).public_key(), "r"); }) ==
        ExitCode::trust_mismatch);
  CHECK(code_of([&] { signing::verify_receipt(file + std::string(512, 'x'), key(0).public_key(), "r"); }) ==
        ExitCode::trust_mismatch);
}

TEST_CASE("another key, no signature, or a signature of another receipt is refused") {
  const std::string json = text_of(sample("receipt-r1", ""));
  const std::string file = signing::pack_receipt(json, "", key(0), k_now);
  CHECK(code_of([&] { signing::verify_receipt(file, key(1).public_key(), "r"); }) == ExitCode::trust_unknown_key);

  signing::SignatureDocument unsigned_doc = signing::SignatureDocument::for_bundle("receipt-r1", json);
  CHECK(code_of([&] {
          signing::verify_receipt(tar_of({{"receipt.json", json}, {"receipt.sig", unsigned_doc.serialize()}}),
                                  key(0).public_key(), "r");
        }) == ExitCode::trust_unsigned);

  // receipt.sig of another receipt by the same DC: its digest does not match this receipt.json.
  const std::string other_json = text_of(sample("receipt-r2", ""));
  signing::SignatureDocument other = signing::SignatureDocument::for_bundle("receipt-r2", other_json);
  other.sign(key(0), "receipt-r2", other_json);
  CHECK(code_of([&] {
          signing::verify_receipt(tar_of({{"receipt.json", json}, {"receipt.sig", other.serialize()}}),
                                  key(0).public_key(), "r");
        }) == ExitCode::trust_mismatch);

  // Members out of order or a stranger among them.
  signing::SignatureDocument good = signing::SignatureDocument::for_bundle("receipt-r1", json);
  good.sign(key(0), "receipt-r1", json);
  CHECK(code_of([&] {
          signing::verify_receipt(tar_of({{"receipt.sig", good.serialize()}, {"receipt.json", json}}),
                                  key(0).public_key(), "r");
        }) == ExitCode::trust_mismatch);
  CHECK(code_of([&] {
          signing::verify_receipt(
              tar_of({{"receipt.json", json}, {"extra.txt", "x"}, {"receipt.sig", good.serialize()}}),
              key(0).public_key(), "r");
        }) == ExitCode::trust_mismatch);
  // The same members laid out again (another tar's headers) are the same receipt.
  CHECK_NOTHROW(signing::verify_receipt(tar_of({{"receipt.json", json}, {"receipt.sig", good.serialize()}}),
                                        key(0).public_key(), "r"));
}

TEST_CASE("receipt.json is read strictly") {
  const std::string good = text_of(sample("receipt-r1", ""));
  CHECK_NOTHROW(signing::check_receipt_json(good, "r"));
  auto refused = [](Json j) {
    return code_of([&] { signing::check_receipt_json(text_of(j), "r"); });
  };
  Json j = sample("receipt-r1", "");
  j["surprise"] = 1;
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["outcome"] = "great";
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["format_version"] = 2;
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["steps"][0]["evidence"] = "text";
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["flags"]["force"] = "yes";
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["bundle"]["signers"] = Json::array({"alice"});
  CHECK(refused(j) == ExitCode::bad_data);
  j = sample("receipt-r1", "");
  j["dc_key"] = "abc";
  CHECK(refused(j) == ExitCode::bad_data);
  CHECK(code_of([&] { signing::check_receipt_json("{\"format\": 1, \"format\": 2}", "r"); }) == ExitCode::bad_data);
}
