// sdcadm-bundle entry point; everything lives in builder::run.
#include <builder/cli/cli.hpp>

int main(int argc, char** argv) { return builder::run(argc, argv); }
