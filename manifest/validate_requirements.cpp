// The "requirements" rule. node-imgmanifest copies the value with Object.keys (so a
// string or array becomes an object keyed "0", "1", ...), checks and removes each known
// key, and reports every key left over under its own name (e.g. field "foo", not
// "requirements.foo"). Known keys are only checked when truthy.
#include <manifest/validate_rules.hpp>

#include <manifest/js_value.hpp>

#include <algorithm>
#include <array>

namespace manifest::rules {

namespace {

constexpr std::array<const char*, 8> k_known = {"networks",     "brand",        "ssh_key",
                                                "min_ram",      "max_ram",      "min_platform",
                                                "max_platform", "bootrom"};

constexpr std::size_t k_max_index_keys = 100;

enum class PlatformCheck { valid, invalid, throws };

double number_at(const std::u16string& s, std::size_t pos, std::size_t len) {
  return js::string_to_number(std::u16string_view(s).substr(pos, len));
}

// validPlatformVersion(): "YYYYMMDDTHHMMSSZ", year >= 2012, checked field by field with
// Number(), where NaN passes every comparison (as in the JS).
PlatformCheck platform_version(const Json& v) {
  if (v.is_null()) return PlatformCheck::throws;  // null.length
  if (v.is_array()) return v.size() == 16 ? PlatformCheck::throws : PlatformCheck::invalid;
  if (v.is_object()) {
    const Json* len = member(v, "length");
    const bool sixteen = len != nullptr && len->is_number() && len->get<double>() == 16;
    return sixteen ? PlatformCheck::throws : PlatformCheck::invalid;  // .substr is missing
  }
  if (!v.is_string()) return PlatformCheck::invalid;
  const std::u16string s = js::utf16(v.get_ref<const std::string&>());
  if (s.size() != 16) return PlatformCheck::invalid;
  const double month = number_at(s, 4, 2);
  const double day = number_at(s, 6, 2);
  const bool bad = number_at(s, 0, 4) < 2012 || month > 12 || month == 0 || day > 31 ||
                   day == 0 || s[8] != 'T' || number_at(s, 9, 2) > 23 ||
                   number_at(s, 11, 2) > 59 || number_at(s, 13, 2) > 59 || s[15] != 'Z';
  return bad ? PlatformCheck::invalid : PlatformCheck::valid;
}

void platform(Context& c, const Json& reqs, const char* key) {
  const Json* it = member(reqs, key);
  if (it == nullptr || !js::truthy(*it)) return;
  const std::string field = std::string("requirements.") + key;
  if (js::type_of(*it) != "object" || it->empty()) {
    return c.invalid(field, "invalid image \"" + field +
                                "\" (must be a non-empty object like {\"7.0\": "
                                "\"20130308T102805Z\"}): " + show(*it));
  }
  for (const auto& item : it->items()) {
    if (platform_version(item.value()) != PlatformCheck::valid) {
      c.invalid(field, "invalid image \"" + field + "\" entry: \"" + item.key() + ": " +
                           show(item.value()) + "\" is not a platform version YYYYMMDDTHHMMSSZ");
    }
  }
}

void networks(Context& c, const Json& n) {
  if (!n.is_array()) {
    return c.invalid("requirements.networks",
                     "invalid image \"requirements.networks\" (not an array): " + show(n));
  }
  for (const Json& net : n) {
    const bool ok = net.is_object() && net.contains("name") && net.contains("description") &&
                    net.size() == 2;
    if (!ok) {
      c.invalid("requirements.networks",
                "invalid image \"requirements.networks\" entry (must be {\"name\": ..., "
                "\"description\": ...}): " + show(net));
    }
  }
}

// min_ram/max_ram must be integral numbers (negatives pass, as in the JS) and min <= max.
void ram(Context& c, const Json& reqs) {
  double limits[2] = {0, 0};
  const char* keys[2] = {"min_ram", "max_ram"};
  for (int i = 0; i < 2; ++i) {
    const Json* it = member(reqs, keys[i]);
    if (it == nullptr || !js::truthy(*it)) continue;
    if (!js::is_integral_number(*it)) {
      c.invalid(std::string("requirements.") + keys[i],
                std::string("invalid image \"requirements.") + keys[i] +
                    "\" (not an integer number of MiB): " + show(*it));
    } else {
      limits[i] = it->get<double>();
    }
  }
  if (limits[0] != 0 && limits[1] != 0 && limits[1] - limits[0] < 0) {
    c.invalid("requirements.max_ram", "min_ram must be <= max_ram, but: min_ram=" +
                                          js::number_to_string(limits[0]) +
                                          ", max_ram=" + js::number_to_string(limits[1]));
  }
}

void bootrom(Context& c, const Json& reqs) {
  const Json* it = member(reqs, "bootrom");
  if (it == nullptr || !js::truthy(*it)) return;
  const Json* brand = member(reqs, "brand");
  if (brand == nullptr || !js::truthy(*brand)) {
    return c.missing("requirements.bootrom",
                     "\"requirements.bootrom\" requires \"requirements.brand\" to be \"bhyve\"");
  }
  if (!(brand->is_string() && *brand == "bhyve")) {
    return c.invalid("requirements.bootrom", "\"requirements.bootrom\" is not supported with brand " +
                                                 show(*brand) + "; the brand must be \"bhyve\"");
  }
  if (!(it->is_string() && (*it == "bios" || *it == "uefi"))) {
    c.invalid("requirements.bootrom",
              "invalid \"requirements.bootrom\" " + show(*it) + "; must be one of: bios, uefi");
  }
}

void check_known(Context& c, const Json& reqs) {
  const Json* net = member(reqs, "networks");
  if (net != nullptr && js::truthy(*net)) networks(c, *net);
  const Json* brand = member(reqs, "brand");
  if (brand != nullptr && js::truthy(*brand) && !brand->is_string()) {
    c.invalid("requirements.brand", "invalid image \"requirements.brand\" (not a string): " +
                                        show(*brand));
  }
  const Json* ssh_key = member(reqs, "ssh_key");
  if (ssh_key != nullptr && js::truthy(*ssh_key) && !ssh_key->is_boolean()) {
    c.invalid("requirements.ssh_key", "invalid image \"requirements.ssh_key\" (not a boolean): " +
                                          show(*ssh_key));
  }
  ram(c, reqs);
  platform(c, reqs, "min_platform");
  platform(c, reqs, "max_platform");
  bootrom(c, reqs);
}

void unknown_key(Context& c, const std::string& key) {
  c.invalid(key, "unsupported requirement \"" + key + "\" (allowed: networks, brand, ssh_key, "
                 "min_ram, max_ram, min_platform, max_platform, bootrom)");
}

}  // namespace

void requirements(Context& c) {
  const Json* x = c.get("requirements");
  if (x == nullptr) return c.missing("requirements");
  if (x->is_null()) return c.invalid("requirements", "invalid image \"requirements\" (null, not an object)");
  if (x->is_object()) {
    check_known(c, *x);
    for (const auto& item : x->items()) {
      const bool known = std::find_if(k_known.begin(), k_known.end(), [&](const char* k) {
                           return item.key() == k;
                         }) != k_known.end();
      if (!known) unknown_key(c, item.key());
    }
    return;
  }
  // Object.keys() of an array or string: one key per element / UTF-16 code unit. The JS
  // reports every one; past k_max_index_keys we summarize (a 16 MiB string would
  // otherwise give 16 million errors).
  std::size_t count = 0;
  if (x->is_array()) count = x->size();
  if (x->is_string()) count = js::utf16_length(x->get_ref<const std::string&>());
  for (std::size_t i = 0; i < count && i < k_max_index_keys; ++i) unknown_key(c, std::to_string(i));
  if (count > k_max_index_keys) {
    c.invalid("requirements", "invalid image \"requirements\" (not an object; " +
                                  std::to_string(count - k_max_index_keys) +
                                  " more unsupported keys not listed)");
  }
}

}  // namespace manifest::rules
