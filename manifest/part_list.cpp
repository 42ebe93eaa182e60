// The part list of a split bundle (docs/bundle-format.md §7). Part names are not taken from
// the file: they must be exactly the names this program would give the parts, so a hostile
// list cannot point a reader at "../x" or "/etc/passwd".
#include <manifest/part_list.hpp>

#include <common/error.hpp>
#include <manifest/image_manifest.hpp>
#include <manifest/json_fields.hpp>

#include <cstdio>

namespace manifest {

namespace {

using common::Error;
using common::ExitCode;
using common::Json;
using fields::Reader;

constexpr std::size_t k_max_bytes = 1u << 20;
constexpr int k_max_depth = 16;

bool is_safe_basename(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 255) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '/' || c == '\\') return false;
  }
  return true;
}

BundlePart read_part(const Reader& r, const Json& p, const std::string& path,
                     std::string_view bundle_name, std::size_t number) {
  r.expect_object(p, path);
  BundlePart out;
  out.name = r.string(p, "name", path);
  const std::string expected = part_name(bundle_name, number);
  if (out.name != expected) {
    r.fail(ExitCode::bundle_unsafe, path + ".name",
           fields::quote(out.name) + " is not the expected part name \"" + expected + "\"");
  }
  out.size = r.uint(p, "size", path);
  if (out.size > k_max_part_size) {
    r.fail(ExitCode::bundle_too_large, path + ".size",
           std::to_string(out.size) + " bytes; parts must be smaller than 4 GiB (FAT32)");
  }
  if (out.size == 0) r.fail(path + ".size", "a part must not be empty");
  out.sha256 = r.string(p, "sha256", path);
  if (!fields::is_lower_hex(out.sha256, 64)) {
    r.fail(path + ".sha256", fields::quote(out.sha256) + " is not 64 lower-case hex digits");
  }
  return out;
}

// Every part but the last has the split size; the last is not larger; the sizes add up.
void check_sizes(const Reader& r, const PartList& list) {
  const std::uint64_t split = list.parts.front().size;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < list.parts.size(); ++i) {
    const std::uint64_t size = list.parts[i].size;
    const bool last = i + 1 == list.parts.size();
    if ((!last && size != split) || (last && size > split)) {
      r.fail(fields::index("parts", i) + ".size",
             std::to_string(size) + " bytes; every part but the last must have the split size (" +
                 std::to_string(split) + ") and the last must not be larger");
    }
    total += size;  // at most 999 * 4 GiB: no overflow
  }
  if (total != list.bundle_size) {
    r.fail("bundle_size", "the parts add up to " + std::to_string(total) + " bytes, not " +
                              std::to_string(list.bundle_size));
  }
}

}  // namespace

PartList PartList::parse(std::string_view bytes, std::string_view bundle_name) {
  Reader r("part list", ExitCode::bundle_corrupt);
  r.set_too_many_code(ExitCode::bundle_too_large);
  if (!is_safe_basename(bundle_name)) {
    throw Error(ExitCode::bundle_unsafe,
                "part list: bundle name " + fields::quote(bundle_name) + " is not a file name");
  }
  if (bytes.size() > k_max_bytes) {
    r.fail(ExitCode::bundle_too_large, "",
           std::to_string(bytes.size()) + " bytes, more than the 1 MiB limit");
  }
  const Json j = r.parse_object(bytes, k_max_depth, k_max_bytes);
  PartList out;
  if (r.string(j, "format", "") != k_parts_format) {
    r.fail("format", std::string("is not \"") + k_parts_format + "\"; this is not a part list");
  }
  const std::int64_t version = r.int64(j, "format_version", "");
  if (version > k_parts_format_version) {
    r.fail(ExitCode::bundle_unsupported, "",
           "part list format version " + std::to_string(version) +
               " is newer than this program understands (1); use a newer "
               "sdcadm-install/sdcadm-bundle");
  }
  if (version < 1) r.fail("format_version", "must be 1 or more");
  out.format_version = static_cast<int>(version);
  out.bundle_id = r.string(j, "bundle_id", "");
  if (!is_uuid(out.bundle_id)) r.fail("bundle_id", "is not a lower-case UUID");
  out.bundle_size = r.uint(j, "bundle_size", "");
  out.bundle_json_sha256 = r.string(j, "bundle_json_sha256", "");
  if (!fields::is_lower_hex(out.bundle_json_sha256, 64)) {
    r.fail("bundle_json_sha256", "is not 64 lower-case hex digits");
  }
  const Json* parts = r.array(j, "parts", "", k_max_parts);
  if (parts->empty()) r.fail("parts", "must list at least one part");
  for (std::size_t i = 0; i < parts->size(); ++i) {
    out.parts.push_back(
        read_part(r, (*parts)[i], fields::index("parts", i), bundle_name, i + 1));
  }
  check_sizes(r, out);
  out.unknown = fields::unknown_keys(
      j, {"format", "format_version", "bundle_id", "bundle_size", "bundle_json_sha256", "parts"});
  return out;
}

std::string PartList::serialize() const {
  Json j = Json::object();
  j["format"] = k_parts_format;
  j["format_version"] = format_version;
  j["bundle_id"] = bundle_id;
  j["bundle_size"] = bundle_size;
  j["bundle_json_sha256"] = bundle_json_sha256;
  Json list = Json::array();
  for (const auto& p : parts) {
    list.push_back(Json::object({{"name", p.name}, {"size", p.size}, {"sha256", p.sha256}}));
  }
  j["parts"] = std::move(list);
  fields::append_unknown(j, unknown);
  return common::dump_json(j) + "\n";
}

std::string part_name(std::string_view bundle_name, std::size_t number) {
  if (number < 1 || number > k_max_parts) {
    throw Error(ExitCode::internal, "part_name: part number " + std::to_string(number) +
                                        " is outside 1..999");
  }
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, ".%03zu", number);
  return std::string(bundle_name) + suffix;
}

std::string bundle_name_from_parts_path(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  constexpr std::string_view k_suffix = ".parts.json";
  if (base.size() <= k_suffix.size() || base.substr(base.size() - k_suffix.size()) != k_suffix) {
    return {};
  }
  return std::string(base.substr(0, base.size() - k_suffix.size()));
}

}  // namespace manifest
