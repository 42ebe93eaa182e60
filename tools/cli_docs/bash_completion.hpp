#pragma once
// One program's bash completion script (share/bash-completion/completions/PROGRAM), from the
// same CLI11 tree as its man page and --help.
//
// What it completes, at the word under the cursor:
//   - after an option that takes a value: files (FILE, ROOT.json, ...), directories (DIR),
//     the allowed words (an IsMember check), else nothing;
//   - a word starting with '-': the flags valid there: the command's own and, where the
//     command falls through (CLI11's fallthrough), its parents' (the global options);
//   - any other word: the commands valid there (`trust <TAB>`: init, rotate, ...), and files
//     where the command takes a file argument.
// An unknown word where a command is required ends completion (`sdcadm-bundle nosuch --<TAB>`
// offers nothing: the line would fail with "unknown command"), except where the program
// has a default command for it (`sdcadm-install B.sdc --<TAB>` completes as apply's).

#include "cli_model.hpp"

#include <string>

namespace cli_docs {

// `default_command` is the command a non-command word at the top level is an argument of
// ("apply" for sdcadm-install), "" for none.
std::string bash_completion(const CommandDoc& program, const std::string& default_command);

}  // namespace cli_docs
