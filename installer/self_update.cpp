// Why a hard link for .prev: it keeps the old binary without copying it and without a
// moment where <path> is missing; the new binary then replaces <path> by rename, so a
// crash leaves either the old or the new installer at <path>, never a partial one.

#include <installer/self_update.hpp>

#include <installer/installer_version.hpp>

#include <common/atomic_file.hpp>
#include <common/error.hpp>
#include <common/version_probe.hpp>
#include <manifest/version_order.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

std::vector<std::string>& saved_argv() {
  static std::vector<std::string> argv;
  return argv;
}

std::string errno_text() { return std::strerror(errno); }

std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

std::string link_target(const char* link) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link, buf, sizeof buf - 1);
  if (n <= 0) return "";
  return resolved(std::string(buf, static_cast<std::size_t>(n)));
}

std::string from_argv0() {
  if (saved_argv().empty()) return "";
  const std::string& a0 = saved_argv().front();
  if (a0.find('/') != std::string::npos) return resolved(a0);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = (end == start ? "." : dirs.substr(start, end - start)) + "/" + a0;
    if (::access(candidate.c_str(), X_OK) == 0) return resolved(candidate);
    start = end + 1;
  }
  return "";
}

// Copies `from` to `to` atomically (streamed): the fallback for file systems without links.
void copy_file(const std::string& from, const std::string& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ExitCode::io, "open " + from + ": " + errno_text());
  try {
    common::AtomicFile out(to, 0755);
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ExitCode::io, "read " + from + ": " + errno_text());
      if (n == 0) break;
      out.write(buf, static_cast<std::size_t>(n));
    }
    out.commit();
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace

void remember_invocation(int argc, char** argv) {
  saved_argv().assign(argv, argv + argc);
}

const std::vector<std::string>& invocation() { return saved_argv(); }

bool reexecuted_for(const std::string& bundle_id) {
  const char* v = std::getenv(k_reexec_env);
  return v != nullptr && bundle_id == v;
}

const manifest::BundleArtifact* installer_to_install(const manifest::BundleIndex& index,
                                                     std::string_view running) {
  const manifest::BundleArtifact* carried = carried_installer(index);
  if (carried == nullptr || reexecuted_for(index.bundle_id)) return nullptr;
  if (!manifest::parse_semver(carried->version)) {
    throw Error(ExitCode::bundle_corrupt, "bundle index: the installer artifact's version \"" + carried->version +
                                              "\" is not a semantic version; the bundle is damaged");
  }
  return manifest::compare_semver(carried->version, running) > 0 ? carried : nullptr;
}

std::string running_binary_path() {
  // portable: Linux's link, then illumos' /proc/self/path/a.out, then argv[0] (no /proc at all)
  std::string path = link_target("/proc/self/exe");
  if (path.empty()) path = link_target("/proc/self/path/a.out");
  if (path.empty()) path = from_argv0();
  if (path.empty()) {
    throw Error(ExitCode::io, "cannot find the running sdcadm-install's own file to update it; run it by its "
                              "full path (e.g. /opt/smartdc/bin/sdcadm-install)");
  }
  return path;
}

void install_installer(const VerifiedBundle& bundle, const manifest::BundleArtifact& artifact,
                       const std::string& target) {
  common::AtomicFile out(target, 0755);
  bundle.reader().extract_member(artifact.file_member, [&out](const char* data, std::size_t size) { out.write(data, size); });
  // The umask may have taken bits away: the installer must be executable.
  if (::chmod(out.temp_path().c_str(), 0755) != 0) {
    throw Error(ExitCode::io, "chmod " + out.temp_path() + ": " + errno_text());
  }
  out.seal();  // closed: a file open for writing cannot be executed (ETXTBSY)
  check_runs(out.temp_path(), artifact.version);
  keep_previous(target);
  out.commit();
}

void check_runs(const std::string& path, const std::string& expected, std::chrono::milliseconds timeout) {
  std::string output;
  try {
    output = common::version_output(path, timeout);
  } catch (const Error& e) {
    throw Error(ExitCode::installer_unusable,
                "the bundle's sdcadm-install " + expected + " does not run on this headnode (" + e.what() +
                    "); it was probably built for another system. Nothing was installed");
  }
  const std::string said = common::version_word(output);
  if (said != expected) {
    throw Error(ExitCode::installer_unusable,
                "the bundle's sdcadm-install says it is version \"" + said + "\", but the signed index names " +
                    expected + "; the bundle was built wrongly. Nothing was installed");
  }
}

void keep_previous(const std::string& target, PrevBy how) {
  const std::string prev = target + ".prev";
  const std::string temp = prev + ".tmp." + std::to_string(::getpid());
  ::unlink(temp.c_str());
  if (how == PrevBy::link_or_copy && ::link(target.c_str(), temp.c_str()) == 0) {
    if (::rename(temp.c_str(), prev.c_str()) != 0) {
      const std::string why = errno_text();
      ::unlink(temp.c_str());
      throw Error(ExitCode::io, "keeping the previous installer as " + prev + ": " + why);
    }
    return;
  }
  copy_file(target, prev);
}

void reexec(const std::string& path, const std::vector<std::string>& argv, const std::string& bundle_id) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  if (args.empty()) args.push_back(const_cast<char*>(path.c_str()));
  args.push_back(nullptr);
  if (::setenv(k_reexec_env, bundle_id.c_str(), 1) != 0) {
    throw Error(ExitCode::io, std::string("setenv ") + k_reexec_env + ": " + errno_text());
  }
  ::execv(path.c_str(), args.data());
  throw Error(ExitCode::io, "re-executing the new installer " + path + ": " + errno_text() +
                                "; it is installed: run the same command again");
}

}  // namespace installer
