#include <bundles/seek_table.hpp>

#include <bundles/format.hpp>
#include <bundles/le_bytes.hpp>
#include <bundles/positional_file.hpp>
#include <common/error.hpp>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// The largest content a frame can have: a full chunk plus its tar header, the largest
// padding and the end of the archive. (The index frame, at most 16 MiB, is smaller.)
constexpr std::uint64_t k_max_frame_content =
    format::k_max_chunk_size + format::k_tar_block + (format::k_tar_block - 1) +
    format::k_tar_end_size;

Error corrupt(const std::string& detail) {
  return Error(ExitCode::bundle_corrupt, "seek table: " + detail +
                                             "; the bundle is damaged, fetch it again");
}

std::string entry_name(std::size_t i) { return "entry " + std::to_string(i); }

// Entries must follow the order of the format: bundle.json, bundle.sig, then every
// listed member with chunk numbers 0, 1, ... (a member has at least one frame).
void check_order(const SeekEntry& e, const SeekEntry* prev, std::size_t i) {
  const bool first_of_next = prev && e.member == prev->member + 1 && e.chunk == 0;
  const bool next_chunk = prev && e.member == prev->member && e.chunk == prev->chunk + 1 &&
                          e.member >= format::k_first_listed_member;
  const bool ok = prev ? (first_of_next || next_chunk) : (e.member == 0 && e.chunk == 0);
  if (!ok) {
    throw corrupt(entry_name(i) + " names member " + std::to_string(e.member) + " chunk " +
                  std::to_string(e.chunk) + ", out of the format's order");
  }
}

void check_sizes(const SeekEntry& e, std::size_t i) {
  if (e.compressed_size < format::k_min_frame_size) {
    throw corrupt(entry_name(i) + ": compressed size " + std::to_string(e.compressed_size) +
                  " is smaller than any zstd frame");
  }
  if (e.decompressed_size == 0 || e.decompressed_size > k_max_frame_content) {
    throw corrupt(entry_name(i) + ": decompressed size " +
                  std::to_string(e.decompressed_size) + " is impossible for a bundle frame");
  }
  if (e.member == format::k_member_index_sig &&
      (e.compressed_size != format::k_signature_frame_size ||
       e.decompressed_size != format::k_signature_frame_content)) {
    throw corrupt("the signature slot frame has sizes " + std::to_string(e.compressed_size) +
                  "/" + std::to_string(e.decompressed_size) + ", expected " +
                  std::to_string(format::k_signature_frame_size) + "/" +
                  std::to_string(format::k_signature_frame_content));
  }
}

}  // namespace

bool SeekEntry::operator==(const SeekEntry& o) const {
  return compressed_size == o.compressed_size && decompressed_size == o.decompressed_size &&
         member == o.member && chunk == o.chunk;
}

std::string encode_seek_table(const std::vector<SeekEntry>& entries) {
  if (entries.size() > format::k_max_seek_entries) {
    throw Error(ExitCode::internal, "seek table: " + std::to_string(entries.size()) +
                                        " frames exceed the format's limit");
  }
  const auto count = static_cast<std::uint32_t>(entries.size());
  std::string out;
  out.reserve(format::k_skippable_header_size + count * format::k_seek_entry_size +
              format::k_seek_footer_size);
  le::put_u32(out, format::k_seek_table_magic);
  le::put_u32(out, count * static_cast<std::uint32_t>(format::k_seek_entry_size) +
                      static_cast<std::uint32_t>(format::k_seek_footer_size));
  for (const auto& e : entries) {
    le::put_u64(out, e.compressed_size);
    le::put_u64(out, e.decompressed_size);
    le::put_u32(out, e.member);
    le::put_u32(out, e.chunk);
  }
  le::put_u32(out, count);
  le::put_u32(out, format::k_seek_table_version);
  out.append(format::k_seek_footer_magic);
  return out;
}

std::uint64_t seek_table_size_from_footer(std::string_view footer, std::uint64_t file_size) {
  const std::uint64_t min_size = format::k_skippable_header_size + format::k_seek_footer_size;
  if (footer.size() != format::k_seek_footer_size || file_size < min_size) {
    throw Error(ExitCode::bundle_truncated,
                "the file is " + std::to_string(file_size) +
                    " bytes, too short to end in a seek table; it is truncated or not a bundle");
  }
  if (footer.substr(8) != format::k_seek_footer_magic) {
    throw Error(ExitCode::bundle_truncated,
                "no seek table at the end of the file (footer \"SDCSEEK1\" missing); the file "
                "is truncated or not an sdcadm bundle, fetch it again");
  }
  const std::uint32_t version = le::get_u32(footer.data() + 4);
  if (version != format::k_seek_table_version) {
    throw Error(ExitCode::bundle_unsupported,
                "seek table version " + std::to_string(version) +
                    " is not supported (this program reads version 1); use a newer sdcadm-bundle");
  }
  const std::uint32_t count = le::get_u32(footer.data());
  if (count > format::k_max_seek_entries) {
    throw corrupt(std::to_string(count) + " entries exceed the limit of " +
                  std::to_string(format::k_max_seek_entries));
  }
  const std::uint64_t size = min_size + std::uint64_t{count} * format::k_seek_entry_size;
  if (size > file_size) {
    throw corrupt("the table claims " + std::to_string(size) + " bytes but the file has " +
                  std::to_string(file_size));
  }
  return size;
}

