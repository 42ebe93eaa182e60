#pragma once
// Small fixtures for the common/ unit tests: a scratch directory and a capture of
// file descriptor 2 (the log writes human lines straight to stderr).

#include <tests/unit/support/scratch_dir.hpp>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace test_support {

// The shared scratch directory (tests/unit/support/scratch_dir.hpp).
using TempDir = sdcb_test::ScratchDir;

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Redirects fd 2 into a file until text() or destruction restores it.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& file) : m_file(file) {
    std::fflush(stderr);
    m_saved = ::dup(STDERR_FILENO);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;
  std::string text() {
    restore();
    return slurp(m_file);
  }

 private:
  void restore() {
    if (m_saved < 0) return;
    std::fflush(stderr);
    ::dup2(m_saved, STDERR_FILENO);
    ::close(m_saved);
    m_saved = -1;
  }
  std::string m_file;
  int m_saved = -1;
};

}  // namespace test_support
