#include <delta/compression.hpp>

#include <common/error.hpp>

namespace delta {

Compression compression_from_name(std::string_view name) {
  if (name == "none") return Compression::none;
  if (name == "gzip") return Compression::gzip;
  if (name == "bzip2") return Compression::bzip2;
  if (name == "xz") return Compression::xz;
  throw common::Error(common::ExitCode::bad_data,
                      "unknown image file compression \"" + std::string(name) +
                          "\" (IMGAPI names none, gzip, bzip2 and xz)");
}

std::string name_of(Compression compression) {
  switch (compression) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::bzip2: return "bzip2";
    case Compression::xz: return "xz";
  }
  return "none";
}

}  // namespace delta
