// Tests for the per-field rules (manifest/validate_*.cpp): for each rule a passing and a
// failing value with the (field, code) node-imgmanifest 3.2.1 reports. The conformance
// test (tests/conformance/manifest_validation.test.js) checks thousands more against the
// real JS; these pin the rules down without node.
#include "validate_support.hpp"

#include <catch2/catch.hpp>

using namespace validate_test;

namespace {

struct Case {
  const char* field;
  std::string value;  // JSON; "" removes the field
  Pairs expected;     // empty = valid
};

void run_cases(const std::vector<Case>& cases, const Json& base = dc_base(),
               Profile profile = Profile::dc) {
  for (const Case& c : cases) {
    INFO(c.field << " = " << (c.value.empty() ? "<removed>" : c.value.substr(0, 60)));
    CHECK(pairs(with(base, c.field, c.value), profile) == c.expected);
  }
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

const Pairs k_valid = {};

}  // namespace

TEST_CASE("v, uuid, owner, origin, urn", "[validate][rules]") {
  run_cases({
      {"v", "\"2\"", k_valid}, {"v", "0", k_valid}, {"v", "1.5", k_valid}, {"v", "null", k_valid},
      {"v", "-1", {"v|Invalid"}}, {"v", "\"abc\"", {"v|Invalid"}}, {"v", "{}", {"v|Invalid"}},
      {"v", "", {"v|MissingParameter"}},
      {"uuid", "\"1F9B7958-289E-4EA3-8F88-5486A40D6823\"", {"uuid|Invalid"}},
      {"uuid", "[\"1f9b7958-289e-4ea3-8f88-5486a40d6823\"]", k_valid},  // String([u]) === u
      {"uuid", "", {"uuid|MissingParameter"}},
      {"owner", "\"00000000-0000-0000-0000-000000000000\"", k_valid},
      {"owner", "5", {"owner|Invalid"}}, {"owner", "", {"owner|MissingParameter"}},
      {"origin", "\"x\"", {"origin|Invalid"}}, {"origin", "", k_valid},
      {"urn", "\"sdc:sdc:x:1\"", k_valid}, {"urn", "5", {"urn|Invalid"}},
  });
  run_cases({{"owner", "", k_valid}}, minimal_base(), Profile::minimal);
}

TEST_CASE("name, version and description lengths and characters", "[validate][rules]") {
  const std::string emoji = "\xf0\x9f\x98\x80";  // two UTF-16 units
  run_cases({
      {"name", quoted(repeat("a", 1024)), k_valid},
      {"name", quoted(repeat("a", 1025)), {"name|Invalid"}},
      {"name", quoted(repeat(emoji, 512)), {"name|Invalid"}},  // length ok, chars not
      {"name", quoted(repeat(emoji, 513)), {"name|Invalid"}},
      {"name", "\"a b/c.d-e_f\"", k_valid}, {"name", "\"a+b\"", {"name|Invalid"}},
      {"name", "\"\"", {"name|Invalid"}}, {"name", "123", k_valid},
      {"name", "null", {"name|Invalid"}}, {"name", "{\"length\": 2000}", {"name|Invalid"}},
      {"name", "", {"name|MissingParameter"}},
      {"version", quoted(repeat("1", 512)), k_valid},
      {"version", quoted(repeat("1", 513)), {"version|Invalid"}},
      {"version", "\"1.0.0+build.5\"", k_valid}, {"version", "\"1 0\"", {"version|Invalid"}},
      {"version", "1e21", k_valid},        // String(1e21) is "1e+21": '+' is allowed
      {"name", "1e21", {"name|Invalid"}},  // ... but not in names
      {"description", quoted(repeat(emoji, 5120)), k_valid},
      {"description", quoted(repeat(emoji, 5121)), {"description|Invalid"}},
      {"description", "42", k_valid}, {"description", "null", {"description|Invalid"}},
  });
}

TEST_CASE("homepage and eula URLs", "[validate][rules]") {
  const std::string long_url = "http://x.example/" + repeat("a", 1024 - 17);
  run_cases({
      {"homepage", "\"https://x.example/a\"", k_valid}, {"homepage", "\"HTTP://X\"", k_valid},
      {"homepage", quoted(long_url), k_valid},
      {"homepage", quoted(long_url + "a"), {"homepage|Invalid"}},
      {"homepage", "\"ftp://x\"", {"homepage|Invalid"}},
      {"homepage", "\"x.example\"", {"homepage|Invalid"}},
      {"homepage", "5", {"homepage|Invalid"}},
      {"homepage", "\"http://a[/\"", {"homepage|Invalid"}},
      {"eula", "\"http://x/eula\"", k_valid}, {"eula", "\"mailto:a@b\"", {"eula|Invalid"}},
  });
}

TEST_CASE("booleans, published_at and state", "[validate][rules]") {
  run_cases({
      {"disabled", "\"true\"", k_valid}, {"disabled", "\"yes\"", {"disabled|Invalid"}},
      {"disabled", "", {"disabled|MissingParameter"}},
      {"activated", "\"false\"", k_valid}, {"activated", "1", {"activated|Invalid"}},
      {"icon", "true", k_valid}, {"icon", "{}", {"icon|Invalid"}},
      {"generate_passwords", "\"false\"", k_valid},
      {"generate_passwords", "0", {"generate_passwords|Invalid"}},
      {"published_at", "\"2020-03-10T19:08:26Z\"", k_valid},
      {"published_at", "\"2020-03-10T19:08Z\"", {"published_at|Invalid"}},
      {"published_at", "\"2020-03-10T19:08:26.56Z\"", {"published_at|Invalid"}},
      {"published_at", "\"\"", k_valid},  // falsy: not checked
      {"published_at", "", {"published_at|MissingParameter"}},
      {"state", "\"unactivated\"", k_valid}, {"state", "\"deleted\"", {"state|Invalid"}},
      {"state", "[\"active\"]", {"state|Invalid"}}, {"state", "", {"state|MissingParameter"}},
  });
  Json unactivated = with(dc_base(), "activated", "false");
  run_cases({{"published_at", "", k_valid}, {"files", "", k_valid}}, unactivated);
}

TEST_CASE("public per server mode", "[validate][rules]") {
  CHECK(pairs(with(dc_base(), "public", "true"), Profile::dc).empty());
  CHECK(pairs(with(dc_base(), "public", "\"x\""), Profile::dc) == Pairs{"public|Invalid"});
  CHECK(pairs(with(dc_base(), "public", "true"), Profile::private_) == Pairs{"public|Invalid"});
  CHECK(pairs(with(dc_base(), "public", "\"false\""), Profile::public_) == Pairs{"public|Invalid"});
  CHECK(pairs(with(dc_base(), "public", "\"true\""), Profile::public_).empty());
}

TEST_CASE("type and os enums, and \"null\" placeholders", "[validate][rules]") {
  run_cases({
      {"type", "\"zvol\"", {"cpu_type|MissingParameter", "disk_driver|MissingParameter",
                            "image_size|MissingParameter", "nic_driver|MissingParameter"}},
      {"type", "\"lx-dataset\"", k_valid}, {"type", "\"docker\"", k_valid},
      {"type", "\"lxd\"", k_valid}, {"type", "\"other\"", k_valid},
      {"type", "\"zone\"", {"type|Invalid"}}, {"type", "\"null\"", {"type|Invalid"}},
      {"type", "null", {"type|Invalid"}}, {"type", "\"constructor\"", {"type|Invalid"}},
      {"os", "\"illumos\"", k_valid}, {"os", "\"solaris\"", {"os|Invalid"}},
      {"os", "[\"linux\"]", k_valid}, {"os", "", {"os|MissingParameter"}},
  });
  const Json creating = with(with(dc_base(), "state", "\"creating\""), "type", "\"null\"");
  CHECK(pairs(with(creating, "os", "\"null\"")).empty());
  CHECK(pairs(with(with(creating, "state", "\"failed\""), "error", "{\"message\": \"m\"}")).empty());
}

TEST_CASE("files", "[validate][rules]") {
  const std::string file = R"({"sha1": "3dcf", "size": 5, "compression": "gzip"})";
  run_cases({
      {"files", "[" + file + "]", k_valid}, {"files", "[]", k_valid},
      {"files", R"([{"sha1": "a", "size": -1, "compression": "xz"}])", k_valid},
      {"files", R"([{"sha1": "a", "size": 1.5, "compression": "none"}])", k_valid},
      {"files", R"([{"sha1": "a", "size": 0, "compression": "gzip"}])", {"files|Invalid"}},
      {"files", R"([{"sha1": "", "size": 5, "compression": "gzip"}])", {"files|Invalid"}},
      {"files", R"([{"sha1": "a", "size": 5, "compression": "zstd"}])", {"files|Invalid"}},
      {"files", R"([{"sha1": "a", "size": 5}])", {"files|Invalid"}},
      {"files", "[" + file + "," + file + "]", {"files|Invalid"}},
      {"files", "[null]", {"files|Invalid"}}, {"files", "[\"f\"]", {"files|Invalid"}},
      {"files", "{}", {"files|Invalid"}}, {"files", "", {"files|MissingParameter"}},
  });
  const Json lxd = with(dc_base(), "type", "\"lxd\"");
  run_cases({{"files", "[" + file + "," + file + "]", k_valid},
             {"files", "[" + file + "," + file + "," + file + "]", {"files|Invalid"}}},
            lxd);
}

TEST_CASE("requirements", "[validate][rules]") {
  run_cases({
      {"requirements", R"({"networks": [{"name": "net0", "description": "admin"}]})", k_valid},
      {"requirements", R"({"networks": [{"name": "net0"}]})", {"requirements.networks|Invalid"}},
      {"requirements", R"({"networks": "net0"})", {"requirements.networks|Invalid"}},
      {"requirements", R"({"brand": "bhyve", "ssh_key": false})", k_valid},
      {"requirements", R"({"brand": 5})", {"requirements.brand|Invalid"}},
      {"requirements", R"({"ssh_key": "yes"})", {"requirements.ssh_key|Invalid"}},
      {"requirements", R"({"min_ram": 1024, "max_ram": 1024})", k_valid},
      {"requirements", R"({"min_ram": -5, "max_ram": -1})", k_valid},
      {"requirements", R"({"min_ram": 2048, "max_ram": 1024})", {"requirements.max_ram|Invalid"}},
      {"requirements", R"({"min_ram": 1.5})", {"requirements.min_ram|Invalid"}},
      {"requirements", R"({"max_ram": "512"})", {"requirements.max_ram|Invalid"}},
      {"requirements", R"({"min_platform": {"7.0": "20121218T203452Z"}})", k_valid},
      {"requirements", R"({"min_platform": {"7.0": "20111218T203452Z"}})",
       {"requirements.min_platform|Invalid"}},
      {"requirements", R"({"max_platform": {"7.0": "20121318T203452Z"}})",
       {"requirements.max_platform|Invalid"}},
      {"requirements", R"({"min_platform": {"7.0": "abcdefghTijklmnZ"}})", k_valid},  // NaN passes
      {"requirements", R"({"min_platform": {}})", {"requirements.min_platform|Invalid"}},
      {"requirements", R"({"min_platform": {"7.0": null}})", {"requirements.min_platform|Invalid"}},
      {"requirements", R"({"brand": "bhyve", "bootrom": "uefi"})", k_valid},
      {"requirements", R"({"bootrom": "uefi"})", {"requirements.bootrom|MissingParameter"}},
      {"requirements", R"({"brand": "kvm", "bootrom": "bios"})", {"requirements.bootrom|Invalid"}},
      {"requirements", R"({"brand": "bhyve", "bootrom": "efi"})", {"requirements.bootrom|Invalid"}},
      {"requirements", R"({"foo": 1, "networks": 0})", {"foo|Invalid"}},
      {"requirements", "\"ab\"", {"0|Invalid", "1|Invalid"}},
      {"requirements", "[1]", {"0|Invalid"}}, {"requirements", "5", k_valid},
      {"requirements", "null", {"requirements|Invalid"}},
  });
}

TEST_CASE("acl, users, billing_tags, traits, tags, inherited_directories", "[validate][rules]") {
  const std::string big = quoted(repeat("x", 102400 - 8));  // {"k":"…"} is 102400 long
  run_cases({
      {"acl", R"(["930896af-bf8c-48d4-885c-6573a94b1853"])", k_valid},
      {"acl", R"(["930896af-bf8c-48d4-885c-6573a94b1853", "x"])", {"acl|Invalid"}},
      {"acl", "\"930896af-bf8c-48d4-885c-6573a94b1853\"", {"acl|Invalid"}},
      {"users", R"([{"name": "root"}])", k_valid},
      {"users", R"([{"name": "root", "uid": 0}])", {"users|Invalid"}},
      {"users", R"(["root"])", {"users|Invalid"}},
      {"billing_tags", "[\"" + repeat("b", 128) + "\"]", k_valid},
      {"billing_tags", "[\"" + repeat("b", 129) + "\"]", {"billing_tags|Invalid"}},
      {"billing_tags", "[5]", {"billing_tags|Invalid"}},
      {"traits", R"({"a": "x", "b": true, "c": [1]})", k_valid},
      {"traits", R"({"d": 5})", {"traits|Invalid"}}, {"traits", "\"x\"", {"traits|Invalid"}},
      {"traits", "null", {"traits|Invalid"}},
      {"tags", "{\"k\":" + big + "}", k_valid},
      {"tags", "{\"k\":" + big.substr(0, big.size() - 1) + "xx\"}", {"tags|Invalid"}},
      {"tags", "[]", {"tags|Invalid"}}, {"tags", "null", {"tags|Invalid"}},
      {"inherited_directories", R"(["/opt"])", k_valid},
      {"inherited_directories", R"(["/opt", 5])", {"inherited_directories|Invalid"}},
  });
  CHECK(pairs(with(with(dc_base(), "type", "\"other\""), "inherited_directories", "[]")) ==
        Pairs{"inherited_directories|Invalid"});
}

TEST_CASE("zvol-only fields", "[validate][rules]") {
  Json zvol = with(dc_base(), "type", "\"zvol\"");
  zvol["nic_driver"] = "virtio";
  zvol["disk_driver"] = "virtio";
  zvol["cpu_type"] = "host";
  zvol["image_size"] = 10240;
  CHECK(pairs(zvol).empty());
  run_cases({{"image_size", "\"10240\"", k_valid}, {"image_size", "1.5", {"image_size|Invalid"}},
             {"image_size", "\"big\"", {"image_size|Invalid"}},
             {"nic_driver", "5", {"nic_driver|Invalid"}},
             {"cpu_type", "", {"cpu_type|MissingParameter"}}},
            zvol);
  run_cases({{"nic_driver", "\"virtio\"", {"nic_driver|Invalid"}},
             {"nic_driver", "\"\"", k_valid}, {"disk_driver", "0", {"disk_driver|Invalid"}},
             {"image_size", "0", k_valid}, {"image_size", "5", {"image_size|Invalid"}}});
}

TEST_CASE("channels", "[validate][rules]") {
  const Json with_channels = with(dc_base(), "channels", R"(["dev", "release"])");
  CHECK(pairs(with_channels, Profile::private_, true).empty());
  CHECK(pairs(with_channels, Profile::private_, false) == Pairs{"channels|Invalid"});
  CHECK(pairs(with_channels, Profile::dc, true) == Pairs{"channels|Invalid"});
  CHECK(pairs(with(with_channels, "public", "true"), Profile::public_, true).empty());
  CHECK(pairs(with(dc_base(), "channels", "[5]"), Profile::private_, true) ==
        Pairs{"channels|Invalid"});
  CHECK(pairs(with(dc_base(), "channels", "\"dev\""), Profile::private_, true) ==
        Pairs{"channels|Invalid"});
  CHECK(pairs(dc_base(), Profile::private_, true) == Pairs{"channels|MissingParameter"});
  CHECK(pairs(with(minimal_base(), "channels", R"(["dev"])"), Profile::minimal, true) ==
        Pairs{"channels|Invalid"});
}

TEST_CASE("hostile sizes give bounded error lists", "[validate][rules]") {
  // One error per character in the JS; we list 100 and summarize the rest.
  const Json long_string = with(dc_base(), "requirements", quoted(repeat("x", 5000)));
  const auto errors = manifest::validate(long_string, manifest::ValidateOptions{});
  CHECK(errors.size() == 101);
  const Pairs p = pairs(long_string);
  CHECK(p.count("0|Invalid") == 1);
  CHECK(p.count("99|Invalid") == 1);
  CHECK(p.count("100|Invalid") == 0);
  CHECK(p.count("requirements|Invalid") == 1);
  CHECK(errors.back().message.find("4900 more") != std::string::npos);
  CHECK(pairs(with(dc_base(), "requirements", "[" + repeat("1,", 99) + "1]")).size() == 100);
  // The same (field, code) failing 100000 times keeps 10 messages.
  Json many_users = dc_base();
  many_users["users"] = Json::array();
  for (int i = 0; i < 100000; ++i) many_users["users"].push_back(i);
  const auto user_errors = manifest::validate(many_users, manifest::ValidateOptions{});
  CHECK(user_errors.size() == 10);
  CHECK(pairs(many_users) == Pairs{"users|Invalid"});
}
