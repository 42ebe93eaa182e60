// The installer's version, the one place it is compiled in: sdcadm-install-next (a test
// build, installer/CMakeLists.txt) is the same program with a newer SDCB_INSTALLER_VERSION,
// so tests can exercise a real self-update.
#include <installer/installer_version.hpp>

#ifndef SDCB_INSTALLER_VERSION
#define SDCB_INSTALLER_VERSION SDCB_VERSION
#endif

namespace installer {

const char* running_version() { return SDCB_INSTALLER_VERSION; }

}  // namespace installer
