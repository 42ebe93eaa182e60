#pragma once
// `sdc-server lookup [-h1jHc] [FILTER...]` (sdc-headnode 181d922 tools/bin/sdc-server
// lookupServers 550-789, filtersFromArgs 437-514, dottedLookup 522-538) over the simulated
// DC's CNAPI servers. Pure: parsing, matching and the output text; sdc_server_main.cpp
// reads the state.

#include <common/json.hpp>

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace fake_sdcadm {

// One FIELD<op>VALUE filter, as filtersFromArgs makes it.
struct LookupFilter {
  enum class Type { string, boolean, number, regexp };
  std::string key;  // dotted: "traits.pkg"
  Type type = Type::string;
  bool negated = false;
  std::string op;          // for numbers: ">", ">=", "<", "<="
  std::string text;        // string value, or the regexp's source
  bool flag = false;       // boolean value
  double number = 0;       // number value
  std::optional<std::regex> regex;
};

// filtersFromArgs: /^([ \w_\.-]+)(<=|>=|<|>|!=|=~|!~|=)(.+)$/; "true"/"false" after = or != are
// booleans, numbers are required after < > <= >=. Throws Error(usage) with the real message
// ('invalid filter: "ARG" (see "Filters" in "sdc-server lookup -h")').
std::vector<LookupFilter> parse_lookup_filters(const std::vector<std::string>& args);

// Whether a CNAPI server object passes every filter (filterServers: JavaScript's === for
// strings and booleans, its comparisons for numbers, RegExp#test for regexps; a missing
// field is undefined).
bool lookup_matches(const common::Json& server, const std::vector<LookupFilter>& filters);

struct LookupOptions {
  bool json = false, hostname = false, comma = false, unique = false, help = false;
  std::vector<std::string> filters;
};

// dashdash's parse of lookup's options (-h, -1, -j, -H, -c, long forms, combined short
// flags, interspersed with the filters, "--" ends them). Throws Error(usage) for an unknown
// option ('unknown option: "-x"') and the real mutual-exclusion messages.
LookupOptions parse_lookup_options(const std::vector<std::string>& args);

// What lookup prints for these servers (already filtered): one JSON object per line with
// -j, else the uuids (or hostnames, -H) one per line (or comma-joined without a newline,
// -c); nothing when none matched. Throws Error(usage) for -1 and not exactly one.
std::string lookup_output(const std::vector<common::Json>& matched, const LookupOptions& options);

// lookup -h's text.
std::string lookup_help();

}  // namespace fake_sdcadm
