// JavaScript conversions (ECMA-262 ToNumber, ToString, ToBoolean, JSON.stringify) on
// JSON values, so the validator reaches the same verdicts as node-imgmanifest.
#include <manifest/js_value.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace manifest::js {

namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// StrWhiteSpaceChar: WhiteSpace and LineTerminator code points (ECMA-262 7.2, 7.3).
bool is_js_space(char16_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

int digit_value(char16_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// 0x1F, 0o17, 0b101: no sign, at least one digit, nothing else.
double non_decimal_integer(std::u16string_view s, int radix) {
  if (s.size() < 3) return k_nan;
  double value = 0;
  for (std::size_t i = 2; i < s.size(); ++i) {
    const int d = digit_value(s[i]);
    if (d >= radix) return k_nan;
    value = value * radix + d;
  }
  return value;
}

// StrUnsignedDecimalLiteral: digits [. digits] [e[+-]digits], at least one mantissa
// digit. Grammar checked here; the value is computed by strtod on the ASCII copy.
double unsigned_decimal(std::u16string_view s) {
  if (s == u"Infinity") return std::numeric_limits<double>::infinity();
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return k_nan;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == exp_start) return k_nan;
  }
  if (i != s.size()) return k_nan;
  const std::string ascii(s.begin(), s.end());
  return std::strtod(ascii.c_str(), nullptr);
}

void append_join(const Json& v, std::string& out);

void append_string_form(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::string: out += v.get_ref<const std::string&>(); break;
    case Json::value_t::array: append_join(v, out); break;
    case Json::value_t::object: out += "[object Object]"; break;
    default: out += number_to_string(v.get<double>()); break;
  }
}

// Array.prototype.join(","): null (and undefined) elements print as "".
void append_join(const Json& v, std::string& out) {
  bool first = true;
  for (const Json& e : v) {
    if (!first) out += ',';
    first = false;
    if (!e.is_null()) append_string_form(e, out);
  }
}

std::size_t quoted_length(std::string_view utf8) {
  std::size_t n = 2;
  for (char16_t c : utf16(utf8)) {
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
        c == '\t') {
      n += 2;
    } else if (c < 0x20) {
      n += 6;  // \u00XX
    } else {
      n += 1;
    }
  }
  return n;
}

}  // namespace

std::string type_of(const Json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  return "object";
}

bool truthy(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return v.get<bool>();
    case Json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return true;
    default: {
      const double d = v.get<double>();
      return d != 0 && !std::isnan(d);
    }
  }
}

double to_number(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return 0;
    case Json::value_t::boolean: return v.get<bool>() ? 1 : 0;
    case Json::value_t::string: return string_to_number(utf16(v.get_ref<const std::string&>()));
    case Json::value_t::array: return string_to_number(utf16(to_string(v)));
    case Json::value_t::object: return k_nan;
    default: return v.get<double>();
  }
}

std::string to_string(const Json& v) {
  std::string out;
  append_string_form(v, out);
  return out;
}

double string_to_number(std::u16string_view s) {
  while (!s.empty() && is_js_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_js_space(s.back())) s.remove_suffix(1);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    const char16_t p = s[1];
    if (p == 'x' || p == 'X') return non_decimal_integer(s, 16);
    if (p == 'o' || p == 'O') return non_decimal_integer(s, 8);
    if (p == 'b' || p == 'B') return non_decimal_integer(s, 2);
  }
  if (s[0] == '-') return -unsigned_decimal(s.substr(1));
  if (s[0] == '+') return unsigned_decimal(s.substr(1));
  return unsigned_decimal(s);
}

std::string number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (d == 0) return "0";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d < 0) return "-" + number_to_string(-d);
  // Shortest digit string k that reads back as d (ECMA-262 Number::toString step 5).
  char buf[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string digits;
  const char* p = buf;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits += *p;
  }
  const int n = std::atoi(p + 1) + 1;  // d = 0.digits * 10^n
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size());
  if (k <= n && n <= 21) return digits + std::string(static_cast<std::size_t>(n - k), '0');
  if (0 < n && n <= 21) return digits.substr(0, static_cast<std::size_t>(n)) + "." +
                               digits.substr(static_cast<std::size_t>(n));
  if (-6 < n && n <= 0) return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  const int e = n - 1;
  const std::string exponent = std::string(e < 0 ? "e-" : "e+") + std::to_string(std::abs(e));
  if (k == 1) return digits + exponent;
  return digits.substr(0, 1) + "." + digits.substr(1) + exponent;
}

std::u16string utf16(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (i + len > utf8.size()) len = utf8.size() - i;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t j = 1; j < len; ++j) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + j]) & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += len;
  }
  return out;
}

std::size_t utf16_length(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) n += 1;  // a lead byte starts a code point
    if (b >= 0xF0) n += 1;           // 4-byte sequences are surrogate pairs
  }
  return n;
}

std::optional<bool> length_exceeds(const Json& v, double limit) {
  switch (v.type()) {
    case Json::value_t::null: return std::nullopt;
    case Json::value_t::string:
      return static_cast<double>(utf16_length(v.get_ref<const std::string&>())) > limit;
    case Json::value_t::array: return static_cast<double>(v.size()) > limit;
    case Json::value_t::object: {
      const auto it = v.find("length");
      return it != v.end() && to_number(*it) > limit;
    }
    default: return false;  // (5).length and (true).length are undefined
  }
}

std::size_t stringify_length(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return 4;
    case Json::value_t::boolean: return v.get<bool>() ? 4 : 5;
    case Json::value_t::string: return quoted_length(v.get_ref<const std::string&>());
    case Json::value_t::array: {
      std::size_t n = 2 + (v.empty() ? 0 : v.size() - 1);
      for (const Json& e : v) n += stringify_length(e);
      return n;
    }
    case Json::value_t::object: {
      std::size_t n = 2 + (v.empty() ? 0 : v.size() - 1);
      for (const auto& item : v.items()) {
        n += quoted_length(item.key()) + 1 + stringify_length(item.value());
      }
      return n;
    }
    default: {
      const double d = v.get<double>();
      return std::isfinite(d) ? number_to_string(d).size() : 4;
    }
  }
}

bool is_integral_number(const Json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

}  // namespace manifest::js
