#include <tools/fake_sdcadm/server_lookup.hpp>

#include <common/error.hpp>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace fake_sdcadm {

using common::Error;
using common::ExitCode;
using common::Json;

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// JavaScript's Number(string): surrounding white space ignored, "" is 0, decimal (with
// exponent), 0x/0o/0b integers and [+-]Infinity; anything else NaN.
double js_number(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n\r\v\f");
  if (first == std::string::npos) return 0;
  const std::string s = text.substr(first, text.find_last_not_of(" \t\n\r\v\f") - first + 1);
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s.size() > 2 && s[0] == '0' && std::strchr("xXoObB", s[1]) != nullptr) {
    const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str() + 2, &end, base);
    return *end == '\0' ? static_cast<double>(v) : k_nan;
  }
  for (char c : s) {  // strtod would also take "inf", "nan" and hex floats, which JS refuses
    if (!std::isdigit(static_cast<unsigned char>(c)) && std::strchr("+-.eE", c) == nullptr) return k_nan;
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return *end == '\0' ? v : k_nan;
}

// dottedLookup (sdc-server:522-538): each segment must be an own property; else undefined.
const Json* dotted(const Json& obj, const std::string& key) {
  const Json* o = &obj;
  std::size_t from = 0;
  while (true) {
    const std::size_t dot = key.find('.', from);
    const std::string segment = key.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!o->is_object() || !o->contains(segment)) return nullptr;
    o = &(*o)[segment];
    if (dot == std::string::npos) return o;
    from = dot + 1;
  }
}

// The value JavaScript's relational operators compare a server field as.
double as_number(const Json* v) {
  if (v == nullptr) return k_nan;  // undefined
  if (v->is_null()) return 0;
  if (v->is_boolean()) return v->get<bool>() ? 1 : 0;
  if (v->is_number()) return v->get<double>();
  if (v->is_string()) return js_number(v->get<std::string>());
  return k_nan;
}

// String(value), what RegExp#test sees.
std::string as_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return common::dump_json(v, -1);
  if (v.is_array()) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + (v[i].is_null() ? std::string() : as_text(v[i]));
    return out;
  }
  return "[object Object]";
}

bool matches(const Json& server, const LookupFilter& f) {
  const Json* v = dotted(server, f.key);
  bool match = false;
  switch (f.type) {
    case LookupFilter::Type::string:
      match = v != nullptr && v->is_string() && v->get<std::string>() == f.text;
      break;
    case LookupFilter::Type::boolean:
      match = v != nullptr && v->is_boolean() && v->get<bool>() == f.flag;
      break;
    case LookupFilter::Type::number: {
      const double x = as_number(v);  // NaN compares false, as in JavaScript
      match = f.op == ">" ? x > f.number : f.op == ">=" ? x >= f.number : f.op == "<" ? x < f.number : x <= f.number;
      break;
    }
    case LookupFilter::Type::regexp:
      match = v != nullptr && !v->is_null() && std::regex_search(as_text(*v), *f.regex);
      break;
  }
  return f.negated ? !match : match;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

}  // namespace

