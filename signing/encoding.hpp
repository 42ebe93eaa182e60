#pragma once
// Byte encodings the signing files use: strict base64 (signatures and public keys in JSON)
// and lower-case hex key ids. Strict means one text per byte string: standard alphabet,
// '=' padding required, no whitespace, zero unused bits, so a signature document cannot
// carry the same signature under two spellings.

#include <optional>
#include <string>
#include <string_view>

namespace signing {

// Standard base64 with padding.
std::string encode_base64(std::string_view bytes);

// The bytes of a strict base64 text; nullopt for anything else (bad character, missing
// or extra padding, non-zero unused bits, whitespace).
std::optional<std::string> decode_base64(std::string_view text);

// Lower-case hex of `bytes`.
std::string encode_hex(std::string_view bytes);

// True when `text` is exactly 64 lower-case hex digits (a SHA-256, a key id).
bool is_sha256_hex(std::string_view text);

// SHA-256 of `bytes`, lower-case hex.
std::string sha256_hex(std::string_view bytes);

}  // namespace signing
