#include <installer/sdcadm_runner.hpp>

#include <installer/child_watch.hpp>
#include <installer/journal.hpp>
#include <installer/process_identity.hpp>

#include <common/error.hpp>
#include <common/log.hpp>
#include <common/stop_signal.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace installer {
namespace {

using common::Error;
using common::ExitCode;

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe(fd) != 0) throw Error(ExitCode::io, std::string("pipe: ") + std::strerror(errno));
    for (int f : fd) ::fcntl(f, F_SETFD, FD_CLOEXEC);
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() { close_end(0); close_end(1); }
};

// One output stream of the child: captured up to the limit, split into lines for on_line.
struct Capture {
  Stream stream;
  std::string* text;
  std::string partial;
  bool truncated = false;

  void add(const char* data, std::size_t n, const RunOptions& options) {
    const std::size_t room = k_sdcadm_max_capture - std::min(k_sdcadm_max_capture, text->size());
    if (n > room) truncated = true;
    text->append(data, std::min(n, room));
    if (!options.on_line) return;
    partial.append(data, n);
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      options.on_line(stream, std::string_view(partial).substr(start, nl - start));
    }
    partial.erase(0, start);
    if (partial.size() > 65536) partial.clear();  // a line that long is not progress text
  }
  void finish(const RunOptions& options) {
    if (options.on_line && !partial.empty()) options.on_line(stream, partial);
  }
};

// Starts the child in a process group of its own (pgid = its pid): a Ctrl-C typed at the
// terminal goes to the foreground group, the installer's, which decides what the child
// gets (child_watch.hpp); the child's fds 0-2 are `in`, `out`, `err`.
pid_t spawn(const std::string& program, const std::vector<std::string>& args, int in, int out, int err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw Error(ExitCode::config, "cannot run sdcadm program " + program + ": " +
                                      std::strerror(rc) + "; give its path with --sdcadm PATH");
  }
  return pid;
}

// Writes what it can of the stdin text without blocking. A child that exits without reading
// would raise SIGPIPE: it is blocked in this thread around the write and a pending one is
// consumed, so the installer survives and the child's exit status tells what happened.
bool feed_stdin(int fd, const std::string& text, std::size_t& done) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
  const int saved = errno;
  if (n < 0 && saved == EPIPE) {
    const timespec zero{0, 0};
    sigtimedwait(&block, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (n > 0) done += static_cast<std::size_t>(n);
  if (n < 0 && saved != EAGAIN && saved != EINTR) return false;  // the child closed stdin
  return done < text.size();
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ExitCode::io, std::string("waitpid: ") + std::strerror(errno));
  }
  return exit_code_of(status);
}

// The last few non-empty lines of a text, joined with "; " (for error messages).
std::string tail_lines(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    start = nl + 1;
  }
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
    if (!out.empty()) out += "; ";
    out += lines[i];
  }
  return out.size() > 2000 ? out.substr(out.size() - 2000) : out;
}

std::string join_args(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

namespace {

// Pipes to and from a read-only command (insts, check-health, --version). A first stop
// signal lets it finish (the step around it stops at its next safe point); a second ends
// its process group: it changes nothing, so nothing is lost.
RunResult run_piped(const std::string& program, const std::vector<std::string>& args, const RunOptions& options) {
  Pipe in, out, err;
  const pid_t pid = spawn(program, args, in.fd[0], out.fd[1], err.fd[1]);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  if (options.stdin_text.empty()) in.close_end(1);

  RunResult result;
  Capture caps[2] = {{Stream::out, &result.out, {}, false}, {Stream::err, &result.err, {}, false}};
  int fds[2] = {out.fd[0], err.fd[0]};
  std::size_t fed = 0;
  char buf[16384];
  while (fds[0] >= 0 || fds[1] >= 0) {
    if (common::stop_count() >= 2) {
      ::kill(-pid, SIGTERM);
      wait_for(pid);
      common::throw_if_stopped("during sdcadm " + join_args(args) + " (ended: it changes nothing)");
    }
    pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
    // A bounded wait: a signal landing between the check above and poll() is seen soon.
    if (::poll(p, 3, 250) < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::io, std::string("poll: ") + std::strerror(errno));
    }
    if (in.fd[1] >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      if (!feed_stdin(in.fd[1], options.stdin_text, fed)) in.close_end(1);
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i], buf, sizeof buf);
      if (n > 0) {
        caps[i].add(buf, static_cast<std::size_t>(n), options);
      } else if (n == 0 || errno != EINTR) {
        fds[i] = -1;  // closed by Pipe's destructor
      }
    }
  }
  in.close_end(1);
  for (auto& c : caps) c.finish(options);
  result.exit_code = wait_for(pid);
  if (caps[0].truncated || caps[1].truncated) {
    common::log::warn("sdcadm " + join_args(args) + ": output longer than " +
                      std::to_string(k_sdcadm_max_capture) + " bytes was cut");
  }
  return result;
}

