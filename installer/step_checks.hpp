#pragma once
// Checks after an sdcadm step that the DC shows what the step was for. sdcadm can exit 0
// having done nothing: a change no procedure took is dropped silently
// (lib/procedures/index.js:262-267, 313-334, `changes = remaining` at :279), and
// `platform install` without -y on a headnode booting "latest" prints "Aborting platform
// install" and exits 0 (lib/platform.js:577-607). Each check throws
// Error(step_unverified) naming the evidence; the step is then recorded as failed, so a
// re-run tries it again. On success each returns its evidence, a JSON object recorded with
// the step in the journal, the history and the install receipt:
//   {"check": "<kind>", ...what was seen...}

#include <installer/sdcadm_runner.hpp>

#include <common/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace installer {

// Every (instance uuid, target image) in `moving` runs its target in `sdcadm insts -j`.
common::Json verify_instances(const SdcadmRunner& runner, const std::string& step,
                      const std::vector<std::pair<std::string, std::string>>& moving);

// <usbkey_os>/<stamp>/ exists: where install-platform.sh leaves an installed platform.
common::Json verify_platform(const std::string& usbkey_os, const std::string& stamp);

}  // namespace installer