std::vector<LookupFilter> parse_lookup_filters(const std::vector<std::string>& args) {
  // filtersFromArgs (sdc-server:441): the same pattern, ECMAScript grammar.
  static const std::regex k_filter(R"(^([ \w_\.-]+)(<=|>=|<|>|!=|=~|!~|=)(.+)$)");
  std::vector<LookupFilter> filters;
  for (const std::string& arg : args) {
    std::smatch m;
    if (!std::regex_match(arg, m, k_filter)) {
      throw Error(ExitCode::usage, "invalid filter: \"" + arg + "\" (see \"Filters\" in \"sdc-server lookup -h\")");
    }
    LookupFilter f;
    f.key = m[1];
    const std::string op = m[2], val = m[3];
    if (op == ">" || op == ">=" || op == "<" || op == "<=") {
      f.number = js_number(val);
      if (std::isnan(f.number)) {
        // util.format with one argument more than placeholders appends it (sdc-server:463-465).
        throw Error(ExitCode::usage, "invalid filter: \"" + arg + "\" (value must be a number for \"" + val + "\") " + op);
      }
      f.type = LookupFilter::Type::number;
      f.op = op;
    } else if (op == "=" || op == "!=") {
      f.negated = op == "!=";
      if (val == "true" || val == "false") {
        f.type = LookupFilter::Type::boolean;
        f.flag = val == "true";
      } else {
        f.text = val;
      }
    } else {  // =~ and !~: new RegExp(val)
      f.negated = op == "!~";
      f.type = LookupFilter::Type::regexp;
      f.text = val;
      try {
        f.regex.emplace(val, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw Error(ExitCode::usage, "Invalid regular expression: /" + val + "/: " + e.what());
      }
    }
    filters.push_back(std::move(f));
  }
  return filters;
}

bool lookup_matches(const Json& server, const std::vector<LookupFilter>& filters) {
  for (const LookupFilter& f : filters) {
    if (!matches(server, f)) return false;
  }
  return true;
}

LookupOptions parse_lookup_options(const std::vector<std::string>& args) {
  LookupOptions o;
  bool options_done = false;
  for (const std::string& arg : args) {
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      o.filters.push_back(arg);  // "-" alone is an argument too
    } else if (arg == "--") {
      options_done = true;
    } else if (arg.rfind("--", 0) == 0) {
      const std::string name = arg.substr(2);
      if (name == "help") o.help = true;
      else if (name == "json") o.json = true;
      else if (name == "hostname") o.hostname = true;
      else if (name == "comma") o.comma = true;
      else throw Error(ExitCode::usage, "unknown option: \"--" + name + "\"");  // dashdash lib/dashdash.js:442
    } else {
      for (std::size_t i = 1; i < arg.size(); ++i) {
        switch (arg[i]) {
          case 'h': o.help = true; break;
          case '1': o.unique = true; break;
          case 'j': o.json = true; break;
          case 'H': o.hostname = true; break;
          case 'c': o.comma = true; break;
          default: throw Error(ExitCode::usage, std::string("unknown option: \"-") + arg[i] + "\"");  // dashdash.js:508
        }
      }
    }
  }
  if (o.help) return o;
  if (o.json && o.hostname) throw Error(ExitCode::usage, "--json and --hostname are mutually exclusive");
  if (o.json && o.comma) throw Error(ExitCode::usage, "--json and --comma are mutually exclusive");
  return o;
}

std::string lookup_output(const std::vector<Json>& matched, const LookupOptions& o) {
  if (o.unique && matched.size() != 1) {  // ensureOne (sdc-server:763-770)
    throw Error(ExitCode::usage, "requested unique lookup (-1) but found " + std::to_string(matched.size()) +
                                     " matching servers");
  }
  std::string out;
  if (o.json) {  // outputServers (sdc-server:771-789): JSON.stringify per server
    for (const Json& s : matched) out += common::dump_json(s, -1) + "\n";
    return out;
  }
  std::vector<std::string> results;
  for (const Json& s : matched) results.push_back(s.at(o.hostname ? "hostname" : "uuid").get<std::string>());
  if (results.empty()) return "";
  return o.comma ? join(results, ",") : join(results, "\n") + "\n";
}

std::string lookup_help() {
  return "Lookup servers matching given filters.\n"
         "\n"
         "Usage:\n"
         "    sdc-server lookup [<options>] [<filters> ...]\n"
         "\n"
         "Options:\n"
         "    -h, --help      Print this help and exit.\n"
         "    -1              Error out if there are 0 or >1 matches to the given filters.\n"
         "    -j, --json      Print out a newline-separated JSON object for each matching\n"
         "                    server, instead of just the server UUIDs.\n"
         "    -H, --hostname  Typically server UUIDs are printed. Use this option to print\n"
         "                    hostnames instead.\n"
         "    -c, --comma     Join matching results in a single comma-separated list.\n"
         "\n"
         "Filters:\n"
         "    FIELD=VALUE               exact string match\n"
         "    FIELD=true|false          boolean match\n"
         "    FIELD!=...                negated string or boolean match\n"
         "    FIELD=~REGEX              regular expression match\n"
         "    FIELD!~REGEX              negated regular expression match\n"
         "    FIELD>NUMBER              numeric comparisons\n"
         "    FIELD>=NUMBER             numeric comparisons\n"
         "    FIELD<NUMBER              numeric comparisons\n"
         "    FIELD<=NUMBER             numeric comparisons\n";
}

}  // namespace fake_sdcadm
