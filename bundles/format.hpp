#pragma once
// The .sdc bundle, format version 1: the constants of docs/bundle-format.md in one place.
//
//   file        := data_frame+ seek_table_frame
//   data_frame  := one independent zstd frame (RFC 8878), Frame_Content_Size always set
//   stream      := the decompressed data frames, concatenated = one POSIX ustar archive
//
//   frame 0     bundle.json: tar header + index bytes + tar padding           (alone)
//   frame 1     bundle.sig:  tar header + 65536 bytes of space-padded JSON     (alone, raw
//               blocks only, no checksum: its size never depends on the content, so
//               `sign` rewrites it in place)
//   frame 2..   members[k], k = 0.., in index order; member k has max(1, ceil(size /
//               chunk_size)) frames of chunk_size content bytes (the last one shorter);
//               the tar header travels in the first, the tar padding in the last frame.
//               The last frame of the last member also carries the end of the archive
//               (two 512-byte zero blocks).
//
//   seek_table_frame (little-endian, a zstd skippable frame every decoder ignores):
//     u32 magic 0x184D2A5D | u32 length of what follows
//     entry * count: u64 compressed size | u64 decompressed size |
//                    u32 member index (0 bundle.json, 1 bundle.sig, k+2 members[k]) |
//                    u32 chunk number within that member
//     footer (the file's last 16 bytes): u32 count | u32 version (1) | "SDCSEEK1"
//     with length == count * 24 + 16 (the entries and the footer; docs/bundle-format.md
//     §4 says "+ 20", which does not match the fields it lists).
//
// The seek table is not signed; it only says where to look. Everything it leads to is
// checked against the signed index.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bundles::format {

constexpr int k_format_version = 1;

// zstd framing (RFC 8878).
constexpr std::uint32_t k_zstd_frame_magic = 0xFD2FB528u;
constexpr std::uint32_t k_skippable_magic_min = 0x184D2A50u;
constexpr std::uint32_t k_skippable_magic_max = 0x184D2A5Fu;
// The smallest well-formed frame with content: magic, descriptor, one-byte content size,
// one block header.
constexpr std::uint64_t k_min_frame_size = 4 + 1 + 1 + 3;

// Seek table (the last frame).
constexpr std::uint32_t k_seek_table_magic = 0x184D2A5Du;
constexpr std::uint32_t k_seek_table_version = 1;
constexpr std::string_view k_seek_footer_magic{"SDCSEEK1", 8};
constexpr std::size_t k_skippable_header_size = 8;  // magic + length
constexpr std::size_t k_seek_entry_size = 24;
constexpr std::size_t k_seek_footer_size = 16;      // count + version + magic string
// More frames than the largest index (16 MiB) can describe; bounds the table's memory.
constexpr std::uint32_t k_max_seek_entries = 1u << 20;

// Member numbering in the seek table.
constexpr std::uint32_t k_member_index_json = 0;
constexpr std::uint32_t k_member_index_sig = 1;
constexpr std::uint32_t k_first_listed_member = 2;  // members[k] is k + 2

// Fixed member names.
constexpr std::string_view k_index_name{"bundle.json"};
constexpr std::string_view k_signature_name{"bundle.sig"};

// tar (ustar).
constexpr std::size_t k_tar_block = 512;
constexpr std::size_t k_tar_end_size = 2 * k_tar_block;  // end-of-archive: two zero blocks
constexpr std::size_t k_tar_name_max = 100;              // no prefix field, no pax headers
constexpr unsigned k_member_mode = 0644;
constexpr unsigned k_installer_mode = 0755;

// Signature slot (frame 1): one raw block holding the tar header and the slot.
constexpr std::size_t k_signature_slot_size = 65536;
constexpr std::size_t k_signature_frame_content = k_tar_block + k_signature_slot_size;
// magic + descriptor (single segment, 4-byte content size) + content size + block header
constexpr std::size_t k_signature_frame_header = 4 + 1 + 4 + 3;
constexpr std::size_t k_signature_frame_size =
    k_signature_frame_header + k_signature_frame_content;

// Index and chunks.
constexpr std::size_t k_max_index_size = 16u << 20;
constexpr std::uint64_t k_default_chunk_size = 64u << 20;
constexpr std::uint64_t k_min_chunk_size = 1u << 20;        // = manifest::k_min_chunk_size
constexpr std::uint64_t k_max_chunk_size = 1u << 30;        // = manifest::k_max_chunk_size

// Split volumes: every part must fit a FAT32 file (at most 4 GiB - 1 bytes).
constexpr std::uint64_t k_max_part_size = (std::uint64_t{4} << 30) - 1;

// Bytes of tar padding after `size` content bytes.
constexpr std::uint64_t tar_padding(std::uint64_t size) {
  return (k_tar_block - size % k_tar_block) % k_tar_block;
}

}  // namespace bundles::format
