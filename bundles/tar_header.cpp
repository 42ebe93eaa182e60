#include <bundles/tar_header.hpp>

#include <bundles/format.hpp>
#include <common/error.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// libarchive's client write callback: keeps the header and refuses everything after it.
// The content is written by the bundle writer, not libarchive; when the archive is freed,
// libarchive "finishes" the entry by writing `size` zero bytes, and refusing them right
// away makes that cost nothing (and still lets libarchive release everything it holds).
la_ssize_t collect(archive*, void* client, const void* data, std::size_t size) {
  auto* out = static_cast<std::string*>(client);
  if (out->size() >= format::k_tar_block) return -1;
  out->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

void check_member(const TarMember& m) {
  if (m.name.empty() || m.name.size() > format::k_tar_name_max ||
      m.name.find('\0') != std::string_view::npos) {
    throw Error(ExitCode::bundle_unsafe, "member name \"" + std::string(m.name) +
                                             "\" does not fit ustar's 100-byte name field");
  }
  if (m.size > k_tar_max_size) {
    throw Error(ExitCode::bundle_too_large,
                "member " + std::string(m.name) + " is " + std::to_string(m.size) +
                    " bytes; a ustar header holds at most 8 GiB - 1");
  }
  if (m.mode > 07777) {
    throw Error(ExitCode::usage, "member " + std::string(m.name) + ": mode " +
                                     std::to_string(m.mode) + " is not a permission mode");
  }
  if (m.mtime < 0 || m.mtime > k_tar_max_mtime) {
    throw Error(ExitCode::usage, "time stamp " + std::to_string(m.mtime) +
                                     " does not fit a ustar header (SOURCE_DATE_EPOCH?)");
  }
}

void fail_unless_ok(archive* a, int rc, const char* what) {
  if (rc != ARCHIVE_OK) {
    const char* msg = archive_error_string(a);
    throw Error(ExitCode::internal,
                std::string("libarchive ") + what + ": " + (msg ? msg : "unknown error"));
  }
}

}  // namespace

std::string make_tar_header(const TarMember& m) {
  check_member(m);
  std::unique_ptr<archive, ArchiveFree> a(archive_write_new());
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  if (!a || !entry) throw Error(ExitCode::internal, "libarchive: out of memory");
  std::string out;
  fail_unless_ok(a.get(), archive_write_set_format_ustar(a.get()), "ustar format");
  // Unblocked output: every byte the format writes reaches `collect` at once, so the
  // header is complete after archive_write_header and nothing is padded to a block.
  fail_unless_ok(a.get(), archive_write_set_bytes_per_block(a.get(), 0), "block size");
  fail_unless_ok(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "last block");
  fail_unless_ok(a.get(), archive_write_open(a.get(), &out, nullptr, collect, nullptr), "open");
  const std::string name(m.name);
  archive_entry_copy_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(m.mode));
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(m.size));
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_copy_uname(entry.get(), "root");
  archive_entry_copy_gname(entry.get(), "root");
  archive_entry_set_mtime(entry.get(), static_cast<time_t>(m.mtime), 0);
  fail_unless_ok(a.get(), archive_write_header(a.get(), entry.get()), "header");
  if (out.size() != format::k_tar_block) {
    throw Error(ExitCode::internal, "libarchive wrote a " + std::to_string(out.size()) +
                                        "-byte header, expected 512");
  }
  return out;
}

std::int64_t tar_header_size(std::string_view header) {
  constexpr std::size_t k_offset = 124;
  constexpr std::size_t k_length = 12;
  if (header.size() < k_offset + k_length) return -1;
  std::int64_t value = 0;
  std::size_t i = k_offset;
  std::size_t digits = 0;
  for (; i < k_offset + k_length; ++i) {
    const char c = header[i];
    if (c < '0' || c > '7') break;
    value = value * 8 + (c - '0');
    ++digits;
  }
  // ustar ends the field with NUL or space; anything else (base-256, junk) is refused.
  if (digits == 0 || digits > 11 || (i < k_offset + k_length && header[i] != '\0' && header[i] != ' ')) {
    return -1;
  }
  return value;
}

}  // namespace bundles
