#include <installer/cli_args.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace installer {

namespace {

// Global options that take their value as the next argument.
const char* const k_valued_globals[] = {"--root", "--imgapi", "--sdcadm", "--sdc-server", "--sdc-amonadm",
                                        "--lock-wait", "--stdin-timeout"};

}  // namespace

std::vector<std::string> with_default_command(const std::vector<std::string>& args,
                                              const std::vector<std::string>& commands,
                                              const std::string& default_command) {
  if (std::find(commands.begin(), commands.end(), default_command) == commands.end()) return args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return args;
    if (!a.empty() && a[0] == '-') {
      const bool valued = std::any_of(std::begin(k_valued_globals), std::end(k_valued_globals),
                                      [&](const char* o) { return a == o; });
      if (valued) ++i;  // skip its value
      continue;
    }
    if (std::find(commands.begin(), commands.end(), a) != commands.end()) return args;
    std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(default_command);
    out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    return out;
  }
  return args;
}

}  // namespace installer
