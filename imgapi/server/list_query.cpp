#include <imgapi/server/list_query.hpp>

#include <imgapi/server/rest_error.hpp>

#include <manifest/image_manifest.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace imgapi::server {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\n\v\f\r");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\n\v\f\r");
  return s.substr(b, e - b + 1);
}

bool is_decimal_literal(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

double radix_number(const std::string& digits, int radix) {
  if (digits.empty()) return std::nan("");
  double value = 0;
  for (char c : digits) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                           : 99;
    if (d >= radix) return std::nan("");
    value = value * radix + d;
  }
  return value;
}

// JS String(manifest[field]) for the local database's string comparisons.
std::string field_text(const ImageRecord& r, const char* name) {
  if (std::string(name) == "uuid") return r.uuid;
  return js_string(r.field(name));
}

bool string_filter(const std::optional<std::string>& want, const ImageRecord& r,
                   const char* name) {
  return !want || field_text(r, name) == *want;
}

// name and version: "~text" is a substring match.
bool substring_filter(const std::optional<std::string>& want, const ImageRecord& r,
                      const char* name) {
  if (!want) return true;
  if (!want->empty() && (*want)[0] == '~') {
    const common::Json* v = r.field(name);
    return v != nullptr && v->is_string() &&
           v->get<std::string>().find(want->substr(1)) != std::string::npos;
  }
  return field_text(r, name) == *want;
}

// type: "!value" excludes.
bool type_filter(const std::optional<std::string>& want, const ImageRecord& r) {
  if (!want) return true;
  if (!want->empty() && (*want)[0] == '!') return field_text(r, "type") != want->substr(1);
  return field_text(r, "type") == *want;
}

bool tags_filter(const std::vector<std::string>& want, const ImageRecord& r, bool key_presence) {
  if (want.empty()) return true;
  std::vector<std::string> have = tag_search_strings(r.field("tags"));
  for (const std::string& tag : want) {
    bool found = std::find(have.begin(), have.end(), tag) != have.end();
    if (!found && key_presence && tag.size() > 1 && tag.back() == '=') {
      for (const std::string& h : have) found = found || h.compare(0, tag.size(), tag) == 0;
    }
    if (!found) return false;
  }
  return true;
}

bool billing_filter(const std::vector<std::string>& want, const ImageRecord& r) {
  if (want.empty()) return true;
  const common::Json* have = r.field("billing_tags");
  if (have == nullptr || !have->is_array()) return false;
  for (const std::string& tag : want) {
    if (std::find(have->begin(), have->end(), common::Json(tag)) == have->end()) return false;
  }
  return true;
}

// ?account=: the caller's own images, plus activated images that are public or whose acl
// names the account (IMGAPI runs up to three searches and merges them; same result).
bool account_filter(const ListQuery& q, const ImageRecord& r) {
  if (!q.account) return true;
  if (field_text(r, "owner") == *q.account) return true;
  if (q.activated == false || q.disabled == true || !r.activated) return false;
  const common::Json* pub = r.field("public");
  if (pub != nullptr && (*pub == true || *pub == "true")) return true;
  const common::Json* acl = r.field("acl");
  return acl != nullptr && acl->is_array() &&
         std::find(acl->begin(), acl->end(), common::Json(*q.account)) != acl->end();
}

void parse_state(ListQuery& q, const std::string* state, bool limit_to_active) {
  if (state == nullptr || state->empty() || *state == "active") {
    q.activated = true;
    q.disabled = false;
  } else if (*state == "disabled") {
    q.empty_result = limit_to_active;
    q.activated = true;
    q.disabled = true;
  } else if (*state == "unactivated") {
    q.empty_result = limit_to_active;
    q.activated = false;
  } else if (*state == "all") {
    if (limit_to_active) {
      q.activated = true;
      q.disabled = false;
    }
  } else if (*state == "creating" || *state == "failed") {
    q.empty_result = limit_to_active;
    q.state = *state;
  } else {
    throw invalid_parameter("invalid state: \"" + *state + "\"", field_errors("state", "Invalid"));
  }
}

void parse_sort(ListQuery& q, const std::string* sort) {
  if (sort == nullptr) return;
  std::string attribute = *sort;
  std::string order = "asc";
  std::size_t dot = sort->rfind('.');
  if (dot != std::string::npos) {
    attribute = sort->substr(0, dot);
    order = sort->substr(dot + 1);
  }
  if (attribute != "published_at") {
    throw invalid_parameter(
        "invalid 'sort': not a valid sorting attribute: '" + attribute + "'",
        field_errors("sort", "Invalid"));
  }
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (order != "asc" && order != "desc") {
    throw invalid_parameter("invalid 'sort': not a valid sorting order: '" + order +
                                "' (use published_at, published_at.asc or published_at.desc)",
                            field_errors("sort", "Invalid"));
  }
  q.descending = order == "desc";
}

void parse_marker(ListQuery& q, const std::string* marker) {
  if (marker == nullptr || marker->empty()) return;
  if (manifest::is_uuid(*marker)) {
    q.marker_uuid = *marker;
    return;
  }
  std::optional<std::int64_t> ms = parse_iso_ms(*marker);
  if (!ms) {
    throw invalid_parameter("invalid value for \"marker\" param: " +
                                common::dump_json(common::Json(*marker), -1) +
                                " is not a UUID or date string",
                            field_errors("marker", "Invalid"));
  }
  q.marker_ms = *ms;
}

