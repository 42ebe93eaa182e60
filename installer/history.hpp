#pragma once
// The install history (issue 5 item 9): what every `sdcadm-install apply` did, kept under
// /var/sdcadm/install/history.jsonl as one JSON object per line:
//   {"event": "run-start", "run": RUN, "time": T, "bundle_id", "bundle_digest", "channel",
//    "signers": [...], "user", "overrides": {"force", "yes", "spec"}, "plan": {...}}
//   {"event": "step", "run": RUN, "bundle_id", "step", "result": "done"|"failed"|"skipped"|
//    "interrupted", "started": T, "ended": T, "seconds", "error"?, "checked_on_resume"?}
//    (checked_on_resume: a step an earlier run left "started", settled by this run against
//    the DC; "started" is then that earlier attempt's, installer/resume.hpp)
//   {"event": "run-end", "run": RUN, "bundle_id", "time": T, "result": "ok"|"up-to-date"|
//    "failed"|"interrupted" (a stop signal, exit 12), "exit_code", "error"?, "stopped_at"?}
// Append-only: each record is one write() on a file opened with O_APPEND, never rewritten.
// When the file passes max_bytes it is rotated before the next append: history.jsonl.1 ...
// .N (N = keep), the oldest dropped, the current renamed to .1 - renames only.

#include <common/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace installer {

struct HistoryOptions {
  std::uint64_t max_bytes = 8u << 20;  // rotate once the file is this large
  int keep = 5;                        // rotated files kept
};

class History {
 public:
  explicit History(std::string path, HistoryOptions options = {});

  const std::string& path() const { return m_path; }

  // Appends one record (compact JSON + '\n') in one write, after rotating when due.
  // Throws Error(io) / Error(no_space).
  void append(const common::Json& record);

  // Every record, oldest first, from the rotated files and the current one. Lines that do
  // not parse (a torn last line after a power cut) are skipped and counted in `*skipped`.
  std::vector<common::Json> read_all(std::size_t* skipped = nullptr) const;

 private:
  void rotate_if_due();

  std::string m_path;
  HistoryOptions m_options;
};

// The user running the installer: the login name of the real uid ("uid N" if unknown).
std::string current_user();

// A fresh run id (random, uuid-shaped).
std::string new_run_id();

// The history as text for `sdcadm-install history`: one block per run.
std::string history_text(const std::vector<common::Json>& records);

}  // namespace installer
