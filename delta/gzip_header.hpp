#pragma once
// The gzip member header (RFC 1952 section 2.3): ID1 ID2 CM FLG MTIME(4) XFL OS, then
// the optional FEXTRA, FNAME, FCOMMENT and FHCRC parts. Recipes copy the header bytes
// verbatim, so all we need is where it ends, checked strictly: hostile input must not make
// us accept something gzip itself would refuse, nor read past a bound.

#include <cstddef>
#include <optional>
#include <string_view>

namespace delta {

// The length of the gzip header at the start of `bytes`, or nullopt when `bytes` ends
// inside it (read more, up to k_max_gzip_header, and ask again). Throws
// common::Error(bad_data) naming `what` when the bytes are not a gzip header: wrong magic,
// a method other than deflate (8), reserved flag bits set, or a header longer than
// k_max_gzip_header (recipe.hpp) bytes.
std::optional<std::size_t> gzip_header_length(std::string_view bytes, const char* what);

}  // namespace delta
