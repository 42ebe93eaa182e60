#pragma once
// Argument rewriting before CLI11 sees the command line (kept in the library so it is
// unit-tested without the commands).

#include <string>
#include <vector>

namespace installer {

// `sdcadm-install BUNDLE` means `sdcadm-install apply BUNDLE` (DESIGN.md): when the
// first argument that is not an option (nor the value of a global option that takes
// one: --root, --imgapi, --sdcadm, --lock-wait) is not a command name, and a command
// called `default_command` exists, it is inserted there. `args` excludes argv[0].
std::vector<std::string> with_default_command(const std::vector<std::string>& args,
                                              const std::vector<std::string>& commands,
                                              const std::string& default_command);

}  // namespace installer
