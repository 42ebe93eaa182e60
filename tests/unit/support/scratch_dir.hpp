#pragma once
// The unit tests' one scratch directory: a fresh directory under $TMPDIR (or /tmp), removed
// with its content when the test ends, and a listing helper for "nothing else was left
// behind" checks. Header-only; include it as <tests/unit/support/scratch_dir.hpp>.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <stdlib.h>

namespace sdcb_test {

// The names in `dir` (not "." or ".."), sorted; empty when `dir` cannot be read.
inline std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ScratchDir {
 public:
  // Throws std::runtime_error when the directory cannot be made (Catch2 reports it as a
  // failure of the test that asked for it).
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/sdcb-unit-XXXXXX";
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp " + templ + " failed");
    m_path = templ;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return m_path; }
  // path() + "/" + name
  std::string file(const std::string& name) const { return m_path + "/" + name; }
  // What the directory holds now (see dir_entries).
  std::vector<std::string> entries() const { return dir_entries(m_path); }

 private:
  std::string m_path;
};

}  // namespace sdcb_test
