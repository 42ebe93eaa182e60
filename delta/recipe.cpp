#include <delta/recipe.hpp>

#include <delta/gzip_header.hpp>

#include <common/error.hpp>

#include <array>
#include <set>
#include <utility>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;
using common::Json;

constexpr std::array<std::pair<RecipeKind, const char*>, 4> k_kinds{{
    {RecipeKind::none, "none"},
    {RecipeKind::gzip, "gzip"},
    {RecipeKind::pigz, "pigz"},
    {RecipeKind::bzip2, "bzip2"},
}};

constexpr std::array<std::pair<DeflateStrategy, const char*>, 5> k_strategies{{
    {DeflateStrategy::default_strategy, "default"},
    {DeflateStrategy::filtered, "filtered"},
    {DeflateStrategy::huffman_only, "huffman_only"},
    {DeflateStrategy::rle, "rle"},
    {DeflateStrategy::fixed, "fixed"},
}};

template <typename E, std::size_t N>
const char* name_in(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

[[noreturn]] void refuse(const std::string& what, const std::string& why) {
  throw Error(ExitCode::bad_data, what + ": " + why);
}

std::string to_hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Lower-case hex only: the canonical form has exactly one spelling.
std::string from_hex(const std::string& hex, const std::string& what) {
  if (hex.size() % 2 != 0) refuse(what, "\"header\" has an odd number of hex digits");
  std::string out;
  out.reserve(hex.size() / 2);
  const auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    refuse(what, "\"header\" is not lower-case hex");
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
  return out;
}

void check_range(const std::string& what, const char* field, int value, int low, int high) {
  if (value < low || value > high) {
    refuse(what, std::string("\"") + field + "\" is " + std::to_string(value) + ", outside " +
                     std::to_string(low) + ".." + std::to_string(high));
  }
}

// The fields each kind has, in canonical order.
std::vector<const char*> fields_of(RecipeKind kind) {
  switch (kind) {
    case RecipeKind::none: return {"kind"};
    case RecipeKind::gzip:
      return {"kind", "level", "window_bits", "mem_level", "strategy", "header"};
    case RecipeKind::pigz: return {"kind", "level", "block_kib", "header"};
    case RecipeKind::bzip2: return {"kind", "block_100k"};
  }
  return {"kind"};
}

int int_field(const Json& json, const char* field, const std::string& what) {
  const Json& v = json.at(field);
  // Integers only: 6.0, "6" and true are refused, and so is anything that does not fit
  // an int (checked before the conversion, which would otherwise wrap).
  if (!v.is_number_integer()) refuse(what, std::string("\"") + field + "\" is not an integer");
  if (v.is_number_unsigned()
          ? v.get<std::uint64_t>() > 1000000u
          : (v.get<std::int64_t>() > 1000000 || v.get<std::int64_t>() < -1000000)) {
    refuse(what, std::string("\"") + field + "\" is out of range");
  }
  return static_cast<int>(v.get<std::int64_t>());
}

std::string string_field(const Json& json, const char* field, const std::string& what) {
  const Json& v = json.at(field);
  if (!v.is_string()) refuse(what, std::string("\"") + field + "\" is not a string");
  return v.get<std::string>();
}

}  // namespace

bool Recipe::operator==(const Recipe& other) const {
  // Compare what the kind uses, so two recipes that print the same JSON are equal.
  return to_json(*this) == to_json(other);
}

std::string describe(const Recipe& recipe) {
  switch (recipe.kind) {
    case RecipeKind::none: return "none";
    case RecipeKind::gzip: {
      std::string s = "zlib-" + std::to_string(recipe.level);
      if (recipe.window_bits != 15 || recipe.mem_level != 8 ||
          recipe.strategy != DeflateStrategy::default_strategy) {
        s += " (window " + std::to_string(recipe.window_bits) + ", mem " +
             std::to_string(recipe.mem_level) + ", " + name_in(k_strategies, recipe.strategy) + ")";
      }
      return s;
    }
    case RecipeKind::pigz:
      return "pigz-" + std::to_string(recipe.level) + " (" + std::to_string(recipe.block_kib) +
             " KiB blocks)";
    case RecipeKind::bzip2: return "bzip2-" + std::to_string(recipe.block_100k);
  }
  return "?";
}

