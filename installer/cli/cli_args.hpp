#pragma once
// Argument rewriting before CLI11 sees the command line (kept in the library so it is
// unit-tested without the commands).

#include <string>
#include <vector>

namespace installer {

// Where the command word stands in `args` (argv without argv[0]): the first argument that is
// not an option nor the value of a global option that takes one (--root, --imgapi, --sdcadm,
// --sdc-server, --sdc-amonadm, --lock-wait, --stdin-timeout); args.size() when there is none
// (or only after `--`).
std::size_t command_word_index(const std::vector<std::string>& args);

// True for a word that can only be a bundle: "-" (standard input), a name ending in ".sdc",
// ".sdc.NNN" (a split volume) or ".parts.json", or an existing file.
bool names_a_bundle(const std::string& word);

// `sdcadm-install BUNDLE` means `sdcadm-install apply BUNDLE` (DESIGN.md): when the command
// word is no command name but names a bundle (names_a_bundle) and a command called
// `default_command` exists, it is inserted there. Any other unknown word (`histroy`, `up`)
// is Error(usage) "unknown command 'histroy'; did you mean 'history'? ..." instead of a
// "bundle does not exist" (issue 14 item 1); `help` is left for common::help_as_flag.
std::vector<std::string> with_default_command(const std::vector<std::string>& args,
                                              const std::vector<std::string>& commands,
                                              const std::string& default_command);

}  // namespace installer