bool marker_filter(const ListQuery& q, const ImageRecord& r) {
  if (!q.marker_ms) return true;
  // IMGAPI compares published_at strings; an image without one passes.
  if (r.string_field("published_at").empty()) return true;
  std::int64_t t = r.published_ms();
  return q.descending ? t <= *q.marker_ms : t >= *q.marker_ms;
}

// JS Array.prototype.slice(0, limit) length for a truthy limit.
std::size_t slice_count(double limit, std::size_t size) {
  if (std::isinf(limit)) return limit > 0 ? size : 0;
  double n = std::trunc(limit);
  if (n < 0) n = std::max(0.0, static_cast<double>(size) + n);
  return std::min(size, static_cast<std::size_t>(n));
}

}  // namespace

const std::string* param(const Params& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? nullptr : &it->second;
}

double js_number(const std::string& text) {
  std::string s = trim(text);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(s[1]));
    if (p == 'x') return radix_number(s.substr(2), 16);
    if (p == 'o') return radix_number(s.substr(2), 8);
    if (p == 'b') return radix_number(s.substr(2), 2);
  }
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (!is_decimal_literal(s)) return std::nan("");
  return std::strtod(s.c_str(), nullptr);
}

ListQuery parse_list_query(const Params& params, bool limit_to_active) {
  ListQuery q;
  if (const std::string* limit = param(params, "limit"); limit != nullptr && !limit->empty()) {
    double n = js_number(*limit);
    // IMGAPI names "state" as the field here (a bug in IMGAPI, kept for compatibility).
    if (std::isnan(n)) {
      throw invalid_parameter("invalid limit: \"" + *limit + "\"", field_errors("state", "Invalid"));
    }
    if (n < 0) {
      throw invalid_parameter("invalid limit: \"" + *limit + "\" (must not be negative)",
                              field_errors("limit", "Invalid"));
    }
    if (n != 0) q.limit = n;
  }
  parse_state(q, param(params, "state"), limit_to_active);
  if (const std::string* pub = param(params, "public")) {
    if (*pub == "true") q.is_public = true;
    else if (*pub == "false") q.is_public = false;
    else throw invalid_bool_param("public", *pub);
  }
  auto copy = [&](const char* key, std::optional<std::string>& out) {
    if (const std::string* v = param(params, key)) out = *v;
  };
  copy("name", q.name);
  copy("version", q.version);
  copy("owner", q.owner);
  copy("os", q.os);
  copy("type", q.type);
  copy("account", q.account);
  for (const auto& [key, value] : params) {
    if (key.size() > 4 && key.compare(0, 4, "tag.") == 0) q.tags.push_back(key.substr(4) + "=" + value);
    if (key == "billing_tag") q.billing_tags.push_back(value);
  }
  parse_sort(q, param(params, "sort"));
  parse_marker(q, param(params, "marker"));
  return q;
}

bool matches(const ListQuery& q, const ImageRecord& r, bool tag_key_presence) {
  if (q.activated && r.activated != *q.activated) return false;
  if (q.disabled && r.disabled != *q.disabled) return false;
  if (q.state && r.state() != *q.state) return false;
  if (q.is_public) {
    const common::Json* pub = r.field("public");
    bool is_public = pub != nullptr && (*pub == true || *pub == "true");
    if (pub == nullptr || is_public != *q.is_public) return false;
  }
  if (q.channel &&
      std::find(r.channels.begin(), r.channels.end(), *q.channel) == r.channels.end()) {
    return false;
  }
  return substring_filter(q.name, r, "name") && substring_filter(q.version, r, "version") &&
         string_filter(q.owner, r, "owner") && string_filter(q.os, r, "os") &&
         type_filter(q.type, r) && tags_filter(q.tags, r, tag_key_presence) &&
         billing_filter(q.billing_tags, r) && account_filter(q, r) && marker_filter(q, r);
}

std::vector<RecordPtr> select_images(std::vector<RecordPtr> records, const ListQuery& q,
                                     Scan scan, std::optional<double> default_limit,
                                     bool tag_key_presence) {
  if (q.empty_result) return {};
  std::optional<double> limit = q.limit ? q.limit : default_limit;
  // The databases' own order: ascending published_at (missing = 0), uuid for ties.
  std::sort(records.begin(), records.end(), [](const RecordPtr& a, const RecordPtr& b) {
    std::int64_t ta = a->published_ms(), tb = b->published_ms();
    return ta != tb ? ta < tb : a->uuid < b->uuid;
  });
  std::vector<RecordPtr> hits;
  for (const RecordPtr& r : records) {
    if (matches(q, *r, tag_key_presence)) hits.push_back(r);
    if (scan == Scan::local_database && limit && static_cast<double>(hits.size()) >= *limit) break;
  }
  if (q.descending) {
    std::stable_sort(hits.begin(), hits.end(), [](const RecordPtr& a, const RecordPtr& b) {
      return a->published_ms() > b->published_ms();
    });
  }
  if (limit) hits.resize(slice_count(*limit, hits.size()));
  return hits;
}

}  // namespace imgapi::server