Json to_json(const Recipe& r) {
  Json j = Json::object();
  j["kind"] = name_in(k_kinds, r.kind);
  switch (r.kind) {
    case RecipeKind::none: break;
    case RecipeKind::gzip:
      j["level"] = r.level;
      j["window_bits"] = r.window_bits;
      j["mem_level"] = r.mem_level;
      j["strategy"] = name_in(k_strategies, r.strategy);
      j["header"] = to_hex(r.header);
      break;
    case RecipeKind::pigz:
      j["level"] = r.level;
      j["block_kib"] = r.block_kib;
      j["header"] = to_hex(r.header);
      break;
    case RecipeKind::bzip2: j["block_100k"] = r.block_100k; break;
  }
  return j;
}

void validate(const Recipe& r, const std::string& what) {
  switch (r.kind) {
    case RecipeKind::none: return;
    case RecipeKind::bzip2: check_range(what, "block_100k", r.block_100k, 1, 9); return;
    case RecipeKind::gzip:
      check_range(what, "window_bits", r.window_bits, 9, 15);
      check_range(what, "mem_level", r.mem_level, 1, 9);
      break;
    case RecipeKind::pigz:
      check_range(what, "block_kib", r.block_kib, k_min_pigz_block_kib, k_max_pigz_block_kib);
      break;
  }
  check_range(what, "level", r.level, 1, 9);
  if (r.header.size() > k_max_gzip_header) {
    refuse(what, "\"header\" is longer than " + std::to_string(k_max_gzip_header) + " bytes");
  }
  // The header must be exactly one complete gzip header: nothing missing, nothing after.
  const auto length = gzip_header_length(r.header, (what + ": \"header\"").c_str());
  if (!length || *length != r.header.size()) {
    refuse(what, "\"header\" is not exactly one gzip member header");
  }
}

Recipe recipe_from_json(const Json& json, const std::string& what) {
  if (!json.is_object()) refuse(what, "not a JSON object");
  if (!json.contains("kind")) refuse(what, "no \"kind\"");
  const std::string kind_name = string_field(json, "kind", what);
  Recipe r;
  bool known = false;
  for (const auto& [kind, name] : k_kinds) {
    if (kind_name == name) {
      r.kind = kind;
      known = true;
    }
  }
  if (!known) {
    refuse(what, "unknown kind \"" + kind_name + "\" (this program knows none, gzip, pigz, bzip2)");
  }
  const std::vector<const char*> fields = fields_of(r.kind);
  const std::set<std::string> allowed(fields.begin(), fields.end());
  for (const auto& item : json.items()) {
    if (!allowed.count(item.key())) {
      refuse(what, "unknown field \"" + item.key() + "\" for kind \"" + kind_name + "\"");
    }
  }
  for (const char* field : fields) {
    if (!json.contains(field)) refuse(what, std::string("missing \"") + field + "\"");
  }
  if (allowed.count("level")) r.level = int_field(json, "level", what);
  if (allowed.count("window_bits")) r.window_bits = int_field(json, "window_bits", what);
  if (allowed.count("mem_level")) r.mem_level = int_field(json, "mem_level", what);
  if (allowed.count("block_kib")) r.block_kib = int_field(json, "block_kib", what);
  if (allowed.count("block_100k")) r.block_100k = int_field(json, "block_100k", what);
  if (allowed.count("strategy")) {
    const std::string name = string_field(json, "strategy", what);
    bool found = false;
    for (const auto& [strategy, sname] : k_strategies) {
      if (name == sname) {
        r.strategy = strategy;
        found = true;
      }
    }
    if (!found) refuse(what, "unknown strategy \"" + name + "\"");
  }
  if (allowed.count("header")) {
    const std::string hex = string_field(json, "header", what);
    if (hex.size() > 2 * k_max_gzip_header) {
      refuse(what, "\"header\" is longer than " + std::to_string(k_max_gzip_header) + " bytes");
    }
    r.header = from_hex(hex, what);
  }
  validate(r, what);
  return r;
}

}  // namespace delta
