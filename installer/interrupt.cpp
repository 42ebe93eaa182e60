#include <installer/interrupt.hpp>

#include <common/stop_signal.hpp>

namespace installer {

ChildWatch step_child_watch(Journal& journal, const std::string& step, const std::string& output_dir,
                            const std::function<void(const std::string&)>& say) {
  ChildWatch w;
  w.output_dir = output_dir;
  w.started = [&journal, step](const ChildInfo& c) {
    journal.step_child(step, c.pid, c.start, c.command, c.output);
  };
  w.waiting = [step, say](const ChildInfo& c) {
    if (!say) return;
    say("sdcadm-install: got " + common::signal_name(common::stop_signal()) + "; waiting for step " + step + " (" +
        c.command + ", pid " + std::to_string(c.pid) + ") to finish, then stopping. Press Ctrl-C again to leave it "
        "running and exit now (a re-run waits for it)");
  };
  w.left_running = [&journal, step](const ChildInfo&) { journal.child_left_running(step); };
  return w;
}

}  // namespace installer
