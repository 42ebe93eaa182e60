#include "roff.hpp"

namespace cli_docs {

std::string roff_text(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    switch (c) {
      case '\\': out += "\\e"; break;
      case '-': out += "\\-"; break;
      default: out += c;
    }
  }
  return out;
}

std::string roff_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : roff_text(text)) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

}  // namespace cli_docs
