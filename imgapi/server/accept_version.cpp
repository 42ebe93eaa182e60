#include <imgapi/server/accept_version.hpp>

#include <array>
#include <cctype>
#include <vector>

namespace imgapi::server {
namespace {

// A version bound: major, minor, patch, and 1 for a release / 0 for a prerelease, so
// "2.0.0-beta" sorts just below "2.0.0" as in semver.
using Tuple = std::array<long, 4>;

enum class Op { lt, le, gt, ge, eq };

struct Comparator {
  Op op;
  Tuple bound;
};

// A parsed partial version: each part is a number or absent (x, X, * or missing).
struct Partial {
  std::array<long, 3> part{0, 0, 0};
  int given = 0;  // how many leading parts are numbers (0..3)
  bool prerelease = false;
};

bool parse_number(const std::string& s, long& out) {
  if (s.empty() || s.size() > 9) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  out = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::optional<Partial> parse_partial(std::string s) {
  Partial p;
  if (!s.empty() && (s[0] == 'v' || s[0] == '=')) s.erase(0, 1);
  std::size_t plus = s.find('+');
  if (plus != std::string::npos) s.erase(plus);
  std::size_t dash = s.find('-');
  if (dash != std::string::npos) {
    if (dash + 1 == s.size()) return std::nullopt;
    p.prerelease = true;
    s.erase(dash);
  }
  if (s.empty()) return p;  // "" = "*"
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 3) return std::nullopt;
  bool wild = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part == "x" || part == "X" || part == "*") {
      wild = true;
      continue;
    }
    if (wild || !parse_number(part, p.part[i])) return std::nullopt;
    p.given = static_cast<int>(i) + 1;
  }
  if (p.prerelease && p.given != 3) return std::nullopt;
  return p;
}

Tuple low(const Partial& p) { return {p.part[0], p.part[1], p.part[2], p.prerelease ? 0 : 1}; }

// The first version above every version the partial covers ("1.2" -> 1.3.0-0).
Tuple next_after(const Partial& p) {
  if (p.given == 1) return {p.part[0] + 1, 0, 0, 0};
  return {p.part[0], p.part[1] + 1, 0, 0};
}

void add_x_range(std::vector<Comparator>& out, const Partial& p) {
  if (p.given == 0) return;
  if (p.given == 3) {
    out.push_back({Op::eq, low(p)});
    return;
  }
  out.push_back({Op::ge, low(p)});
  out.push_back({Op::lt, next_after(p)});
}

bool add_primitive(std::vector<Comparator>& out, Op op, const Partial& p) {
  if (p.given == 3 || (p.given == 0 && (op == Op::ge || op == Op::le || op == Op::eq))) {
    if (p.given == 0) return true;  // ">=*" and "<=*" match everything
    out.push_back({op, low(p)});
    return true;
  }
  if (p.given == 0) {  // ">*" and "<*" match nothing
    out.push_back({Op::lt, Tuple{0, 0, 0, 0}});
    return true;
  }
  switch (op) {
    case Op::eq: add_x_range(out, p); break;
    case Op::ge: out.push_back({Op::ge, low(p)}); break;
    case Op::lt: out.push_back({Op::lt, low(p)}); break;
    case Op::gt: out.push_back({Op::ge, next_after(p)}); break;
    case Op::le: out.push_back({Op::lt, next_after(p)}); break;
  }
  return true;
}

void add_tilde(std::vector<Comparator>& out, const Partial& p) {
  if (p.given == 0) return;
  out.push_back({Op::ge, low(p)});
  Partial upper = p;
  upper.given = p.given == 1 ? 1 : 2;
  out.push_back({Op::lt, next_after(upper)});
}

void add_caret(std::vector<Comparator>& out, const Partial& p) {
  if (p.given == 0) return;
  out.push_back({Op::ge, low(p)});
  if (p.part[0] != 0 || p.given == 1) {
    out.push_back({Op::lt, Tuple{p.part[0] + 1, 0, 0, 0}});
  } else if (p.part[1] != 0 || p.given == 2) {
    out.push_back({Op::lt, Tuple{0, p.part[1] + 1, 0, 0}});
  } else {
    out.push_back({Op::lt, Tuple{0, 0, p.part[2] + 1, 0}});
  }
}

bool add_token(std::vector<Comparator>& out, const std::string& token) {
  std::size_t n = 0;
  while (n < token.size() && std::string("<>=~^").find(token[n]) != std::string::npos) ++n;
  std::string op = token.substr(0, n);
  std::optional<Partial> p = parse_partial(token.substr(n));
  if (!p) return false;
  if (op.empty() || op == "=") {
    add_x_range(out, *p);
    return true;
  }
  if (op == "~" || op == "~>") {
    add_tilde(out, *p);
    return true;
  }
  if (op == "^") {
    add_caret(out, *p);
    return true;
  }
  if (op == "<") return add_primitive(out, Op::lt, *p);
  if (op == "<=") return add_primitive(out, Op::le, *p);
  if (op == ">") return add_primitive(out, Op::gt, *p);
  if (op == ">=") return add_primitive(out, Op::ge, *p);
  return false;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

// One "||" alternative: words ANDed; "A - B" is a hyphen range; an operator alone is
// joined with the next word (">= 1.2").
std::optional<std::vector<Comparator>> parse_set(const std::string& text) {
  std::vector<std::string> words = split_words(text);
  std::vector<Comparator> out;
  if (words.size() == 3 && words[1] == "-") {
    std::optional<Partial> a = parse_partial(words[0]);
    std::optional<Partial> b = parse_partial(words[2]);
    if (!a || !b) return std::nullopt;
    if (a->given > 0) out.push_back({Op::ge, low(*a)});
    if (b->given == 3) out.push_back({Op::le, low(*b)});
    else if (b->given > 0) out.push_back({Op::lt, next_after(*b)});
    return out;
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string token = words[i];
    bool only_op = token.find_first_not_of("<>=~^") == std::string::npos;
    if (only_op && i + 1 < words.size()) token += words[++i];
    if (!add_token(out, token)) return std::nullopt;
  }
  return out;
}

bool holds(const Comparator& c, const Tuple& v) {
  switch (c.op) {
    case Op::lt: return v < c.bound;
    case Op::le: return v <= c.bound;
    case Op::gt: return v > c.bound;
    case Op::ge: return v >= c.bound;
    case Op::eq: return v == c.bound;
  }
  return false;
}

}  // namespace

std::optional<bool> semver_satisfies(int major, int minor, int patch, const std::string& range) {
  if (range.size() > 256) return std::nullopt;
  Tuple version{major, minor, patch, 1};
  bool any = false;
  std::size_t start = 0;
  while (true) {
    std::size_t bar = range.find("||", start);
    std::string alt = range.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::optional<std::vector<Comparator>> set = parse_set(alt);
    if (!set) return std::nullopt;
    bool all = true;
    for (const Comparator& c : *set) all = all && holds(c, version);
    any = any || all;
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return any;
}

std::optional<ApiVersion> resolve_accept_version(const std::string* header) {
  std::string range = (header == nullptr || header->empty()) ? "~1" : *header;
  std::optional<bool> v2 = semver_satisfies(2, 0, 0, range);
  std::optional<bool> v1 = semver_satisfies(1, 0, 0, range);
  if (!v2 || !v1) return std::nullopt;
  if (*v2) return ApiVersion::v2;
  if (*v1) return ApiVersion::v1;
  return std::nullopt;
}

}  // namespace imgapi::server
