#include <bundles/part_source.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/fork_join.hpp>
#include <common/hash.hpp>
#include <common/path.hpp>
#include <manifest/part_list.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// The concatenation of split parts, each an open file checked against the part list.
class PartsSource : public ByteSource {
 public:
  struct Part {
    int fd = -1;
    std::uint64_t offset = 0;  // of the part's first byte in the bundle
    std::uint64_t size = 0;
    std::string label;         // "part 2 (NAME.sdc.002)"
  };

  PartsSource(std::vector<Part> parts, PartListFacts facts, std::string name)
      : m_parts(std::move(parts)), m_facts(std::move(facts)), m_name(std::move(name)) {}
  ~PartsSource() override {
    for (auto& p : m_parts) ::close(p.fd);
  }
  PartsSource(const PartsSource&) = delete;
  PartsSource& operator=(const PartsSource&) = delete;

  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = read_at(m_pos, buf, size);
    m_pos += n;
    return n;
  }
  bool seekable() const override { return true; }
  std::uint64_t size() const override { return m_facts.bundle_size; }
  std::size_t read_at(std::uint64_t offset, char* buf, std::size_t size) const override {
    std::size_t done = 0;
    auto it = std::upper_bound(m_parts.begin(), m_parts.end(), offset,
                               [](std::uint64_t off, const Part& p) { return off < p.offset; });
    if (it == m_parts.begin()) return 0;
    for (--it; it != m_parts.end() && done < size; ++it) {
      const std::uint64_t at = offset + done - it->offset;
      if (at >= it->size) continue;
      const std::size_t want = std::min<std::uint64_t>(size - done, it->size - at);
      const std::size_t n = pread_all(it->fd, at, buf + done, want, it->label);
      if (n != want) {
        throw Error(ExitCode::bundle_truncated,
                    it->label + " became shorter while it was read; copy it again");
      }
      done += n;
    }
    return done;
  }
  const std::string& name() const override { return m_name; }
  const PartListFacts& facts() const { return m_facts; }

 private:
  std::vector<Part> m_parts;
  PartListFacts m_facts;
  std::string m_name;
  std::uint64_t m_pos = 0;
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Opens a part and checks its size against the list.
PartsSource::Part open_part(const std::string& dir, const manifest::BundlePart& listed,
                            std::size_t number, std::size_t count, std::uint64_t offset) {
  PartsSource::Part part;
  part.label = "part " + std::to_string(number) + " of " + std::to_string(count) + " (" +
               listed.name + ")";
  part.offset = offset;
  part.size = listed.size;
  const std::string path = dir + "/" + listed.name;
  part.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (part.fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw Error(ExitCode::bundle_truncated,
                  part.label + " is missing: copy it next to the part list (" + path + ")");
    }
    throw Error(ExitCode::io, "reading " + part.label + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(part.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(part.fd);
    throw Error(ExitCode::io, part.label + " is not a readable regular file");
  }
  const auto actual = static_cast<std::uint64_t>(st.st_size);
  if (actual != listed.size) {
    ::close(part.fd);
    const bool short_part = actual < listed.size;
    throw Error(short_part ? ExitCode::bundle_truncated : ExitCode::bundle_corrupt,
                part.label + " is " + std::to_string(actual) + " bytes, the part list says " +
                    std::to_string(listed.size) + (short_part ? ": it is incomplete" : "") +
                    "; copy this part again");
  }
  return part;
}

void check_part_hash(const PartsSource::Part& part, const std::string& expected) {
  common::Hasher hasher(common::HashAlgorithm::sha256);
  std::vector<char> buf(1u << 20);
  for (std::uint64_t at = 0; at < part.size;) {
    const std::size_t want = std::min<std::uint64_t>(buf.size(), part.size - at);
    const std::size_t n = pread_all(part.fd, at, buf.data(), want, part.label);
    if (n != want) throw Error(ExitCode::bundle_truncated, part.label + " became shorter while it was read");
    hasher.update(buf.data(), n);
    at += n;
  }
  const std::string got = hasher.finish_hex();
  if (got != expected) {
    throw Error(ExitCode::bundle_hash,
                part.label + ": SHA-256 mismatch (got " + got + ", expected " + expected +
                    "); this part is damaged: copy it again");
  }
}

// Hashes parts on `threads` threads; the first bad part in list order is reported, as a
// serial check would (parts after a known bad one are skipped).
void check_part_hashes(const std::vector<PartsSource::Part>& parts,
                       const std::vector<manifest::BundlePart>& listed, unsigned threads) {
  common::ForkJoin(threads, common::FirstError::in_order)
      .run(parts.size(), [&](std::size_t i, unsigned) { check_part_hash(parts[i], listed[i].sha256); });
}

}  // namespace