int open_or_throw(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ExitCode::io, "cannot open " + path + ": " + std::strerror(errno));
  return fd;
}

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

// Reads what the child appended to its output file since the last call.
void drain(int fd, Capture& cap, const RunOptions& options) {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) cap.add(buf, static_cast<std::size_t>(n), options);
    else if (n < 0 && errno == EINTR) continue;
    else return;
  }
}

// A command that changes the DC while a step's ChildWatch is active (child_watch.hpp):
// output through files the installer follows, the child journaled before the wait, a
// first stop signal waited out, a second leaves it running.
RunResult run_watched(const std::string& program, const std::vector<std::string>& args, const RunOptions& options,
                      const ChildWatch& watch) {
  static int serial = 0;
  make_directories(watch.output_dir);
  std::string name = utc_now_ms() + "-" + std::to_string(::getpid()) + "-" + std::to_string(++serial);
  for (char& c : name) if (c == ':') c = '-';
  const std::string base = watch.output_dir + "/" + name;
  Fd wout{open_or_throw(base + ".out", O_WRONLY | O_CREAT | O_TRUNC)};
  Fd werr{open_or_throw(base + ".err", O_WRONLY | O_CREAT | O_TRUNC)};
  Fd rout{open_or_throw(base + ".out", O_RDONLY)};
  Fd rerr{open_or_throw(base + ".err", O_RDONLY)};
  Pipe in;
  const pid_t pid = spawn(program, args, in.fd[0], wout.fd, werr.fd);
  ::close(wout.fd);
  wout.fd = -1;
  ::close(werr.fd);
  werr.fd = -1;
  in.close_end(0);
  const ChildInfo info{pid, process_start_time(pid), "sdcadm " + join_args(args), base + ".out and .err"};
  try {
    if (watch.started) watch.started(info);
  } catch (...) {
    // Not journaled, so a re-run could not find it: do not leave it running.
    ::kill(-pid, SIGTERM);
    wait_for(pid);
    throw;
  }
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  if (options.stdin_text.empty()) in.close_end(1);

  RunResult result;
  Capture caps[2] = {{Stream::out, &result.out, {}, false}, {Stream::err, &result.err, {}, false}};
  std::size_t fed = 0;
  int seen = 0;
  for (;;) {
    if (in.fd[1] >= 0 && !feed_stdin(in.fd[1], options.stdin_text, fed)) in.close_end(1);
    drain(rout.fd, caps[0], options);
    drain(rerr.fd, caps[1], options);
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      drain(rout.fd, caps[0], options);
      drain(rerr.fd, caps[1], options);
      result.exit_code = exit_code_of(status);
      break;
    }
    if (r < 0 && errno != EINTR) throw Error(ExitCode::io, std::string("waitpid: ") + std::strerror(errno));
    const int signals = common::stop_count();
    if (signals > seen) {
      if (seen == 0 && watch.waiting) watch.waiting(info);
      seen = signals;
      if (signals >= 2) {
        if (watch.left_running) watch.left_running(info);
        throw Error(ExitCode::interrupted,
                    "stopped by " + common::signal_name(common::stop_signal()) + " a second time while " +
                        info.command + " (pid " + std::to_string(pid) +
                        ") was running; it was left running (its output goes to " + info.output +
                        ") and the journal records it. Run sdcadm-install again: it waits for that command "
                        "to finish (--lock-wait SECONDS) and then checks its outcome");
      }
    }
    ::poll(nullptr, 0, 100);  // a file never blocks a read: follow it at 10 Hz
  }
  in.close_end(1);
  for (auto& c : caps) c.finish(options);
  return result;
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const RunOptions& options) {
  const ChildWatch* watch = options.changes_dc ? ChildWatchScope::current() : nullptr;
  return watch != nullptr ? run_watched(program, args, options, *watch) : run_piped(program, args, options);
}

