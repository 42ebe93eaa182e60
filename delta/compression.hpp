#pragma once
// The compressions an image file can have, as IMGAPI names them in files[0].compression
// (reference/imgapi.md; imgadm accepts "none", "bzip2", "gzip", "xz":
// TritonDataCenter/eng:tools/buildimage/lib/imgadm/lib/common.js:56).

#include <string>
#include <string_view>

namespace delta {

enum class Compression { none, gzip, bzip2, xz };

// "none", "gzip", "bzip2", "xz" -> the enum. Throws common::Error(bad_data) naming the value
// otherwise.
Compression compression_from_name(std::string_view name);

std::string name_of(Compression compression);

}  // namespace delta