std::unique_ptr<ByteSource> open_parts_source(const std::string& parts_json_path,
                                              PartCheck check, unsigned threads) {
  const std::string bundle_name = manifest::bundle_name_from_parts_path(parts_json_path);
  if (bundle_name.empty()) {
    throw Error(ExitCode::config, parts_json_path + " is not a part list (NAME.sdc.parts.json)");
  }
  manifest::PartList list;
  try {
    list = manifest::PartList::parse(common::read_small_file(parts_json_path, 2u << 20),
                                     bundle_name);
  } catch (const Error& err) {
    throw err.with_context("part list " + parts_json_path);
  }
  const std::string dir = common::dir_of(parts_json_path);
  std::vector<PartsSource::Part> parts;
  std::uint64_t offset = 0;
  try {
    for (std::size_t i = 0; i < list.parts.size(); ++i) {
      parts.push_back(open_part(dir, list.parts[i], i + 1, list.parts.size(), offset));
      offset += list.parts[i].size;
    }
    if (check == PartCheck::hashes) {
      if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
      check_part_hashes(parts, list.parts, threads);
    }
  } catch (...) {
    for (auto& p : parts) ::close(p.fd);
    throw;
  }
  PartListFacts facts{list.bundle_id, list.bundle_json_sha256, list.bundle_size};
  return std::make_unique<PartsSource>(std::move(parts), std::move(facts),
                                       "bundle " + dir + "/" + bundle_name + " (split in " +
                                           std::to_string(list.parts.size()) + " parts)");
}

std::optional<PartListFacts> part_list_facts(const ByteSource& source) {
  if (const auto* parts = dynamic_cast<const PartsSource*>(&source)) return parts->facts();
  return std::nullopt;
}

void check_part_list(const ByteSource& source, const std::string& index_bytes,
                     const std::string& bundle_id) {
  const auto facts = part_list_facts(source);
  if (!facts) return;
  const std::string sha = common::hex_digest(common::HashAlgorithm::sha256, index_bytes);
  if (sha != facts->bundle_json_sha256 || facts->bundle_id != bundle_id) {
    throw Error(ExitCode::bundle_corrupt,
                source.name() + ": the part list was written for another bundle (its "
                                "bundle_json_sha256 or bundle_id differs from the index in the "
                                "parts); get the part list that belongs to these parts");
  }
}

std::string bundle_path_argument(const std::string& path) {
  const std::string first = ".001";
  if (!ends_with(path, first) || path.size() == first.size()) return path;
  const std::string list = path.substr(0, path.size() - first.size()) + ".parts.json";
  return file_exists(list) ? list : path;
}

std::unique_ptr<ByteSource> open_bundle_source(const std::string& path, PartCheck check) {
  if (path == "-") return open_stdin_source();
  if (ends_with(path, ".parts.json")) return open_parts_source(path, check);
  if (!file_exists(path) && file_exists(path + ".parts.json")) {
    return open_parts_source(path + ".parts.json", check);
  }
  return open_file_source(path);
}

}  // namespace bundles
