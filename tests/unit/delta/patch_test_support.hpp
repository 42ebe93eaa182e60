#pragma once
// Small helpers for the patch tests: a scratch directory, and patch/image streams held in
// strings (the tests' data is a few MiB, so strings are fine here; the library streams).

#include <delta/patch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace delta_test {

class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/unit_delta_patch.XXXXXX";
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    m_path = templ;
  }
  ~ScratchDir() {
    const std::string cmd = "rm -rf '" + m_path + "'";
    if (std::system(cmd.c_str()) != 0) {
      // best effort: a leftover scratch directory is not a test failure
    }
  }
  std::string file(const std::string& name, const std::string& content) const {
    const std::string path = m_path + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

 private:
  std::string m_path;
};

// Reads `data` in pieces of at most `piece` bytes, so record and frame boundaries fall at
// awkward places.
inline delta::ByteSource source_of(const std::string& data, std::size_t piece = 65521) {
  auto pos = std::make_shared<std::size_t>(0);
  return [&data, pos, piece](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min({capacity, piece, data.size() - *pos});
    data.copy(buffer, n, *pos);
    *pos += n;
    return n;
  };
}

inline delta::ByteSink sink_into(std::string& out) {
  return [&out](const char* data, std::size_t size) { out.append(data, size); };
}

}  // namespace delta_test
