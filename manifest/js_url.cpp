// A re-reading of node 20's lib/url.js Url.prototype.parse, limited to what decides
// imgmanifest's verdict on "homepage"/"eula": the protocol, and the host checks that make
// url.parse throw (which IMGAPI reports as an internal error; we report Invalid).
#include <manifest/js_url.hpp>

#include <manifest/js_value.hpp>

#include <string>

namespace manifest::js {

namespace {

bool is_url_space(char16_t c) { return c < 33 || c == 0xA0 || c == 0xFEFF; }

bool is_hex(char16_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char16_t c) {
  if (c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// decodeURIComponent throws URIError on a malformed escape or escaped bytes that are not
// UTF-8 (overlong forms and surrogates included).
bool uri_decodes(const std::u16string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    auto byte_at = [&](std::size_t at) -> int {
      if (at + 2 >= s.size()) return -1;
      if (s[at] != '%' || !is_hex(s[at + 1]) || !is_hex(s[at + 2])) return -1;
      return hex_value(s[at + 1]) * 16 + hex_value(s[at + 2]);
    };
    const int b = byte_at(i);
    if (b < 0) return false;
    i += 2;
    if (b < 0x80) continue;
    const int extra = (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) return false;
    char32_t cp = static_cast<char32_t>(b & (0x3F >> extra));
    for (int k = 0; k < extra; ++k) {
      const int c = byte_at(i + 1);
      if (c < 0 || (c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | static_cast<char32_t>(c & 0x3F);
      i += 3;
    }
    const char32_t min = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  }
  return true;
}

// url.parse's "rest": trimmed, and backslashes before the first '?' or '#' turned to '/'.
std::u16string trimmed_rest(const std::u16string& url) {
  std::size_t begin = 0;
  std::size_t end = url.size();
  while (begin < end && is_url_space(url[begin])) ++begin;
  while (end > begin && is_url_space(url[end - 1])) --end;
  std::u16string rest = url.substr(begin, end - begin);
  for (char16_t& c : rest) {
    if (c == '?' || c == '#') break;
    if (c == '\\') c = '/';
  }
  return rest;
}

bool is_protocol_char(char16_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '+' || c == '-';
}

UrlVerdict check_hostname(std::u16string hostname) {
  const bool ipv6 = !hostname.empty() && hostname.front() == '[' && hostname.back() == ']';
  if (!ipv6) {
    const std::size_t cut = hostname.find_first_of(u"/\\#?:");
    if (cut != std::u16string::npos) hostname.resize(cut);
  }
  if (hostname.empty() || hostname.size() > 255) return UrlVerdict::http;  // not checked
  if (ipv6) {
    return hostname.find_first_of(std::u16string(u"\0\t\n\r #%/<>?@\\^|", 15)) ==
                   std::u16string::npos
               ? UrlVerdict::http
               : UrlVerdict::throws;
  }
  for (std::size_t i = 0; i < hostname.size(); ++i) {
    const char16_t c = hostname[i];
    if (c >= 0x80) return UrlVerdict::needs_idna;
    const bool label_start = i == 0 || hostname[i - 1] == '.';
    if (label_start && hostname.size() - i >= 4 && (hostname[i] | 0x20) == 'x' &&
        (hostname[i + 1] | 0x20) == 'n' && hostname[i + 2] == '-' && hostname[i + 3] == '-') {
      return UrlVerdict::needs_idna;
    }
  }
  return hostname.find_first_of(u"[]") == std::u16string::npos ? UrlVerdict::http
                                                              : UrlVerdict::throws;
}

// The host part after the protocol: up to the first host-ending character, after the
// last '@' (whose left side must decode), without a trailing ":port".
UrlVerdict check_host(std::u16string rest) {
  std::size_t at_sign = std::u16string::npos;
  std::size_t non_host = std::u16string::npos;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char16_t c = rest[i];
    if (c == '\t' || c == '\n' || c == '\r') {
      rest.erase(i, 1);
      --i;
    } else if (std::u16string_view(u" \"%';<>\\^`{|}").find(c) != std::u16string_view::npos) {
      if (non_host == std::u16string::npos) non_host = i;
    } else if (c == '#' || c == '/' || c == '?') {
      if (non_host == std::u16string::npos) non_host = i;
      break;  // the host ends here
    } else if (c == '@') {
      at_sign = i;
      non_host = std::u16string::npos;
    }
  }
  std::size_t start = 0;
  if (at_sign != std::u16string::npos) {
    if (!uri_decodes(rest.substr(0, at_sign))) return UrlVerdict::throws;
    start = at_sign + 1;
  }
  std::u16string host = non_host == std::u16string::npos ? rest.substr(start)
                                                         : rest.substr(start, non_host - start);
  std::size_t port = host.size();
  while (port > 0 && host[port - 1] >= '0' && host[port - 1] <= '9') --port;
  if (port > 0 && host[port - 1] == ':') host.resize(port - 1);
  return check_hostname(host);
}

}  // namespace

UrlVerdict classify_url(std::string_view url) {
  const std::u16string rest = trimmed_rest(utf16(url));
  std::size_t colon = 0;
  while (colon < rest.size() && is_protocol_char(rest[colon])) ++colon;
  if (colon == 0 || colon >= rest.size() || rest[colon] != ':') return UrlVerdict::bad_protocol;
  std::u16string proto = rest.substr(0, colon + 1);
  std::u16string lower = proto;
  for (char16_t& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char16_t>(c + 32);
  }
  if (lower != u"http:" && lower != u"https:") return UrlVerdict::bad_protocol;
  std::u16string after = rest.substr(colon + 1);
  const bool slashes = after.size() >= 2 && after[0] == '/' && after[1] == '/';
  if (slashes) after.erase(0, 2);
  // Lower-case "http:"/"https:" are "slashed protocols": without "//" there is no host.
  // node looks the *original* spelling up, so "HTTP:x" does get a host.
  if (!slashes && proto == lower) return UrlVerdict::http;
  return check_host(after);
}

}  // namespace manifest::js
