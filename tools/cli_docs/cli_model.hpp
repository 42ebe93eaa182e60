#pragma once
// A plain copy of a program's CLI11 command tree: what the man page and the bash completion
// are written from. Read from the very CLI::App the program parses with (builder::make_app,
// installer::make_app), so a flag added to a command shows in both without anyone touching
// them. Only what --help shows is copied: hidden options and commands (CLI11's empty group)
// are left out, as --help leaves them out.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cli_docs {

// What an option's value is, for the completion: a file, a directory, one of fixed words,
// or anything else (a number, a URL: nothing to offer).
enum class ValueKind { none, file, dir, words };

struct OptionDoc {
  std::vector<std::string> shorts;  // "-o" (with the dash)
  std::vector<std::string> longs;   // "--output"
  std::string positional;           // the positional's name ("BUNDLE"); empty for an option
  std::string value;                // the value's name as --help shows it ("FILE"); empty for a flag
  std::string description;
  std::string default_value;        // as --help shows it after '='
  std::string env;                  // CLI11's envname, when the option reads one
  std::vector<std::string> allowed; // the values an IsMember check allows
  bool required = false;
  bool repeatable = false;          // takes any number of values (or may be given again)
  ValueKind kind = ValueKind::none;

  bool takes_value() const { return !value.empty() || !positional.empty(); }
  // Every name: shorts, then longs.
  std::vector<std::string> names() const;
};

struct CommandDoc {
  std::vector<std::string> path;  // {"trust", "init"}; empty for the program itself
  std::string name;               // the program's or the command's own name
  std::string description;
  std::string footer;             // the exit-code line and notes --help ends with
  std::vector<OptionDoc> options;      // its own, without -h/--help (GLOBAL OPTIONS says it once)
  std::vector<OptionDoc> positionals;  // in order
  std::vector<CommandDoc> commands;
  bool needs_command = false;  // one of `commands` must follow (CLI11's require_subcommand)
  bool falls_through = false;  // its parent's options may follow it (CLI11's fallthrough)

  std::string path_text() const;  // "trust init"; "" for the program
};

// The tree of `app`, its commands in the order --help lists them.
CommandDoc read_app(const CLI::App& app);

// The kind of value a value name stands for: DIR -> dir, FILE, PATH, BUNDLE, RECEIPT or a
// name with an extension (ROOT.json, KEY.pub, OUT.sdc) -> file; anything else -> none.
ValueKind kind_of_value(const std::string& value_name);

}  // namespace cli_docs
