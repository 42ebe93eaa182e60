#include <imgapi/query.hpp>

#include <common/error.hpp>

#include <cctype>

namespace imgapi {
namespace {

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i] == '+' ? ' ' : text[i];
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static const char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (is_unreserved(u)) {
      out += c;
    } else {
      out += '%';
      out += k_hex[u >> 4];
      out += k_hex[u & 0x0f];
    }
  }
  return out;
}

Query& Query::add(std::string_view key, std::string_view value) {
  m_items.emplace_back(std::string(key), std::string(value));
  return *this;
}

Query& Query::add_if(std::string_view key, const std::optional<std::string>& value) {
  if (value) add(key, std::string_view(*value));
  return *this;
}

std::string Query::str() const {
  std::string out;
  for (const auto& [key, value] : m_items) {
    out += out.empty() ? '?' : '&';
    out += percent_encode(key) + '=' + percent_encode(value);
  }
  return out;
}

BaseUrl parse_base_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::string_view scheme = scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw common::Error(common::ExitCode::usage,
                        "IMGAPI URL \"" + std::string(url) + "\" must start with http:// or https://");
  }
  BaseUrl out;
  std::string_view rest = url;
  const auto question = url.find('?');
  if (question != std::string_view::npos) {
    rest = url.substr(0, question);
    std::string_view query = url.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (item.empty()) continue;
      if (item.substr(0, 8) != "channel=") {
        throw common::Error(common::ExitCode::usage,
                            "IMGAPI URL \"" + std::string(url) +
                                "\": only a \"channel\" query parameter is understood");
      }
      out.channel = percent_decode(item.substr(8));
    }
  }
  const auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.size() <= scheme_end + 3) {
    throw common::Error(common::ExitCode::usage, "IMGAPI URL \"" + std::string(url) + "\" has no host");
  }
  out.root = std::string(rest);
  return out;
}

}  // namespace imgapi
