#pragma once
// Runs the sdcadm program (the real one in /opt/smartdc/bin, fake-sdcadm in tests) and
// reads its answers. The installer never talks to SAPI, VMAPI or CNAPI itself: sdcadm is
// its only view of the DC's services (reference sdcadm.md §2, §5, §6.9, §6.10).
//
// The child gets the installer's environment unchanged (fake-sdcadm needs
// FAKE_SDCADM_ROOT) and its stdin text through a pipe; stdout and stderr are captured
// (bounded: a runaway child cannot exhaust memory) and, when an observer is given, passed
// on line by line so the operator sees sdcadm's progress. POSIX only (posix_spawn, poll).
//
// Commands that change the DC take no lock here: sdcadm takes /var/run/sdcadm.lock itself,
// so the caller must NOT hold it while calling them (issue5-interfaces.md, "The sdcadm lock").

#include <common/json.hpp>
#include <manifest/version_order.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace installer {

// Captured stdout/stderr stop growing past this many bytes each (the rest is dropped and
// the capture says so); `insts -j` of a 1000-server DC is a few MiB.
inline constexpr std::size_t k_sdcadm_max_capture = 64u << 20;

struct RunResult {
  int exit_code = 0;  // the exit status; 128+N when killed by signal N
  std::string out, err;
};

// Which stream a line came from, for RunOptions::on_line.
enum class Stream { out, err };

struct RunOptions {
  std::string stdin_text;  // written to the child's stdin, then closed
  // Called with each complete line (without '\n') as it arrives; optional.
  std::function<void(Stream stream, std::string_view line)> on_line;
  // The command changes the DC: inside an apply step it runs under the step's ChildWatch
  // (child_watch.hpp: journaled, output through files, never orphaned silently).
  bool changes_dc = false;
};

// Runs `program` with `args` (argv[0] = program) in a process group of its own. Throws Error(config) when the program
// cannot be started (missing, not executable) naming it and --sdcadm; never throws for a
// non-zero exit (that is in the result).
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const RunOptions& options = {});

// One row of `sdcadm check-health -j`. sdcadm leaves "healthy" out of a row whose Ur
// check failed (a server down or timed out: lib/sdcadm.js:4051-4062 deletes it and sets
// only health_errors); such a row is unhealthy when it has health_errors.
struct HealthRow {
  std::string service, instance, alias, hostname;
  bool healthy = true;
  std::vector<std::string> errors;  // health_errors[].message
};

struct HealthReport {
  std::vector<HealthRow> rows;
  // The unhealthy rows as "imgapi0 (imgapi, <uuid>) on headnode: <first error>", one per
  // row, leaving out rows of servers `ignore(hostname)` says to ignore.
  std::vector<std::string> problems(const std::function<bool(const std::string&)>& ignore = {}) const;
  bool healthy() const { return problems().empty(); }
};

// The extra `sdcadm up` flags a spec needs (lib/cli/do_update.js options).
struct UpFlags {
  bool force_same_image = false;  // --force-same-image
  bool force_rabbitmq = false;    // --force-rabbitmq: the spec names rabbitmq
  bool force_data_path = false;   // --force-data-path: the spec names portolan
};

class SdcadmRunner {
 public:
  // `program`: --sdcadm. `observer` receives the output lines of the commands that change
  // the DC (up, self-update, update-*, platform install), so the operator sees progress.
  explicit SdcadmRunner(std::string program,
                        std::function<void(Stream, std::string_view)> observer = {});

  const std::string& program() const { return m_program; }

  // `sdcadm --version`: "sdcadm 1.40.0 (release-20250101-20250101T000000Z-g1234567)".
  // Error(bad_data) for another shape.
  manifest::SdcadmVersion version() const;

  // `sdcadm insts -j` / `sdcadm svcs -j`: the JSON arrays (Error(bad_data) when the output
  // is not a JSON array, Error(step_failed) for a non-zero exit).
  common::Json insts() const;
  common::Json svcs() const;

  // `sdcadm check-health -j`. Exit 1 with rows is a report with unhealthy rows, not an
  // error; no JSON or another exit code is Error(step_failed).
  HealthReport check_health() const;

  // `sdcadm up -y [FLAGS]` with `spec` (sdcadm's update-spec array) on stdin.
  void up(const common::Json& spec, const UpFlags& flags) const;
  // `sdcadm experimental update -y` with `spec` on stdin: as up(), for the agents up skips
  // (UpdateAgentV1's list, e.g. firewall-logger-agent) and dockerlogger.
  void experimental_update(const common::Json& spec) const;
  // `sdcadm self-update -S URL -C CHANNEL --allow-major-update UUID`.
  void self_update(const std::string& url, const std::string& channel,
                   const std::string& uuid) const;
  // `sdcadm experimental update-agents FILE SERVER... -y`: the servers by uuid, never
  // --all (which fails on any server not set up, do_update_agents.js:507-523). A failure
  // naming servers that did not answer Ur says how to leave them out.
  void update_agents(const std::string& file, const std::vector<std::string>& servers) const;
  // `sdcadm experimental update-other`.
  void update_other() const;
  // `sdcadm experimental update-gz-tools FILE -C CHANNEL [-S SERVER,...]`: -C so that sdcadm
  // does not ask the updates server for its default channel; -S the set-up servers to skip.
  void update_gz_tools(const std::string& file, const std::string& channel,
                       const std::vector<std::string>& exclude) const;
  // `sdcadm platform install FILE -y -C CHANNEL`: without -y sdcadm prints "Aborting
  // platform install" and exits 0 when the headnode boots "latest" (lib/platform.js:577-607).
  void platform_install(const std::string& file, const std::string& channel) const;

  // Runs `args`; a non-zero exit is Error(step_failed) "sdcadm ARGS failed (exit N): <last
  // lines of stderr>". Public for the commands above and tests.
  RunResult run_checked(const std::vector<std::string>& args, const std::string& stdin_text,
                        bool observe) const;

 private:
  common::Json json_array(const std::vector<std::string>& args) const;
  // run_checked(args, observed) with `spec` as its stdin text (the update commands).
  void run_with_spec(const std::vector<std::string>& args, const common::Json& spec) const;

  std::string m_program;
  std::function<void(Stream, std::string_view)> m_observer;
};

// Parses `sdcadm --version` output (exposed for tests).
manifest::SdcadmVersion parse_sdcadm_version(std::string_view text);

// Parses `check-health -j` output (exposed for tests). Error(bad_data) for another shape.
HealthReport parse_health(std::string_view text);

}  // namespace installer
