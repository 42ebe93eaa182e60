// The sdcadm lock as the commands take it, and the --hold-lock test helper.
#include <tools/fake_sdcadm/commands.hpp>

#include <chrono>
#include <thread>

namespace fake_sdcadm {

FileLock take_sdcadm_lock(const Context& ctx) {
  return FileLock(ctx.root.path("/var/run/sdcadm.lock"), "sdcadm lock", lock_wait_from_env(),
                  [&ctx] { ctx.out << "Waiting for sdcadm lock" << std::endl; });
}

void hold_lock(const Context& ctx, double seconds) {
  const FileLock lock = take_sdcadm_lock(ctx);
  ctx.out << "locked" << std::endl;  // flushed: tests wait for this line
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

}  // namespace fake_sdcadm
