#include <imgapi/server/list_query.hpp>
#include <imgapi/server/rest_error.hpp>

#include "server_test_support.hpp"

#include <cmath>

using namespace imgapi::server;
using server_test::ptr;
using server_test::record;
using server_test::uuid_n;

namespace {

Params params(std::initializer_list<std::pair<const std::string, std::string>> list) {
  return Params(list);
}

// Three active images (oldest first), one disabled, one unactivated.
std::vector<RecordPtr> sample() {
  ImageRecord a = record(uuid_n(1), "imgapi", "2025-01-01T00:00:00Z");
  a.fields["version"] = "master-20250101T000000Z-g1a2b3c4";
  a.fields["tags"] = {{"smartdc_service", true}, {"role", "imgapi"}};
  a.fields["billing_tags"] = {"small", "fast"};
  a.channels = {"dev"};
  ImageRecord b = record(uuid_n(2), "imgapi", "2025-02-01T00:00:00.500Z");
  b.fields["version"] = "release-20250201-20250201T000000Z-g2b3c4d5";
  b.fields["tags"] = {{"smartdc_service", "true"}};
  b.channels = {"staging", "release"};
  ImageRecord c = record(uuid_n(3), "sdcadm", "2025-03-01T00:00:00Z");
  c.fields["type"] = "other";
  c.fields["os"] = "other";
  c.fields["owner"] = uuid_n(99);
  c.channels = {"dev"};
  ImageRecord d = record(uuid_n(4), "imgapi", "2024-06-01T00:00:00Z");
  d.disabled = true;
  ImageRecord e = record(uuid_n(5), "imgapi", "2025-04-01T00:00:00Z");
  e.activated = false;
  e.fields.erase("published_at");
  e.file.reset();
  return {ptr(c), ptr(a), ptr(e), ptr(b), ptr(d)};
}

std::vector<std::string> uuids(const std::vector<RecordPtr>& records) {
  std::vector<std::string> out;
  for (const RecordPtr& r : records) out.push_back(r->uuid);
  return out;
}

std::vector<std::string> run(const Params& p, Scan scan = Scan::local_database,
                             bool limit_to_active = false) {
  return uuids(select_images(sample(), parse_list_query(p, limit_to_active), scan,
                             std::nullopt, false));
}

std::string rest_message(const Params& p) {
  try {
    parse_list_query(p, false);
  } catch (const RestError& e) {
    CHECK(e.status() == 422);
    CHECK(e.code() == "InvalidParameter");
    return e.what();
  }
  FAIL("no error");
  return "";
}

}  // namespace

TEST_CASE("ListImages: active images by default, sorted by published_at", "[list]") {
  CHECK(run({}) == std::vector<std::string>{uuid_n(1), uuid_n(2), uuid_n(3)});
  CHECK(run(params({{"state", "disabled"}})) == std::vector<std::string>{uuid_n(4)});
  CHECK(run(params({{"state", "unactivated"}})) == std::vector<std::string>{uuid_n(5)});
  CHECK(run(params({{"state", "all"}})).size() == 5);
  CHECK(run(params({{"state", "creating"}})).empty());
}

TEST_CASE("ListImages: anonymous callers outside DC mode see active images only", "[list]") {
  CHECK(run(params({{"state", "disabled"}}), Scan::local_database, true).empty());
  CHECK(run(params({{"state", "unactivated"}}), Scan::local_database, true).empty());
  CHECK(run(params({{"state", "all"}}), Scan::local_database, true) ==
        std::vector<std::string>{uuid_n(1), uuid_n(2), uuid_n(3)});
}

