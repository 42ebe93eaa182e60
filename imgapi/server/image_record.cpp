#include <imgapi/server/image_record.hpp>

#include <common/hash.hpp>

#include <cctype>
#include <cstdio>

namespace imgapi::server {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

// Reads exactly n digits at pos; false if not digits.
bool digits(const std::string& s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<std::size_t>(i)];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  return true;
}

bool parse_time_part(const std::string& s, std::size_t& pos, std::int64_t& ms) {
  int hh = 0, mi = 0, ss = 0, frac = 0;
  if (!digits(s, pos, 2, hh) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, mi)) {
    return false;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!digits(s, pos, 2, ss)) return false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (pos - start < 3) frac = frac * 10 + (s[pos] - '0');
        ++pos;
      }
      if (pos == start) return false;
      for (std::size_t n = pos - start; n < 3; ++n) frac *= 10;
    }
  }
  if (hh > 24 || mi > 59 || ss > 59 || (hh == 24 && (mi || ss || frac))) return false;
  ms = ((hh * 60 + mi) * 60 + ss) * 1000LL + frac;
  return true;
}

bool parse_zone(const std::string& s, std::size_t& pos, std::int64_t& offset_ms) {
  offset_ms = 0;
  if (pos == s.size()) return true;
  if (s[pos] == 'Z') return ++pos == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  int sign = s[pos++] == '-' ? -1 : 1;
  int hh = 0, mi = 0;
  if (!digits(s, pos, 2, hh)) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (!digits(s, pos, 2, mi) || hh > 23 || mi > 59) return false;
  offset_ms = sign * (hh * 60 + mi) * 60000LL;
  return pos == s.size();
}

void add_if_truthy(common::Json& out, const ImageRecord& r, const char* name) {
  const common::Json* v = r.field(name);
  if (js_truthy(v)) out[name] = *v;
}

}  // namespace

std::string ImageRecord::state() const {
  if (!activated) return "unactivated";
  return disabled ? "disabled" : "active";
}

const common::Json* ImageRecord::field(const char* name) const {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &*it;
}

std::string ImageRecord::string_field(const char* name) const {
  const common::Json* v = field(name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

std::int64_t ImageRecord::published_ms() const {
  std::optional<std::int64_t> ms = parse_iso_ms(string_field("published_at"));
  return ms ? *ms : 0;
}

bool js_truthy(const common::Json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) return !v->get<std::string>().empty();
  if (v->is_number_integer()) return v->get<long long>() != 0;
  if (v->is_number_unsigned()) return v->get<unsigned long long>() != 0;
  if (v->is_number_float()) return v->get<double>() != 0.0;
  return true;  // objects and arrays, even empty ones
}

common::Json serialize(const ImageRecord& r, const SerializeOptions& options) {
  common::Json out = common::Json::object();
  if (const common::Json* v = r.field("v")) {
    // IMGAPI serializes Number(raw.v).
    out["v"] = v->is_string() ? common::Json(std::atoll(v->get<std::string>().c_str())) : *v;
  }
  out["uuid"] = r.uuid;
  for (const char* name : {"owner", "name", "version"}) {
    if (const common::Json* v = r.field(name)) out[name] = *v;
  }
  out["state"] = r.state();
  out["disabled"] = r.disabled;
  const common::Json* pub = r.field("public");
  out["public"] = pub != nullptr && (*pub == true || *pub == "true");
  if (const common::Json* v = r.field("published_at")) out["published_at"] = *v;
  for (const char* name : {"type", "os"}) {
    const common::Json* v = r.field(name);
    if (v != nullptr && *v != "null") out[name] = *v;
  }
  common::Json files = common::Json::array();
  if (r.file) {
    common::Json f = {{"sha1", r.file->sha1}, {"size", r.file->size},
                      {"compression", r.file->compression}};
    if (!r.file->dataset_guid.empty()) f["dataset_guid"] = r.file->dataset_guid;
    if (options.admin_fields) f["stor"] = "local";
    files.push_back(std::move(f));
  }
  out["files"] = std::move(files);
  const common::Json* acl = r.field("acl");
  if (acl != nullptr && acl->is_array() && !acl->empty()) out["acl"] = *acl;
  for (const char* name : {"description", "homepage", "eula", "urn", "requirements", "users"}) {
    add_if_truthy(out, r, name);
  }
  if (js_truthy(r.field("generate_passwords"))) out["generate_passwords"] = true;
  for (const char* name : {"inherited_directories", "origin", "nic_driver", "disk_driver",
                           "cpu_type", "image_size", "tags"}) {
    add_if_truthy(out, r, name);
  }
  const common::Json* billing = r.field("billing_tags");
  if (billing != nullptr && billing->is_array() && !billing->empty()) {
    out["billing_tags"] = *billing;
  }
  const common::Json* traits = r.field("traits");
  if (traits != nullptr && traits->is_object() && !traits->empty()) out["traits"] = *traits;
  if (options.version == ApiVersion::v2 && !r.channels.empty()) out["channels"] = r.channels;
  return out;
}

std::string json_etag(const common::Json& value) {
  return common::hex_digest(common::HashAlgorithm::sha1, common::dump_json(value, -1));
}

common::Json validation_object(const ImageRecord& r) {
  common::Json m = r.fields;
  m["uuid"] = r.uuid;
  m["state"] = r.state();
  m["disabled"] = r.disabled;
  m["activated"] = r.activated;
  if (r.file) {
    common::Json f = {{"sha1", r.file->sha1}, {"size", r.file->size},
                      {"compression", r.file->compression}};
    if (!r.file->dataset_guid.empty()) f["dataset_guid"] = r.file->dataset_guid;
    m["files"] = common::Json::array({f});
  }
  if (!r.channels.empty()) m["channels"] = r.channels;
  return m;
}

std::vector<std::string> tag_search_strings(const common::Json* tags) {
  std::vector<std::string> out;
  if (tags == nullptr || !tags->is_object()) return out;
  for (auto it = tags->begin(); it != tags->end(); ++it) {
    std::string value;
    if (it->is_string()) value = it->get<std::string>();
    else if (!it->is_object() && !it->is_array() && !it->is_null()) value = common::dump_json(*it, -1);
    else if (it->is_array()) value = "";  // JS: String([..]) of an object value is not indexed
    if (value.size() > 100) value.clear();
    out.push_back(it.key() + "=" + value);
  }
  return out;
}

std::optional<std::int64_t> parse_iso_ms(const std::string& s) {
  std::size_t pos = 0;
  int year = 0, month = 1, day = 1;
  if (!digits(s, pos, 4, year)) return std::nullopt;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    if (!digits(s, pos, 2, month)) return std::nullopt;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      if (!digits(s, pos, 2, day)) return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == 'T') {
    ++pos;
    if (!parse_time_part(s, pos, ms)) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (!parse_zone(s, pos, offset)) return std::nullopt;
  std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400000LL + ms - offset;
}

std::string iso_from_ms(std::int64_t ms) {
  std::int64_t days = ms >= 0 ? ms / 86400000LL : (ms - 86399999LL) / 86400000LL;
  std::int64_t rem = ms - days * 86400000LL;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600000),
                static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                static_cast<long long>(rem % 1000));
  return buf;
}

}  // namespace imgapi::server
