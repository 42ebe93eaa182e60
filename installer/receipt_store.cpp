#include <installer/receipt_store.hpp>

#include <installer/journal.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <memory>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

constexpr const char* k_suffix = ".receipt";
constexpr std::size_t k_stamp = 16;  // YYYYMMDDTHHMMSSZ

// "2026-12-06T20:45:01.123Z" -> "20261206T204501Z".
std::string stamp_of(const std::string& rfc3339) {
  std::string out;
  for (char c : rfc3339.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

bool is_run_id(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
  });
}

}  // namespace

ReceiptStore::ReceiptStore(const Paths& paths) : m_dir(paths.state_dir + "/receipts") {}

std::string ReceiptStore::write(const std::string& run, const std::string& ended, const std::string& bytes) const {
  if (!is_run_id(run) || ended.size() < 19) throw Error(ExitCode::internal, "receipt: bad run id or time");
  make_directories(m_dir);
  const std::string path = m_dir + "/" + stamp_of(ended) + "-" + run + k_suffix;
  common::write_file_atomic(path, bytes, 0644);
  return path;
}

std::vector<StoredReceipt> ReceiptStore::list() const {
  std::vector<StoredReceipt> out;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(m_dir.c_str()), ::closedir);
  if (!dir) {
    if (errno == ENOENT) return out;
    throw Error(ExitCode::io, "cannot read " + m_dir + ": " + std::strerror(errno));
  }
  const std::size_t suffix = std::strlen(k_suffix);
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name.size() <= k_stamp + 1 + suffix || name.compare(name.size() - suffix, suffix, k_suffix) != 0 ||
        name[k_stamp] != '-') {
      continue;  // temp files of a write in progress, anything else
    }
    const std::string run = name.substr(k_stamp + 1, name.size() - k_stamp - 1 - suffix);
    if (!is_run_id(run)) continue;
    out.push_back({m_dir + "/" + name, name, run});
  }
  std::sort(out.begin(), out.end(), [](const StoredReceipt& a, const StoredReceipt& b) { return a.name < b.name; });
  return out;
}

StoredReceipt ReceiptStore::find(const std::string& run) const {
  std::vector<StoredReceipt> hits;
  for (const auto& r : list()) {
    if (r.run == run) return r;
    if (run.size() >= 8 && r.run.compare(0, run.size(), run) == 0) hits.push_back(r);
  }
  if (hits.size() == 1) return hits.front();
  if (hits.empty()) {
    throw Error(ExitCode::not_found, "no receipt of run " + run + " in " + m_dir +
                                         " (sdcadm-install receipt list shows the runs that have one)");
  }
  throw Error(ExitCode::usage, "run " + run + " names " + std::to_string(hits.size()) + " receipts; give more of the run id");
}

StoredReceipt ReceiptStore::last() const {
  const std::vector<StoredReceipt> all = list();
  if (all.empty()) {
    throw Error(ExitCode::not_found, "no receipt in " + m_dir + " yet: every apply that runs writes one");
  }
  return all.back();
}

}  // namespace installer
