#pragma once
// imgapi::FileSource: a local regular file as an AddImageFile upload body (read in the
// caller's buffer, rewound with lseek so the HTTP client can retry before a reply).

#include <imgapi/types.hpp>

#include <cstdint>
#include <string>

namespace imgapi {

class FileSource {
 public:
  // Opens `path` read-only. Throws Error(config) if it does not exist, Error(io) if it
  // cannot be opened or is not a regular file.
  explicit FileSource(std::string path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::uint64_t size() const { return m_size; }
  // An UploadSource reading this file; valid while this object lives.
  UploadSource source();

 private:
  std::size_t read(char* buf, std::size_t max);
  void rewind();

  std::string m_path;
  int m_fd = -1;
  std::uint64_t m_size = 0;
};

}  // namespace imgapi
