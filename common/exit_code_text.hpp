#pragma once
// A one-line description of every exit code (common/exit_code.hpp), and the "Exit codes: ..."
// footer of a command's --help built from it, so no footer repeats a number by hand (issue 14).
// docs/exit-codes.md says the same at length; a unit test keeps its numbers and names in step.

#include <common/exit_code.hpp>

#include <string>
#include <utility>
#include <vector>

namespace common {

struct ExitCodeInfo {
  ExitCode code;
  const char* name;     // the enumerator's name, as docs/exit-codes.md lists it
  const char* summary;  // a few words for a --help footer ("not enough free space")
};

// Every code of the enum, in numeric order.
const std::vector<ExitCodeInfo>& exit_code_table();

// One code of a footer: its table summary, or what it means for this command when `note` is
// not empty ("output exists (--force replaces it)").
struct FooterCode {
  ExitCode code;
  std::string note;
  FooterCode(ExitCode c, std::string n = {}) : code(c), note(std::move(n)) {}  // NOLINT: implicit on purpose
};

// Families of codes a command takes whole: every check of a damaged bundle (20-26), every
// trust check (30-38).
enum class CodeFamily { bundle, trust };

// "Exit codes: 0 success, 2 usage error, ... (docs/exit-codes.md)." in numeric order. 0 and 2
// are always there (every command can be called wrongly); a code given in `codes` overrides
// its family's summary. Two or more codes of a family (20-26 damaged bundle, 30-38 not
// trusted) become one group, each code still named: "30-38 not trusted (30 unsigned, ...)".
std::string exit_code_footer(std::vector<FooterCode> codes, std::vector<CodeFamily> families = {});

}  // namespace common
