#include <installer/cli/cli_args.hpp>

#include <common/command_words.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <iterator>
#include <sys/stat.h>

namespace installer {

namespace {

// Global options that take their value as the next argument.
const char* const k_valued_globals[] = {"--root", "--imgapi", "--sdcadm", "--sdc-server", "--sdc-amonadm",
                                        "--lock-wait", "--stdin-timeout"};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::size_t command_word_index(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return args.size();
    if (!a.empty() && a[0] == '-' && a != "-") {
      const bool valued = std::any_of(std::begin(k_valued_globals), std::end(k_valued_globals),
                                      [&](const char* o) { return a == o; });
      if (valued) ++i;  // skip its value
      continue;
    }
    return i;
  }
  return args.size();
}

bool names_a_bundle(const std::string& word) {
  if (word == "-" || ends_with(word, ".sdc") || ends_with(word, ".parts.json")) return true;
  const auto dot = word.rfind(".sdc.");
  if (dot != std::string::npos && dot + 5 < word.size() &&
      std::all_of(word.begin() + static_cast<std::ptrdiff_t>(dot + 5), word.end(),
                  [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return true;
  }
  struct stat st {};
  return ::stat(word.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> with_default_command(const std::vector<std::string>& args,
                                              const std::vector<std::string>& commands,
                                              const std::string& default_command) {
  if (std::find(commands.begin(), commands.end(), default_command) == commands.end()) return args;
  const std::size_t i = command_word_index(args);
  if (i >= args.size()) return args;
  const std::string& word = args[i];
  if (word == "help" || std::find(commands.begin(), commands.end(), word) != commands.end()) return args;
  if (!names_a_bundle(word)) throw common::unknown_command("sdcadm-install", "", word, commands);
  std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
  out.push_back(default_command);
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return out;
}

}  // namespace installer
