// fake-sdc-server lookup (server_lookup.hpp): sdc-headnode's filtersFromArgs grammar and
// messages, the matching (JavaScript's === and comparisons, RegExp), the options and the
// output forms.
#include <tools/fake_sdcadm/server_lookup.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace fake_sdcadm;
using common::Json;

namespace {

std::vector<Json> servers() {
  return {Json{{"uuid", "u1"}, {"hostname", "headnode"}, {"headnode", true}, {"setup", true}, {"status", "running"},
               {"current_platform", "20250104T162650Z"}, {"datacenter", "sim-1"}, {"ram", 65536},
               {"traits", {{"pkg", "aegean"}}}},
          Json{{"uuid", "u2"}, {"hostname", "cn1"}, {"headnode", false}, {"setup", true}, {"status", "unknown"},
               {"datacenter", "sim-1"}, {"ram", 131072}},
          Json{{"uuid", "u3"}, {"hostname", "cn2"}, {"headnode", false}, {"setup", false}, {"status", "running"},
               {"datacenter", "sim-1"}, {"ram", "256"}}};
}

std::string uuids_for(const std::vector<std::string>& args) {
  const auto filters = parse_lookup_filters(args);
  std::string out;
  for (const Json& s : servers()) {
    if (lookup_matches(s, filters)) out += (out.empty() ? "" : ",") + s["uuid"].get<std::string>();
  }
  return out;
}

}  // namespace

TEST_CASE("sdc-server lookup filters: =, !=, booleans, regexps, numbers, dotted fields", "[fake_sdcadm]") {
  CHECK(uuids_for({}) == "u1,u2,u3");
  CHECK(uuids_for({"setup=true"}) == "u1,u2");
  CHECK(uuids_for({"setup=false"}) == "u3");
  CHECK(uuids_for({"setup=true", "status!=running"}) == "u2");
  CHECK(uuids_for({"headnode!=true"}) == "u2,u3");
  CHECK(uuids_for({"hostname=cn1"}) == "u2");
  CHECK(uuids_for({"setup=yes"}) == "");  // a string never === a boolean
  CHECK(uuids_for({"current_platform=20250104T162650Z"}) == "u1");
  CHECK(uuids_for({"current_platform!=20250104T162650Z"}) == "u2,u3");  // missing: undefined !== value
  CHECK(uuids_for({"hostname=~^cn"}) == "u2,u3");
  CHECK(uuids_for({"hostname!~^cn"}) == "u1");
  CHECK(uuids_for({"nosuch=~."}) == "");
  CHECK(uuids_for({"ram>=131072"}) == "u2");
  CHECK(uuids_for({"ram<1000"}) == "u3");  // "256" compares as the number 256
  CHECK(uuids_for({"ram>0x10"}) == "u1,u2,u3");
  CHECK(uuids_for({"traits.pkg=aegean"}) == "u1");
  CHECK(uuids_for({"traits.pkg!=aegean"}) == "u2,u3");
  CHECK(uuids_for({"a=b=c"}) == "");  // value "b=c"
  const auto f = parse_lookup_filters({"hostname<=5"});
  CHECK(f[0].op == "<=");
  CHECK(parse_lookup_filters({"x=~"})[0].text == "~");  // "=~" needs a value: "=" with "~"
}

TEST_CASE("sdc-server lookup filters: the real refusals", "[fake_sdcadm]") {
  CHECK_THROWS_WITH(parse_lookup_filters({"setup"}),
                    "invalid filter: \"setup\" (see \"Filters\" in \"sdc-server lookup -h\")");
  CHECK_THROWS_WITH(parse_lookup_filters({"a!="}), "invalid filter: \"a!=\" (see \"Filters\" in \"sdc-server lookup -h\")");
  CHECK_THROWS_WITH(parse_lookup_filters({"=x"}), "invalid filter: \"=x\" (see \"Filters\" in \"sdc-server lookup -h\")");
  CHECK_THROWS_WITH(parse_lookup_filters({"ram>lots"}), "invalid filter: \"ram>lots\" (value must be a number for \"lots\") >");
  CHECK_THROWS_AS(parse_lookup_filters({"hostname=~("}), common::Error);
}

TEST_CASE("sdc-server lookup options and output", "[fake_sdcadm]") {
  LookupOptions o = parse_lookup_options({"-j", "setup=true", "--", "-x=1"});
  CHECK(o.json);
  CHECK(o.filters == std::vector<std::string>{"setup=true", "-x=1"});
  o = parse_lookup_options({"-1Hc"});
  CHECK((o.unique && o.hostname && o.comma));
  CHECK_THROWS_WITH(parse_lookup_options({"-x"}), "unknown option: \"-x\"");
  CHECK_THROWS_WITH(parse_lookup_options({"--frob"}), "unknown option: \"--frob\"");
  CHECK_THROWS_WITH(parse_lookup_options({"-j", "-H"}), "--json and --hostname are mutually exclusive");
  CHECK_THROWS_WITH(parse_lookup_options({"--json", "--comma"}), "--json and --comma are mutually exclusive");
  CHECK(parse_lookup_options({"-h", "-j", "-H"}).help);

  const auto all = servers();
  const std::vector<Json> two(all.begin(), all.begin() + 2);
  CHECK(lookup_output(two, {}) == "u1\nu2\n");
  LookupOptions h;
  h.hostname = true;
  CHECK(lookup_output(two, h) == "headnode\ncn1\n");
  h.comma = true;
  CHECK(lookup_output(two, h) == "headnode,cn1");
  CHECK(lookup_output({}, {}) == "");
  LookupOptions j;
  j.json = true;
  CHECK(lookup_output({all[1]}, j) ==
        R"({"uuid":"u2","hostname":"cn1","headnode":false,"setup":true,"status":"unknown","datacenter":"sim-1","ram":131072})"
        "\n");
  LookupOptions one;
  one.unique = true;
  CHECK_THROWS_WITH(lookup_output(two, one), "requested unique lookup (-1) but found 2 matching servers");
  CHECK(lookup_output({all[2]}, one) == "u3\n");
}
