#pragma once
// How `sdcadm-install apply` behaves on SIGINT, SIGTERM and SIGHUP (issue 12 item 1;
// docs/exit-codes.md code 12). common::StopSignals counts the signals; the work stops at
// its next safe point:
//   * stage: between two writes of a member (stage.cpp); the temp files are removed as on
//     any failure, nothing is renamed into place;
//   * import: no new image starts, an upload in flight is cut (its progress callback
//     throws) and the image it left unactivated is deleted (import.cpp remove_half_made);
//   * between steps (apply.cpp): before a step starts, after one finished (recorded done);
//   * during an sdcadm step: the first signal waits for the command (it says which, and
//     that a second signal leaves it running); the second leaves it running, journaled
//     (child_watch.hpp), and a re-run waits for it (resume.hpp).
// The run's end is recorded in the history as "interrupted" and the program exits 12.

#include <installer/child_watch.hpp>
#include <installer/journal.hpp>

#include <functional>
#include <string>

namespace installer {

// The ChildWatch of step `step`: journals the child (pid, start time, command, output
// files) as soon as it runs, tells the operator through `say` what a first signal does,
// and journals that a second one left the child running.
ChildWatch step_child_watch(Journal& journal, const std::string& step, const std::string& output_dir,
                            const std::function<void(const std::string&)>& say);

}  // namespace installer
