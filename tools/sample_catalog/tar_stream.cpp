#include <tools/sample_catalog/tar_stream.hpp>

#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sample_catalog {

namespace {

constexpr std::uint64_t k_record = 512;

void put_octal(std::string& h, std::size_t at, std::size_t width, std::uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
  std::memcpy(&h[at], buf, width - 1);  // the last byte stays NUL
}

void put_text(std::string& h, std::size_t at, const std::string& text) {
  std::memcpy(&h[at], text.data(), text.size());
}

// The POSIX ustar header (name 100 bytes, or split at a '/' into prefix 155 + name 100).
std::string ustar_header(const std::string& path, char type, unsigned mode, std::uint64_t size,
                         std::int64_t mtime) {
  std::string name = path;
  std::string prefix;
  if (name.size() > 100) {
    const std::size_t cut = path.rfind('/', std::min<std::size_t>(path.size() - 2, 155));
    if (cut == std::string::npos || path.size() - cut - 1 > 100) {
      throw common::Error(common::ExitCode::internal, "tar member path too long: " + path);
    }
    prefix = path.substr(0, cut);
    name = path.substr(cut + 1);
  }
  std::string h(k_record, '\0');
  put_text(h, 0, name);
  put_octal(h, 100, 8, mode);
  put_octal(h, 108, 8, 0);
  put_octal(h, 116, 8, 0);
  put_octal(h, 124, 12, size);
  put_octal(h, 136, 12, static_cast<std::uint64_t>(std::max<std::int64_t>(mtime, 0)));
  std::memset(&h[148], ' ', 8);
  h[156] = type;
  put_text(h, 257, std::string("ustar\0" "00", 8));
  put_text(h, 265, "root");
  put_text(h, 297, "root");
  put_octal(h, 329, 8, 0);
  put_octal(h, 337, 8, 0);
  put_text(h, 345, prefix);
  unsigned sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06o", sum);
  std::memcpy(&h[148], buf, 7);  // six digits, NUL, then the space already there
  return h;
}

std::uint64_t padded(std::uint64_t size) { return (size + k_record - 1) / k_record * k_record; }

}  // namespace

TarStream::~TarStream() {
  if (m_fd >= 0) ::close(m_fd);
}

void TarStream::add_directory(const std::string& path, std::int64_t mtime) {
  Member m;
  m.kind = Member::Kind::directory;
  m.path = path;
  m.mode = 0755;
  m.mtime = mtime;
  m_members.push_back(std::move(m));
}

void TarStream::add_file(const std::string& path, std::string content, std::int64_t mtime,
                         unsigned mode) {
  Member m;
  m.path = path;
  m.mode = mode;
  m.mtime = mtime;
  m.size = content.size();
  m.content = std::move(content);
  m_members.push_back(std::move(m));
}

void TarStream::add_model_file(const std::string& path, const ModelFile& file,
                               std::int64_t mtime) {
  Member m;
  m.kind = Member::Kind::model;
  m.path = path;
  m.mode = file.mode;
  m.mtime = mtime;
  m.size = file.size();
  m.model = &file;
  m_members.push_back(std::move(m));
}

void TarStream::add_disk_file(const std::string& path, const std::string& source,
                              std::int64_t mtime) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) {
    throw common::Error(common::ExitCode::io, "reading " + source + ": " + std::strerror(errno));
  }
  Member m;
  m.kind = Member::Kind::disk;
  m.path = path;
  m.mtime = mtime;
  m.size = static_cast<std::uint64_t>(st.st_size);
  m.source = source;
  m_members.push_back(std::move(m));
}

std::size_t TarStream::read_data(const Member& m, char* out, std::size_t size) {
  const std::uint64_t at = m_offset - k_record;
  switch (m.kind) {
    case Member::Kind::directory: return 0;
    case Member::Kind::memory: std::memcpy(out, m.content.data() + at, size); return size;
    case Member::Kind::model: content_bytes(*m.model, at, out, size); return size;
    case Member::Kind::disk: break;
  }
  if (m_fd < 0) {
    m_fd = ::open(m.source.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
      throw common::Error(common::ExitCode::io,
                          "reading " + m.source + ": " + std::strerror(errno));
    }
  }
  for (;;) {
    const ssize_t n = ::read(m_fd, out, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw common::Error(common::ExitCode::io, "reading " + m.source + ": " +
                                                    (n < 0 ? std::strerror(errno) : "file shrank"));
    }
    return static_cast<std::size_t>(n);
  }
}

std::size_t TarStream::read(char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size && m_index < m_members.size()) {
    const Member& m = m_members[m_index];
    if (m_offset == 0) {
      const char type = m.kind == Member::Kind::directory ? '5' : '0';
      m_header = ustar_header(m.path, type, m.mode, m.size, m.mtime);
    }
    const std::uint64_t data_end = k_record + m.size;
    const std::uint64_t member_end = k_record + padded(m.size);
    std::size_t n = 0;
    if (m_offset < k_record) {
      n = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, k_record - m_offset));
      std::memcpy(out + done, m_header.data() + m_offset, n);
    } else if (m_offset < data_end) {
      n = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, data_end - m_offset));
      n = read_data(m, out + done, n);
    } else {
      n = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, member_end - m_offset));
      std::memset(out + done, 0, n);
    }
    done += n;
    m_offset += n;
    if (m_offset == member_end) {
      if (m_fd >= 0) ::close(m_fd);
      m_fd = -1;
      m_offset = 0;
      ++m_index;
    }
  }
  if (done < size && m_index == m_members.size()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, m_trailer_left));
    std::memset(out + done, 0, n);
    m_trailer_left -= n;
    done += n;
  }
  return done;
}

}  // namespace sample_catalog
