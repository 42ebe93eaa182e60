#pragma once
// The command words of a command line checked against the front end's CLI11 app before it
// parses them (issue 14 item 1; the messages are common/command_words.hpp's). Header-only:
// only the front ends, which link CLI11, include it.

#include <common/command_words.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace common {

inline std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// args[at] is where the command word stands (after the global options). An unknown command,
// an unknown command of a command that needs one of its own (`trust int`), or such a command
// given none (`trust`) is Error(usage) with the names to choose from; asking for help is
// left to CLI11.
inline void check_command_words(CLI::App& app, const std::vector<std::string>& args, std::size_t at,
                                const std::string& program) {
  const bool wants_help = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--help" || a == "-h";
  });
  const std::vector<std::string> names = command_names(app);
  if (at >= args.size() || args[at].empty() || args[at][0] == '-') {
    if (!wants_help && std::find(args.begin(), args.end(), "--version") == args.end()) {
      throw missing_command(program, "", names);
    }
    return;
  }
  const std::string& word = args[at];
  CLI::App* sub = nullptr;
  for (CLI::App* s : app.get_subcommands({})) {
    if (s->get_name() == word) sub = s;
  }
  if (sub == nullptr) throw unknown_command(program, "", word, names);
  const std::vector<std::string> inner = command_names(*sub);
  // A command whose own commands are optional (`receipt [list]`) takes other words there.
  if (inner.empty() || sub->get_require_subcommand_min() == 0) return;
  const std::size_t next = at + 1;
  if (next >= args.size() || args[next].empty() || args[next][0] == '-') {
    if (!wants_help) throw missing_command(program, word, inner);
    return;
  }
  if (std::find(inner.begin(), inner.end(), args[next]) == inner.end()) {
    throw unknown_command(program, word, args[next], inner);
  }
}

}  // namespace common
