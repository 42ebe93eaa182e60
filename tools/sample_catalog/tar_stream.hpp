#pragma once
// A ustar archive produced on demand (pulled with read(), as delta::compress_with wants
// its input) from a list of members whose bytes are generated or read only when the
// reader gets to them: directories, small in-memory files, ModelFiles (content_model.hpp)
// and files on disk. Reproducible: uid/gid 0, owner "root", the mtime given per member.

#include <tools/sample_catalog/content_model.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sample_catalog {

class TarStream {
 public:
  TarStream() = default;
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  void add_directory(const std::string& path, std::int64_t mtime);
  void add_file(const std::string& path, std::string content, std::int64_t mtime,
                unsigned mode = 0644);
  // `file` must outlive the stream.
  void add_model_file(const std::string& path, const ModelFile& file, std::int64_t mtime);
  // `source` is opened when the reader reaches it and must not change meanwhile.
  // Throws common::Error(io) if it cannot be stat'ed.
  void add_disk_file(const std::string& path, const std::string& source, std::int64_t mtime);

  // Up to `size` next bytes of the archive (the end-of-archive blocks included); 0 = end.
  std::size_t read(char* out, std::size_t size);

 private:
  struct Member {
    enum class Kind { directory, memory, model, disk } kind = Kind::memory;
    std::string path;
    unsigned mode = 0644;
    std::int64_t mtime = 0;
    std::uint64_t size = 0;
    std::string content;              // memory
    const ModelFile* model = nullptr;  // model
    std::string source;                // disk
  };

  std::size_t read_data(const Member& m, char* out, std::size_t size);

  std::vector<Member> m_members;
  std::size_t m_index = 0;          // the member being read
  std::string m_header;             // its 512-byte header, while being read
  std::uint64_t m_offset = 0;       // position inside header + data + padding
  int m_fd = -1;                    // the open disk member
  std::uint64_t m_trailer_left = 1024;
};

}  // namespace sample_catalog
