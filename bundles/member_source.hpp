#pragma once
// Sequential reads of one member's content for the writer: from a file (the builder's
// cache) or from bytes in memory. The expected size comes from the index; a file of
// another size, or one that grows or shrinks while read, is reported as changed.

#include <common/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bundles {

class MemberSource {
 public:
  // Opens `path` (or wraps `bytes` when path is empty). `name` is the member name for
  // messages. Throws Error(not_found / io), or Error(bundle_hash) when the size differs
  // from `expected_size`.
  MemberSource(std::string name, const std::string& path, std::string_view bytes,
               std::uint64_t expected_size);
  ~MemberSource();
  MemberSource(const MemberSource&) = delete;
  MemberSource& operator=(const MemberSource&) = delete;

  // Fills `size` bytes (never more than the expected size in total); throws
  // Error(bundle_hash) if the file ends early, Error(io) on read errors.
  void read(char* buf, std::size_t size);
  // Throws Error(bundle_hash) unless the file ends exactly at the expected size.
  void check_at_end();

  // Error(bundle_hash) for content that is not what the index says; for a file it starts
  // "cached file PATH (member NAME) changed since it was hashed" (see writer.hpp) and
  // carries PATH as its detail, so the builder can drop that cache entry.
  common::Error changed_error(const std::string& detail) const;

 private:
  std::string m_name;
  std::string m_path;
  std::string_view m_bytes;
  int m_fd = -1;
  std::uint64_t m_expected;
  std::uint64_t m_done = 0;
};

}  // namespace bundles
