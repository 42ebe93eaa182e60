#pragma once
// JavaScript's view of a JSON value, for manifest/validate*.cpp only. node-imgmanifest
// checks fields with JS operators (truthiness, Number(), String(), .length, typeof,
// JSON.stringify().length); to give the same verdicts we apply the same conversions to
// the value JSON.parse would have produced. All lengths are in UTF-16 code units, as
// JavaScript counts them.

#include <common/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace manifest::js {

using common::Json;

// `typeof v`: "object" for null, arrays and objects; "boolean", "number", "string".
std::string type_of(const Json& v);

// ToBoolean(v): false for null, false, 0, -0 and ""; true otherwise.
bool truthy(const Json& v);

// Number(v) (ToNumber after ToPrimitive): null -> 0, booleans -> 0/1, strings by
// StringToNumber, arrays via their String() form, objects -> NaN.
double to_number(const Json& v);

// String(v): null -> "null", numbers as JS prints them, arrays joined with "," (null
// elements -> ""), objects -> "[object Object]".
std::string to_string(const Json& v);

// JS StringToNumber on UTF-16 text: trims JS white space, "" -> 0, decimal literals,
// Infinity, 0x/0o/0b integers; anything else NaN.
double string_to_number(std::u16string_view s);

// JS Number.prototype.toString() for a double (shortest round-trip digits).
std::string number_to_string(double d);

// UTF-8 to UTF-16 (the input is valid UTF-8: it came through nlohmann's parser).
std::u16string utf16(std::string_view utf8);
std::size_t utf16_length(std::string_view utf8);

// `v.length` compared with `> limit`, as the JS does it (`x.length > MAX`): strings by
// UTF-16 length, arrays by size, objects by Number(their "length" key), numbers and
// booleans never. Returns nullopt when `v` is null (reading .length of null throws).
std::optional<bool> length_exceeds(const Json& v, double limit);

// JSON.stringify(v).length: the compact JS serialization's length in UTF-16 units.
std::size_t stringify_length(const Json& v);

// `v` is a JSON number holding an integral value (n % 1 === 0 in JS).
bool is_integral_number(const Json& v);

}  // namespace manifest::js
