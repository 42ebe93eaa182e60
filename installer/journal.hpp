#pragma once
// The apply journal (issue 5 item 8): one small JSON file per bundle,
// <journal_dir>/<bundle_id>.json, rewritten atomically (common::write_file_atomic: temp
// file, fsync, rename, fsync of the directory) before a step starts and after it ends. A
// `kill -9` at any moment leaves either the previous or the next version, never a torn one,
// so a re-run knows exactly which steps finished:
//   * "done" steps are skipped;
//   * a step left "started" (killed mid-step) or "failed" is run again: every step is
//     idempotent (staging keeps verified files, import skips active images, sdcadm skips
//     instances already on their image);
//   * once every step is done the journal is "finished"; a re-run whose new plan still has
//     work (a held-back service the operator now includes, a server back in service)
//     reopens it: those steps start afresh, the others stay done.
//
//   {"bundle_id": "...", "bundle_digest": "...", "content_id": "...", "state": "running" | "finished",
//    "created": T, "updated": T, "finished": T|null, "runs": N,
//    "steps": [{"name": "up-services", "state": "started"|"done"|"failed",
//               "started": T, "ended": T|null, "attempts": N, "error": "..."|null,
//               "child": {"pid": N, "start": "...", "command": "sdcadm ...", "output": "...",
//                         "left_running": bool}  (only while/after an sdcadm command ran),
//               "evidence": {...}|null  (what the post-step check saw, step_checks.hpp)}]}
// "child" is the step's sdcadm command (issue 12 item 2): written as soon as it started, so
// a re-run finds a command a killed installer left running (installer/resume.hpp).
//
// The file is read back as hostile input (bounded, checked); a damaged journal is
// Error(bad_data) naming the file and saying to move it away to start the bundle afresh.

#include <common/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace installer {

enum class StepState { started, done, failed };
const char* to_string(StepState state);

struct JournalStep {
  std::string name;
  StepState state = StepState::started;
  std::string started, ended;  // RFC 3339 UTC with milliseconds; "" = not yet
  int attempts = 0;
  std::string error;           // the last failure's message
  // The step's sdcadm command as last started (child_watch.hpp); pid 0 = none recorded.
  long child_pid = 0;
  std::string child_start, child_command, child_output;
  bool child_left_running = false;  // the installer exited on a second signal, leaving it
  // What the post-step check saw (issue 13 item 1; step_checks.hpp): a JSON object such as
  // {"check": "instances", "instances": [{"uuid": ..., "image": ...}]}; null when the step has
  // no check or has not passed it. Carried into the history and the install receipt.
  common::Json evidence;
};

class Journal {
 public:
  // Opens the journal of `bundle_id` under `dir` (created when missing), or starts a new
  // one in memory (written at the first change). `bundle_digest` and `content_id` are
  // recorded; a journal of the same bundle id with another digest is refused
  // (Error(conflict)): apply moves such a journal away first (retire_other_build).
  static Journal open(const std::string& dir, const std::string& bundle_id,
                      const std::string& bundle_digest, const std::string& content_id = "");

  const std::string& path() const { return m_path; }
  const std::string& bundle_id() const { return m_bundle_id; }
  const std::string& content_id() const { return m_content_id; }
  bool exists_on_disk() const { return m_on_disk; }
  bool finished() const { return m_finished; }
  const std::string& finished_at() const { return m_finished_at; }
  int runs() const { return m_runs; }
  const std::vector<JournalStep>& steps() const { return m_steps; }

  // The step called `name`, or nullptr.
  const JournalStep* find(const std::string& name) const;
  bool is_done(const std::string& name) const;

  // Records the start of a run (runs + 1), written at once.
  void begin_run();
  // Writes "started" for the step before it runs (attempts + 1).
  void step_started(const std::string& name);
  // Writes "done" / "failed" after it, with the post-step check's evidence (null: none).
  void step_done(const std::string& name, const common::Json& evidence = nullptr);
  void step_failed(const std::string& name, const std::string& error, const common::Json& evidence = nullptr);
  // Records the step's sdcadm command (pid, start time, command line, output files) /
  // that the installer left it running. Written at once.
  void step_child(const std::string& name, long pid, const std::string& start, const std::string& command,
                  const std::string& output);
  void child_left_running(const std::string& name);
  // Marks the bundle finished.
  void finish();
  // A finished bundle with more to do: not finished any more, and the records of `names`
  // removed so that those steps run again. Written at once.
  void reopen(const std::vector<std::string>& names);

  // The first step that is not done, for messages ("stopped at up-moray"); "" when none.
  std::string stopped_at() const;

 private:
  Journal() = default;
  void write();
  JournalStep& step(const std::string& name);
  common::Json to_json() const;

  std::string m_path, m_bundle_id, m_digest, m_content_id, m_created, m_finished_at;
  bool m_on_disk = false;
  bool m_finished = false;
  int m_runs = 0;
  std::vector<JournalStep> m_steps;
};

// mkdir -p (mode 0755): /var/sdcadm/install is missing on a headnode that never ran us.
// Throws Error(io).
void make_directories(const std::string& dir);

// Now as "YYYY-MM-DDTHH:MM:SS.sssZ".
std::string utc_now_ms();

}  // namespace installer