std::vector<std::string> HealthReport::problems(const std::function<bool(const std::string&)>& ignore) const {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    if (r.healthy || (ignore && ignore(r.hostname))) continue;
    std::string name = r.alias.empty() ? r.service : r.alias + " (" + r.service + ")";
    out.push_back(name + (r.instance.empty() ? "" : " " + r.instance) +
                  (r.hostname.empty() ? "" : " on " + r.hostname) + ": " +
                  (r.errors.empty() ? std::string("unhealthy") : r.errors.front()));
  }
  return out;
}

SdcadmRunner::SdcadmRunner(std::string program, std::function<void(Stream, std::string_view)> observer)
    : m_program(std::move(program)), m_observer(std::move(observer)) {}

RunResult SdcadmRunner::run_checked(const std::vector<std::string>& args,
                                    const std::string& stdin_text, bool observe) const {
  RunOptions options;
  options.stdin_text = stdin_text;
  options.changes_dc = observe;  // the observed commands are the ones that change the DC
  if (observe && m_observer) options.on_line = m_observer;
  common::log::debug("running sdcadm " + join_args(args), {{"argv", args}});
  RunResult r = run_program(m_program, args, options);
  if (r.exit_code != 0) {
    std::string why = tail_lines(r.err, 3);
    if (why.empty()) why = tail_lines(r.out, 3);
    throw Error(ExitCode::step_failed, "sdcadm " + join_args(args) + " failed (exit " +
                                           std::to_string(r.exit_code) + ")" +
                                           (why.empty() ? "" : ": " + why));
  }
  return r;
}

common::Json SdcadmRunner::json_array(const std::vector<std::string>& args) const {
  const RunResult r = run_checked(args, {}, false);
  common::Json j = common::parse_json(r.out, "output of sdcadm " + join_args(args), 32,
                                      k_sdcadm_max_capture);
  if (!j.is_array()) {
    throw Error(ExitCode::bad_data, "output of sdcadm " + join_args(args) + " is not a JSON array");
  }
  return j;
}

common::Json SdcadmRunner::insts() const { return json_array({"insts", "-j"}); }
common::Json SdcadmRunner::svcs() const { return json_array({"svcs", "-j"}); }

manifest::SdcadmVersion SdcadmRunner::version() const {
  return parse_sdcadm_version(run_checked({"--version"}, {}, false).out);
}

HealthReport SdcadmRunner::check_health() const {
  const RunResult r = run_program(m_program, {"check-health", "-j"});
  if (r.exit_code != 0 && r.exit_code != 1) {
    throw Error(ExitCode::step_failed, "sdcadm check-health -j failed (exit " +
                                           std::to_string(r.exit_code) + "): " + tail_lines(r.err, 3));
  }
  try {
    return parse_health(r.out);
  } catch (const Error& e) {
    if (r.exit_code == 0) throw;
    throw Error(ExitCode::step_failed, "sdcadm check-health -j failed (exit 1): " + tail_lines(r.err, 3));
  }
}

void SdcadmRunner::run_with_spec(const std::vector<std::string>& args, const common::Json& spec) const {
  run_checked(args, common::dump_json(spec, 2) + "\n", true);
}

void SdcadmRunner::up(const common::Json& spec, const UpFlags& flags) const {
  std::vector<std::string> args = {"up", "-y"};
  if (flags.force_same_image) args.push_back("--force-same-image");
  if (flags.force_rabbitmq) args.push_back("--force-rabbitmq");
  if (flags.force_data_path) args.push_back("--force-data-path");
  run_with_spec(args, spec);
}

void SdcadmRunner::experimental_update(const common::Json& spec) const {
  run_with_spec({"experimental", "update", "-y"}, spec);
}

void SdcadmRunner::self_update(const std::string& url, const std::string& channel,
                               const std::string& uuid) const {
  run_checked({"self-update", "-S", url, "-C", channel, "--allow-major-update", uuid}, {}, true);
}

