#pragma once
// One program's man page, sdcadm-bundle(1) or sdcadm-install(1), in roff with the man(7)
// macros. The command-line sections (SYNOPSIS, GLOBAL OPTIONS, COMMANDS) come from the
// program's own CLI11 tree and EXIT STATUS from the exit-code table, so they cannot drift
// from --help; DESCRIPTION, FILES and ENVIRONMENT are hand-written prose (docs/man/).

#include "cli_model.hpp"

#include <map>
#include <string>

namespace cli_docs {

struct ManPage {
  std::string program;  // "sdcadm-bundle"
  std::string version;  // "0.1.0"
  std::string see_also; // the other program, "" for none
  // DESCRIPTION, FILES, ENVIRONMENT (roff, without their .SH lines): read_prose below.
  std::map<std::string, std::string> prose;
};

// The sections of a prose file: roff split at its ".SH NAME" lines. Every one of
// DESCRIPTION, FILES and ENVIRONMENT must be there, and nothing else (a section the page
// would not print is a mistake): std::runtime_error naming `source` otherwise.
std::map<std::string, std::string> read_prose(const std::string& text, const std::string& source);

// The whole page.
std::string man_page(const CommandDoc& program, const ManPage& page);

}  // namespace cli_docs
