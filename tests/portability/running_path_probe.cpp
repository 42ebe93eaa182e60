// Test program for tests/integration/portable_installer_chroot.sh (issue 15, docs/porting.md §6):
// prints what installer::running_binary_path() finds, the path the self-update replaces, so the
// test can check it in a chroot without /proc, where /proc/self/exe and /proc/self/path/a.out
// are missing and argv[0] (made absolute, or searched in $PATH) is what is left. Linked like
// the portable installer (cmake/PortableInstaller.cmake). Exit 0 and the path, or 3 and the
// installer's own error.
#include <installer/installer_version.hpp>
#include <installer/self_update.hpp>

#include <common/error.hpp>

#include <cstdio>

namespace installer {
// The library asks the running installer's version (installer/cli/version.cpp in the real one).
const char* running_version() { return "0.0.0-probe"; }
}  // namespace installer

int main(int argc, char** argv) {
  installer::remember_invocation(argc, argv);
  try {
    std::printf("%s\n", installer::running_binary_path().c_str());
    return 0;
  } catch (const common::Error& e) {
    std::fprintf(stderr, "running-path-probe: %s\n", e.what());
    return 3;
  }
}