TEST_CASE("ListImages filters: exact, ~substring, !type, owner, os, tags, billing", "[list]") {
  CHECK(run(params({{"name", "sdcadm"}})) == std::vector<std::string>{uuid_n(3)});
  CHECK(run(params({{"name", "~adm"}})) == std::vector<std::string>{uuid_n(3)});
  CHECK(run(params({{"name", "~"}})).size() == 3);
  CHECK(run(params({{"name", "img"}})).empty());
  CHECK(run(params({{"version", "~20250201"}})) == std::vector<std::string>{uuid_n(2)});
  CHECK(run(params({{"type", "other"}})) == std::vector<std::string>{uuid_n(3)});
  CHECK(run(params({{"type", "!other"}})) == std::vector<std::string>{uuid_n(1), uuid_n(2)});
  CHECK(run(params({{"owner", uuid_n(99)}})) == std::vector<std::string>{uuid_n(3)});
  CHECK(run(params({{"os", "smartos"}})).size() == 2);
  CHECK(run(params({{"public", "false"}})).size() == 3);
  CHECK(run(params({{"public", "true"}})).empty());
  // Booleans and strings index alike: smartdc_service=true matches both forms.
  CHECK(run(params({{"tag.smartdc_service", "true"}})) ==
        std::vector<std::string>{uuid_n(1), uuid_n(2)});
  CHECK(run(params({{"tag.smartdc_service", "true"}, {"tag.role", "imgapi"}})) ==
        std::vector<std::string>{uuid_n(1)});
  CHECK(run(params({{"billing_tag", "small"}, {"billing_tag", "fast"}})) ==
        std::vector<std::string>{uuid_n(1)});
  CHECK(run(params({{"billing_tag", "small"}, {"billing_tag", "slow"}})).empty());
  CHECK(run(params({{"origin", uuid_n(1)}, {"uuid", uuid_n(2)}})).size() == 3);  // ignored
}

TEST_CASE("ListImages: channel filter", "[list]") {
  ListQuery q = parse_list_query({}, false);
  q.channel = "dev";
  CHECK(uuids(select_images(sample(), q, Scan::local_database, std::nullopt, false)) ==
        std::vector<std::string>{uuid_n(1), uuid_n(3)});
  q.channel = "support";
  CHECK(select_images(sample(), q, Scan::local_database, std::nullopt, false).empty());
}

TEST_CASE("ListImages: tag.k= matches the key only on Moray (DC)", "[list]") {
  ListQuery q = parse_list_query(params({{"tag.role", ""}}), false);
  CHECK(select_images(sample(), q, Scan::local_database, std::nullopt, false).empty());
  CHECK(uuids(select_images(sample(), q, Scan::sorted_then_limited, std::nullopt, true)) ==
        std::vector<std::string>{uuid_n(1)});
}

TEST_CASE("ListImages: limit, sort and the local-database quirk", "[list]") {
  CHECK(run(params({{"limit", "2"}})) == std::vector<std::string>{uuid_n(1), uuid_n(2)});
  CHECK(run(params({{"sort", "published_at.desc"}})) ==
        std::vector<std::string>{uuid_n(3), uuid_n(2), uuid_n(1)});
  CHECK(run(params({{"sort", "published_at.DESC"}})).front() == uuid_n(3));
  CHECK(run(params({{"sort", "published_at"}})).front() == uuid_n(1));
  // The updates server's local database stops scanning (ascending) at the limit, then
  // sorts: desc&limit=1 gives the *oldest* match there, the newest on Moray.
  CHECK(run(params({{"sort", "published_at.desc"}, {"limit", "1"}})) ==
        std::vector<std::string>{uuid_n(1)});
  CHECK(run(params({{"sort", "published_at.desc"}, {"limit", "1"}}), Scan::sorted_then_limited) ==
        std::vector<std::string>{uuid_n(3)});
  CHECK(run(params({{"limit", "0"}})).size() == 3);  // 0 is "no limit" (falsy)
  CHECK(run(params({{"limit", "1.7"}})) == std::vector<std::string>{uuid_n(1)});
  CHECK(run(params({{"limit", "0x2"}})).size() == 2);
  CHECK(run(params({{"limit", "Infinity"}})).size() == 3);
  CHECK(run(params({{"limit", ""}})).size() == 3);
}