SeekTable decode_seek_table(std::string_view frame, std::uint64_t file_size) {
  if (frame.size() < format::k_seek_footer_size) {
    throw corrupt("frame of " + std::to_string(frame.size()) + " bytes is too short");
  }
  const auto size =
      seek_table_size_from_footer(frame.substr(frame.size() - format::k_seek_footer_size),
                                  file_size);
  if (size != frame.size()) {
    throw corrupt("frame is " + std::to_string(frame.size()) + " bytes, the footer says " +
                  std::to_string(size));
  }
  const std::uint32_t magic = le::get_u32(frame.data());
  if (magic != format::k_seek_table_magic) {
    throw corrupt("frame magic is not 0x184D2A5D");
  }
  if (le::get_u32(frame.data() + 4) != size - format::k_skippable_header_size) {
    throw corrupt("frame length " + std::to_string(le::get_u32(frame.data() + 4)) +
                  " does not match the entry count");
  }
  SeekTable table;
  table.table_size = size;
  table.data_size = file_size - size;
  const std::size_t count = (size - format::k_skippable_header_size - format::k_seek_footer_size) /
                            format::k_seek_entry_size;
  if (count < 3) {
    throw corrupt("the table lists " + std::to_string(count) +
                  " frames; a bundle has at least three (index, signature, one member)");
  }
  table.entries.reserve(count);
  std::uint64_t offset = 0;
  std::uint64_t content_offset = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char* p = frame.data() + format::k_skippable_header_size +
                    i * format::k_seek_entry_size;
    SeekEntry e;
    e.compressed_size = le::get_u64(p);
    e.decompressed_size = le::get_u64(p + 8);
    e.member = le::get_u32(p + 16);
    e.chunk = le::get_u32(p + 20);
    check_order(e, table.entries.empty() ? nullptr : &table.entries.back(), i);
    check_sizes(e, i);
    // Both sizes are bounded above, so neither sum can overflow before this check.
    if (e.compressed_size > table.data_size - offset) {
      throw corrupt("frames up to " + entry_name(i) + " reach beyond the data (" +
                    std::to_string(table.data_size) + " bytes before the table)");
    }
    e.offset = offset;
    e.content_offset = content_offset;
    offset += e.compressed_size;
    content_offset += e.decompressed_size;
    table.entries.push_back(e);
  }
  if (offset != table.data_size) {
    throw corrupt("frames cover " + std::to_string(offset) + " bytes but the table starts at " +
                  std::to_string(table.data_size));
  }
  table.tar_size = content_offset;
  return table;
}

SeekTable read_seek_table(int fd, std::uint64_t file_size, const std::string& what) {
  try {
    std::string footer(format::k_seek_footer_size, '\0');
    if (file_size < format::k_seek_footer_size + format::k_skippable_header_size) {
      seek_table_size_from_footer(std::string_view{}, file_size);  // throws "too short"
    }
    read_exact_at(fd, footer.data(), footer.size(), file_size - footer.size(), what);
    const auto size = seek_table_size_from_footer(footer, file_size);
    std::string frame(size, '\0');
    read_exact_at(fd, frame.data(), frame.size(), file_size - size, what);
    return decode_seek_table(frame, file_size);
  } catch (const Error& err) {
    throw err.with_context(what);
  }
}

SeekTable read_seek_table(const std::string& path) {
  const PositionalFile file(path);
  return read_seek_table(file.fd(), file.size(), path);
}

void check_frame_sizes(const SeekTable& table, const std::vector<SeekEntry>& expected) {
  if (table.entries.size() != expected.size()) {
    throw corrupt("it lists " + std::to_string(table.entries.size()) +
                  " frames, the index implies " + std::to_string(expected.size()));
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& got = table.entries[i];
    const auto& want = expected[i];
    if (got.member != want.member || got.chunk != want.chunk ||
        got.decompressed_size != want.decompressed_size) {
      throw corrupt(entry_name(i) + " (member " + std::to_string(got.member) + " chunk " +
                    std::to_string(got.chunk) + ", " + std::to_string(got.decompressed_size) +
                    " bytes) differs from the index (member " + std::to_string(want.member) +
                    " chunk " + std::to_string(want.chunk) + ", " +
                    std::to_string(want.decompressed_size) + " bytes)");
    }
  }
}

}  // namespace bundles
