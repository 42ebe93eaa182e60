#include <imgapi/server/upload_space.hpp>

#include <imgapi/server/rest_error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/statvfs.h>

namespace imgapi::server {
namespace {

constexpr std::uint64_t k_recheck_every = 64ull << 20;

std::uint64_t free_bytes(const std::string& dir) {
  if (const char* env = std::getenv("SDCB_TEST_FREE_BYTES")) return std::strtoull(env, nullptr, 10);
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) {
    throw RestError(500, "InternalError", "statvfs " + dir + ": " + std::strerror(errno));
  }
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

std::uint64_t budget_of(std::uint64_t free) {
  return free > k_upload_reserve ? free - k_upload_reserve : 0;
}

[[noreturn]] void refuse(std::uint64_t need, std::uint64_t budget, const std::string& how) {
  throw RestError(507, "InsufficientStorageError",
                  "not enough free space for the image file: " + how + " " +
                      std::to_string(need) + " bytes, " + std::to_string(budget) +
                      " bytes may be used (free space less a reserve of " +
                      std::to_string(k_upload_reserve) + ")");
}

}  // namespace

UploadSpace::UploadSpace(std::string dir, std::uint64_t declared)
    : m_dir(std::move(dir)), m_budget(budget_of(free_bytes(m_dir))), m_next_check(k_recheck_every) {
  if (declared > m_budget) refuse(declared, m_budget, "Content-Length announces");
}

void UploadSpace::reserve(std::uint64_t written, std::uint64_t n) {
  if (written + n > m_next_check) {
    // What is free now, plus what this upload already wrote, is its budget from here on.
    m_budget = std::min(m_budget, written + budget_of(free_bytes(m_dir)));
    m_next_check = written + k_recheck_every;
  }
  if (written + n > m_budget) refuse(written + n, m_budget, "the upload has reached");
}

}  // namespace imgapi::server
