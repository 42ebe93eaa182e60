#include <installer/agents/agent_tarball.hpp>

#include <common/error.hpp>
#include <common/hash.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/stat.h>

namespace installer::agents {

using common::Error;
using common::ExitCode;

namespace {

constexpr std::size_t k_read_block = 64u << 10;

struct ArchiveCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

[[noreturn]] void bad(const AgentImage& image, const std::string& path, const std::string& why) {
  throw Error(ExitCode::integrity, "agent " + image.name + " (image " + image.uuid + "): " + path + " " + why +
                                       "; stage the bundle again (sdcadm-install stage BUNDLE)");
}

void check_size_and_sha1(const AgentImage& image, const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      throw Error(ExitCode::not_found, "agent " + image.name + ": " + path +
                                           " is not staged; run sdcadm-install stage BUNDLE first");
    }
    throw Error(ExitCode::io, "cannot stat " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) bad(image, path, "is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) != image.size) {
    bad(image, path, "has " + std::to_string(st.st_size) + " bytes, the manifest says " + std::to_string(image.size));
  }
  const std::string sha1 = common::file_hex_digest(common::HashAlgorithm::sha1, path);
  if (sha1 != image.sha1) bad(image, path, "has SHA-1 " + sha1 + ", the manifest says " + image.sha1);
}

int expected_filter(const std::string& compression) {
  return compression == "bzip2" ? ARCHIVE_FILTER_BZIP2 : ARCHIVE_FILTER_GZIP;
}

// The first line of the member's content (bounded).
std::string read_first_line(struct archive* a, const AgentImage& image, const std::string& path) {
  std::string content;
  char buf[512];
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) bad(image, path, std::string("cannot be read: ") + archive_error_string(a));
    if (n == 0) break;
    content.append(buf, static_cast<std::size_t>(n));
    if (content.size() > k_max_image_uuid_file) bad(image, path, "has an image_uuid member above 4 KiB");
  }
  return content.substr(0, content.find('\n'));
}

}  // namespace

void check_agent_file(const AgentImage& image, const std::string& path) {
  check_size_and_sha1(image, path);
  std::unique_ptr<struct archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), k_read_block) != ARCHIVE_OK) {
    bad(image, path, std::string("is not a tarball: ") + archive_error_string(a.get()));
  }
  const std::string wanted = image.name + "/image_uuid";
  struct archive_entry* entry = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) bad(image, path, "does not hold " + wanted);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      bad(image, path, std::string("is not a readable tarball: ") + archive_error_string(a.get()));
    }
    if (archive_filter_code(a.get(), 0) != expected_filter(image.compression)) {
      bad(image, path, "is not compressed with " + image.compression + " as its manifest says");
    }
    const char* name = archive_entry_pathname(entry);
    if (name && wanted == name) break;
  }
  const std::string found = read_first_line(a.get(), image, path);
  if (found != image.uuid) bad(image, path, "holds image_uuid '" + found.substr(0, 64) + "', expected " + image.uuid);
}

}  // namespace installer::agents
