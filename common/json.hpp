#pragma once
// Bounded JSON parsing and IMGAPI-style printing. Every JSON text this project reads
// (manifests, server replies, bundle indexes, state files) is hostile input: parse_json
// refuses texts that are too large or nested too deeply *before* building anything, so
// a crafted "[[[[..." cannot exhaust the stack or memory, and every refusal is a
// common::Error(bad_data) that names the input and the byte where it went wrong.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace common {

// An ordered JSON value: objects keep their keys in the order received (like a
// JavaScript object built by JSON.parse), so re-serialized manifests keep their shape.
using Json = nlohmann::ordered_json;

// Parses `text` as one JSON value (surrounding whitespace allowed, nothing else).
// `what` names the input in messages ("manifest /usbkey/images/U.imgmanifest").
// Throws Error(bad_data) with messages of the form
//   "<what>: invalid JSON: <detail> at byte N"
//   "<what>: invalid JSON: nested deeper than D levels at byte N"
//   "<what>: invalid JSON: text is N bytes, more than the limit of M"
// Invalid UTF-8 inside strings, trailing garbage, truncation and empty input are errors.
Json parse_json(std::string_view text, const std::string& what, int max_depth = 64,
                std::size_t max_bytes = 16u << 20);

// Prints `j` the way IMGAPI does (JSON.stringify(j, null, 2)): 2-space indent, keys in
// their stored order, non-ASCII left as UTF-8. indent = -1 gives the compact form.
// Throws Error(bad_data) if a string holds invalid UTF-8 (only possible for values built
// in code, never for values that came from parse_json).
std::string dump_json(const Json& j, int indent = 2);

// The deepest nesting of arrays/objects in `text`, counted without parsing (strings and
// escapes are skipped). Stops counting and returns as soon as `limit` is exceeded, with
// `*at` set to the byte offset of the bracket that crossed it. Exposed for tests.
int json_nesting_depth(std::string_view text, int limit, std::size_t* at = nullptr);

}  // namespace common