void SdcadmRunner::update_agents(const std::string& file, const std::vector<std::string>& servers) const {
  std::vector<std::string> args = {"experimental", "update-agents", file};
  args.insert(args.end(), servers.begin(), servers.end());
  args.push_back("-y");
  try {
    run_checked(args, {}, true);
  } catch (const Error& e) {
    // failedUrBroadcast (do_update_agents.js:326-333): the other servers were updated.
    const std::string what = e.what();
    if (what.find("did not reply to Ur broadcast") == std::string::npos) throw;
    throw Error(e.code(), what + ". The servers that answered were updated; bring the silent one back (or leave it "
                                 "out of this update with --exclude-servers HOSTNAME) and run sdcadm-install again");
  }
}

void SdcadmRunner::update_other() const { run_checked({"experimental", "update-other"}, {}, true); }

void SdcadmRunner::update_gz_tools(const std::string& file, const std::string& channel,
                                   const std::vector<std::string>& exclude) const {
  std::vector<std::string> args = {"experimental", "update-gz-tools", file, "-C", channel};
  if (!exclude.empty()) {
    std::string list;
    for (const auto& s : exclude) list += (list.empty() ? "" : ",") + s;
    args.insert(args.end(), {"-S", list});
  }
  run_checked(args, {}, true);
}

void SdcadmRunner::platform_install(const std::string& file, const std::string& channel) const {
  run_checked({"platform", "install", file, "-y", "-C", channel}, {}, true);
}

manifest::SdcadmVersion parse_sdcadm_version(std::string_view text) {
  // "sdcadm 1.40.0 (release-20250101-20250101T000000Z-g1234567)"
  std::string t(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  const std::size_t sp = t.find(' ');
  const std::size_t open = t.find(" (");
  if (t.rfind("sdcadm ", 0) != 0 || open == std::string::npos || open <= sp || t.back() != ')') {
    throw Error(ExitCode::bad_data, "sdcadm --version printed \"" + t.substr(0, 200) +
                                        "\", expected \"sdcadm VERSION (BUILDSTAMP)\"");
  }
  manifest::SdcadmVersion v;
  v.version = t.substr(sp + 1, open - sp - 1);
  v.buildstamp = t.substr(open + 2, t.size() - open - 3);
  if (!manifest::parse_semver(v.version) || !manifest::buildstamp_time(v.buildstamp)) {
    throw Error(ExitCode::bad_data, "sdcadm --version printed \"" + t.substr(0, 200) +
                                        "\": not a semver version and a build stamp");
  }
  return v;
}

HealthReport parse_health(std::string_view text) {
  const common::Json j = common::parse_json(text, "output of sdcadm check-health -j", 16,
                                            k_sdcadm_max_capture);
  if (!j.is_array()) throw Error(ExitCode::bad_data, "output of sdcadm check-health -j is not a JSON array");
  HealthReport report;
  auto str = [](const common::Json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& row = j[i];
    const std::string where = "output of sdcadm check-health -j: row " + std::to_string(i);
    if (!row.is_object()) throw Error(ExitCode::bad_data, where + " is not an object");
    HealthRow h{str(row, "service"), str(row, "instance"), str(row, "alias"), str(row, "hostname"), true, {}};
    if (row.contains("health_errors")) {
      if (!row["health_errors"].is_array()) throw Error(ExitCode::bad_data, where + ": health_errors is not an array");
      for (const auto& e : row["health_errors"]) {
        if (e.is_object()) h.errors.push_back(str(e, "message"));
      }
    }
    if (row.contains("healthy")) {
      if (!row["healthy"].is_boolean()) throw Error(ExitCode::bad_data, where + ": \"healthy\" is not a boolean");
      h.healthy = row["healthy"].get<bool>();
    } else {
      // A failed Ur check: sdcadm deletes "healthy" and keeps health_errors (lib/sdcadm.js:4051-4062).
      h.healthy = h.errors.empty();
      if (!h.healthy && h.errors.front().empty()) h.errors.front() = "the Ur check failed";
    }
    report.rows.push_back(std::move(h));
  }
  return report;
}

}  // namespace installer
