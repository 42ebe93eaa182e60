#pragma once
// The command word of a command line, checked before CLI11 parses it (issue 14 item 1).
// CLI11 alone answers a mistyped command with whatever its parser stumbles on next ("A
// subcommand is required", "The following argument was not expected"), and sdcadm-install,
// whose default command is `apply`, took any unknown word for a bundle path ("bundle histroy
// does not exist", exit 10). Both programs now say, in their usual error form, exit 2:
//   sdcadm-install: error: unknown command 'histroy'; did you mean 'history'? ...
// and take `help [COMMAND [SUBCOMMAND]]` as `[COMMAND [SUBCOMMAND]] --help`.
// Plain strings in and out: common/ does not depend on CLI11 (command_tree.hpp walks the
// CLI11 apps of the front ends).

#include <common/error.hpp>

#include <string>
#include <vector>

namespace common {

// The one name in `names` that starts with `word` (2 characters or more), else the name closest
// to `word` by edit distance (insert, delete, substitute, swap of two neighbours) when that
// distance is at most 2 and less than half the longer word; "" when no name is that close.
std::string closest_name(const std::string& word, const std::vector<std::string>& names);

// Error(usage): "unknown command 'PARENT WORD'; did you mean 'PARENT X'? Commands: A, B, C
// ('PROGRAM [PARENT] --help' says more)". `parent` is "" for a top-level command.
Error unknown_command(const std::string& program, const std::string& parent, const std::string& word,
                      const std::vector<std::string>& names);

// Error(usage) for a command that needs one of its own: "'PROGRAM PARENT' needs a command:
// A, B, C ('PROGRAM PARENT --help' says more)".
Error missing_command(const std::string& program, const std::string& parent, const std::vector<std::string>& names);

// `help` at args[at] (the command word's place): `help` -> `--help`, `help C [S]` -> `C [S] --help`.
// Other arguments are returned as they are.
std::vector<std::string> help_as_flag(const std::vector<std::string>& args, std::size_t at);

}  // namespace common