TEST_CASE("ListImages: DC default limit applies only without a limit", "[list]") {
  auto q = parse_list_query({}, false);
  CHECK(select_images(sample(), q, Scan::sorted_then_limited, 2.0, true).size() == 2);
  q = parse_list_query(params({{"limit", "3"}}), false);
  CHECK(select_images(sample(), q, Scan::sorted_then_limited, 2.0, true).size() == 3);
}

TEST_CASE("ListImages: markers are inclusive, dates or resolved uuids", "[list]") {
  CHECK(run(params({{"marker", "2025-02-01T00:00:00.500Z"}})) ==
        std::vector<std::string>{uuid_n(2), uuid_n(3)});
  CHECK(run(params({{"marker", "2025-02-01"}})) == std::vector<std::string>{uuid_n(2), uuid_n(3)});
  CHECK(run(params({{"marker", "2025-02-01T00:00:00.500Z"}, {"sort", "published_at.desc"}})) ==
        std::vector<std::string>{uuid_n(2), uuid_n(1)});
  ListQuery q = parse_list_query(params({{"marker", uuid_n(2)}}), false);
  REQUIRE(q.marker_uuid);
  CHECK(*q.marker_uuid == uuid_n(2));
  CHECK_FALSE(q.marker_ms);
}

TEST_CASE("ListImages: bad parameters get IMGAPI's 422 messages", "[list]") {
  CHECK(rest_message(params({{"limit", "ten"}})) == "invalid limit: \"ten\"");
  CHECK(rest_message(params({{"limit", "-1"}})) == "invalid limit: \"-1\" (must not be negative)");
  CHECK(rest_message(params({{"state", "bogus"}})) == "invalid state: \"bogus\"");
  CHECK(rest_message(params({{"public", "yes"}})) ==
        "invalid value for \"public\" param: \"yes\" is not a boolean");
  CHECK(rest_message(params({{"sort", "name"}})) ==
        "invalid 'sort': not a valid sorting attribute: 'name'");
  CHECK_THAT(rest_message(params({{"sort", "published_at.up"}})),
             Catch::StartsWith("invalid 'sort': not a valid sorting order: 'up'"));
  CHECK(rest_message(params({{"marker", "yesterday"}})) ==
        "invalid value for \"marker\" param: \"yesterday\" is not a UUID or date string");
  // IMGAPI checks limit before state.
  CHECK(rest_message(params({{"limit", "x"}, {"state", "bogus"}})) == "invalid limit: \"x\"");
}

TEST_CASE("ListImages: ?account= shows own images plus visible active ones", "[list]") {
  std::vector<RecordPtr> images = sample();
  ImageRecord pub = record(uuid_n(6), "public", "2025-05-01T00:00:00Z");
  pub.fields["public"] = true;
  ImageRecord shared = record(uuid_n(7), "shared", "2025-05-02T00:00:00Z");
  shared.fields["acl"] = {uuid_n(99)};
  images.push_back(ptr(pub));
  images.push_back(ptr(shared));
  ListQuery q = parse_list_query(params({{"account", uuid_n(99)}}), false);
  CHECK(uuids(select_images(images, q, Scan::sorted_then_limited, std::nullopt, true)) ==
        std::vector<std::string>{uuid_n(3), uuid_n(6), uuid_n(7)});
}

TEST_CASE("js_number follows JavaScript's Number()", "[list]") {
  CHECK(js_number("12") == 12);
  CHECK(js_number(" 12 ") == 12);
  CHECK(js_number("") == 0);
  CHECK(js_number("1e2") == 100);
  CHECK(js_number("-1.5") == -1.5);
  CHECK(js_number(".5") == 0.5);
  CHECK(js_number("0x1A") == 26);
  CHECK(js_number("0b101") == 5);
  CHECK(std::isinf(js_number("Infinity")));
  CHECK(std::isnan(js_number("12abc")));
  CHECK(std::isnan(js_number("1e")));
  CHECK(std::isnan(js_number("nan")));
  CHECK(std::isnan(js_number("inf")));
  CHECK(std::isnan(js_number("0x1p3")));
  CHECK(std::isnan(js_number(".")));
}
