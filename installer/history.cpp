#include <installer/history.hpp>

#include <installer/journal.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <pwd.h>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_max_line = 4u << 20;  // a plan of a very large DC fits

std::string rotated(const std::string& path, int n) { return path + "." + std::to_string(n); }

void read_file_lines(const std::string& path, std::vector<common::Json>& out, std::size_t& skipped) {
  std::ifstream in(path);
  if (!in) return;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.size() > k_max_line) { ++skipped; continue; }
    try {
      common::Json j = common::parse_json(line, "history " + path, 32, k_max_line);
      if (j.is_object()) out.push_back(std::move(j));
      else ++skipped;
    } catch (const Error&) {
      ++skipped;
    }
  }
}

std::string str(const common::Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

History::History(std::string path, HistoryOptions options) : m_path(std::move(path)), m_options(options) {}

void History::rotate_if_due() {
  struct stat st {};
  if (::stat(m_path.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) < m_options.max_bytes) return;
  std::remove(rotated(m_path, m_options.keep).c_str());
  for (int n = m_options.keep - 1; n >= 1; --n) {
    std::rename(rotated(m_path, n).c_str(), rotated(m_path, n + 1).c_str());
  }
  if (std::rename(m_path.c_str(), rotated(m_path, 1).c_str()) != 0) {
    throw Error(ExitCode::io, "cannot rotate history " + m_path + ": " + std::strerror(errno));
  }
}

void History::append(const common::Json& record) {
  const std::size_t slash = m_path.rfind('/');
  if (slash != std::string::npos && slash > 0) make_directories(m_path.substr(0, slash));
  rotate_if_due();
  const std::string line = common::dump_json(record, -1) + "\n";
  const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ExitCode::io, "cannot open history " + m_path + ": " + std::strerror(errno));
  const ssize_t n = ::write(fd, line.data(), line.size());
  const int saved = errno;
  ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size())) {
    throw Error(saved == ENOSPC ? ExitCode::no_space : ExitCode::io,
                "cannot append to history " + m_path + ": " + std::strerror(n < 0 ? saved : EIO));
  }
}

std::vector<common::Json> History::read_all(std::size_t* skipped) const {
  std::vector<common::Json> out;
  std::size_t bad = 0;
  for (int n = m_options.keep; n >= 1; --n) read_file_lines(rotated(m_path, n), out, bad);
  read_file_lines(m_path, out, bad);
  if (skipped) *skipped = bad;
  return out;
}

std::string current_user() {
  const uid_t uid = ::getuid();
  struct passwd pw {};
  struct passwd* result = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &result) == 0 && result && result->pw_name) {
    return result->pw_name;
  }
  return "uid " + std::to_string(uid);
}

std::string new_run_id() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += "0123456789abcdef"[hex(rd)];
  }
  return id;
}

std::string history_text(const std::vector<common::Json>& records) {
  // Runs in the order they started; steps and the end record grouped under their run.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const common::Json*>> by_run;
  for (const auto& r : records) {
    const std::string run = str(r, "run");
    if (!by_run.count(run)) order.push_back(run);
    by_run[run].push_back(&r);
  }
  std::ostringstream out;
  for (const auto& run : order) {
    const common::Json* start = nullptr;
    const common::Json* end = nullptr;
    for (const auto* r : by_run[run]) {
      if (str(*r, "event") == "run-start") start = r;
      if (str(*r, "event") == "run-end") end = r;
    }
    const common::Json& first = start ? *start : *by_run[run].front();
    out << str(first, "time") << "  bundle " << str(first, "bundle_id");
    if (start) {
      out << " (" << str(*start, "channel") << ") by " << str(*start, "user");
      const common::Json o = start->contains("overrides") && (*start)["overrides"].is_object()
                                 ? (*start)["overrides"] : common::Json::object();
      if (o.contains("force") && o["force"].is_boolean() && o["force"].get<bool>()) out << " --force";
      if (o.contains("spec") && o["spec"].is_string()) out << " -f " << o["spec"].get<std::string>();
    }
    out << ": " << (end ? str(*end, "result") : std::string("interrupted")) << "\n";
    for (const auto* r : by_run[run]) {
      if (str(*r, "event") != "step") continue;
      char secs[32];
      const double seconds = r->contains("seconds") && (*r)["seconds"].is_number() ? (*r)["seconds"].get<double>() : 0.0;
      std::snprintf(secs, sizeof secs, "%.1fs", seconds);
      out << "    " << str(*r, "step") << ": " << str(*r, "result") << " (" << secs << ")";
      // A step an earlier run left "started", settled against the DC by this run (resume.hpp).
      const auto checked = r->find("checked_on_resume");
      if (checked != r->end() && checked->is_boolean() && checked->get<bool>()) out << " [left by an earlier run; checked against the DC]";
      if (!str(*r, "error").empty()) out << ": " << str(*r, "error");
      out << "\n";
    }
    if (end && !str(*end, "error").empty()) out << "    error: " << str(*end, "error") << "\n";
  }
  if (order.empty()) out << "No installs recorded yet.\n";
  return out.str();
}

}  // namespace installer
