#pragma once
// Runs a helper program the way sdcadm shells out (tar for gz-tools, bash for an agents
// installer): argv[0] looked up on PATH, stdin from /dev/null, stdout and stderr both to
// `output` (created or truncated) or, when `output` is empty, to fake-sdcadm's stderr so
// they never mix with the sdcadm-like text on stdout. POSIX (posix_spawnp).

#include <string>
#include <vector>

namespace fake_sdcadm {

struct SpawnRequest {
  std::vector<std::string> argv;       // argv[0] is the program
  std::vector<std::string> extra_env;  // "NAME=value" added to (or replacing in) the environment
  std::string output;                  // file for stdout+stderr; "" = fake-sdcadm's stderr
};

// The child's exit status, 128+N when it was killed by signal N. Throws Error(config) when
// the program cannot be started and Error(io) when `output` cannot be opened.
int run_and_wait(const SpawnRequest& request);

}  // namespace fake_sdcadm
