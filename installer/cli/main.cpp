// sdcadm-install entry point; everything lives in installer::run.
#include <installer/cli/cli.hpp>

int main(int argc, char** argv) { return installer::run(argc, argv); }
