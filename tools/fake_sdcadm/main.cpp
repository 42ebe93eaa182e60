// fake-sdcadm: the simulated headnode's sdcadm (docs/simulated-headnode.md). Speaks the real
// sdcadm CLI contract over <FAKE_SDCADM_ROOT>/var/fake-sdcadm/state.json. Errors print
// "sdcadm <command>: error: <message>" on stderr and exit 1, as sdcadm (node-cmdln) does.
#include <tools/fake_sdcadm/cli.hpp>

int main(int argc, char** argv) { return fake_sdcadm::run(argc, argv); }
