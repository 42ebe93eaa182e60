#include <bundles/signature_slot.hpp>

#include <bundles/format.hpp>
#include <bundles/le_bytes.hpp>
#include <bundles/positional_file.hpp>
#include <bundles/seek_table.hpp>
#include <bundles/tar_header.hpp>
#include <common/error.hpp>


namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// Frame_Header_Descriptor: Frame_Content_Size_flag = 2 (4-byte field), Single_Segment_flag
// set (no window descriptor), no checksum, no dictionary.
constexpr unsigned char k_descriptor = 0xA0;

std::string make_prefix() {
  std::string out;
  le::put_u32(out, format::k_zstd_frame_magic);
  out.push_back(static_cast<char>(k_descriptor));
  le::put_u32(out, static_cast<std::uint32_t>(format::k_signature_frame_content));
  // Block_Header: Last_Block = 1, Block_Type = 0 (raw), Block_Size = content size.
  const auto block = static_cast<std::uint32_t>(format::k_signature_frame_content << 3 | 1);
  out.push_back(static_cast<char>(block & 0xFF));
  out.push_back(static_cast<char>((block >> 8) & 0xFF));
  out.push_back(static_cast<char>((block >> 16) & 0xFF));
  return out;
}

// Offset of the slot's JSON in the file, after checking that frame 1 is a signature
// slot: the frame prefix every slot has, and a tar header for bundle.sig of 65536 bytes.
std::uint64_t locate_slot(const PositionalFile& file) {
  const SeekTable table = read_seek_table(file.fd(), file.size(), file.path());
  const SeekEntry& frame = table.entries[format::k_member_index_sig];
  std::string head(signature_frame_prefix().size() + format::k_tar_block, '\0');
  file.read_at(head.data(), head.size(), frame.offset);
  const std::string_view view(head);
  const std::string_view tar = view.substr(signature_frame_prefix().size());
  const std::string_view name = tar.substr(0, format::k_signature_name.size() + 1);
  if (view.substr(0, signature_frame_prefix().size()) != signature_frame_prefix() ||
      name != std::string(format::k_signature_name) + '\0' ||
      tar_header_size(tar) != static_cast<std::int64_t>(format::k_signature_slot_size)) {
    throw Error(ExitCode::bundle_corrupt,
                file.path() + ": frame 1 is not a signature slot (expected a raw zstd frame holding "
                       "bundle.sig); the bundle is damaged or not an sdcadm bundle");
  }
  return frame.offset + head.size();
}

}  // namespace

std::string_view signature_frame_prefix() {
  static const std::string k_prefix = make_prefix();
  return k_prefix;
}

std::string pad_signature_json(std::string_view json) {
  if (json.size() > format::k_signature_slot_size) {
    throw Error(ExitCode::bundle_too_large,
                "signature JSON is " + std::to_string(json.size()) +
                    " bytes; the slot holds " + std::to_string(format::k_signature_slot_size) +
                    " (too many signatures? use a detached NAME.sdc.sig)");
  }
  std::string out(json);
  out.resize(format::k_signature_slot_size, ' ');
  return out;
}

std::string signature_slot_frame(std::string_view json, std::int64_t mtime) {
  std::string frame(signature_frame_prefix());
  frame.reserve(format::k_signature_frame_size);
  frame += make_tar_header({format::k_signature_name, format::k_signature_slot_size,
                            format::k_member_mode, mtime});
  frame += pad_signature_json(json);
  return frame;
}

std::string read_signature_slot(const std::string& path) {
  const PositionalFile file(path);
  const std::uint64_t at = locate_slot(file);
  std::string json(format::k_signature_slot_size, '\0');
  file.read_at(json.data(), json.size(), at);
  const auto end = json.find_last_not_of(' ');
  json.resize(end == std::string::npos ? 0 : end + 1);
  return json;
}

void rewrite_signature_slot(const std::string& path, std::string_view json) {
  const std::string padded = pad_signature_json(json);
  PositionalFile file(path, Access::read_write);
  const std::uint64_t at = locate_slot(file);
  file.write_at(padded.data(), padded.size(), at);
  file.sync();
}

}  // namespace bundles
