// Bounded JSON parsing: a cheap pre-scan refuses oversized and over-nested texts before
// nlohmann builds anything, then nlohmann's (non-recursive) parser does the real work.
#include <common/json.hpp>

#include <common/error.hpp>

#include <string>

namespace common {

namespace {

// nlohmann messages read "[json.exception.parse_error.101] parse error at line 1,
// column 5: syntax error while parsing value - invalid literal; last read: 'tru'".
// Users need the part after the position; the byte offset is reported separately.
std::string parse_error_detail(const std::string& message) {
  std::string detail = message;
  const std::string::size_type bracket = detail.find("] ");
  if (bracket != std::string::npos) detail.erase(0, bracket + 2);
  const std::string::size_type colon = detail.find(": ");
  if (detail.rfind("parse error", 0) == 0 && colon != std::string::npos) {
    detail.erase(0, colon + 2);
  }
  return detail;
}

}  // namespace

int json_nesting_depth(std::string_view text, int limit, std::size_t* at) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (depth > limit) {
        if (at != nullptr) *at = i;
        return depth;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Json parse_json(std::string_view text, const std::string& what, int max_depth,
                std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    throw Error(ExitCode::bad_data, what + ": invalid JSON: text is " +
                                        std::to_string(text.size()) +
                                        " bytes, more than the limit of " +
                                        std::to_string(max_bytes));
  }
  // nlohmann's lexer takes a NUL byte for the end of input and would ignore whatever
  // follows it; JSON never contains a raw NUL (not even inside strings), so refuse it.
  const std::size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    throw Error(ExitCode::bad_data,
                what + ": invalid JSON: NUL byte at byte " + std::to_string(nul));
  }
  std::size_t at = 0;
  if (json_nesting_depth(text, max_depth, &at) > max_depth) {
    throw Error(ExitCode::bad_data, what + ": invalid JSON: nested deeper than " +
                                        std::to_string(max_depth) + " levels at byte " +
                                        std::to_string(at));
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ExitCode::bad_data, what + ": invalid JSON: " + parse_error_detail(e.what()) +
                                        " at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::exception& e) {
    // Other nlohmann failures while parsing (e.g. a number out of range).
    throw Error(ExitCode::bad_data, what + ": invalid JSON: " + parse_error_detail(e.what()));
  }
}

std::string dump_json(const Json& j, int indent) {
  try {
    return j.dump(indent);
  } catch (const nlohmann::json::type_error& e) {
    throw Error(ExitCode::bad_data,
                "cannot print JSON: " + parse_error_detail(e.what()) +
                    "; a string value is not valid UTF-8");
  }
}

}  // namespace common
