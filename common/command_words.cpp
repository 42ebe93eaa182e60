#include <common/command_words.hpp>

#include <algorithm>

namespace common {
namespace {

// Optimal string alignment distance (Levenshtein plus a swap of two neighbours: "aply" and
// "apyl" are both one typo from "apply").
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string with_parent(const std::string& parent, const std::string& word) {
  return parent.empty() ? word : word.empty() ? parent : parent + " " + word;
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& names) {
  if (word.size() > 64) return {};  // a path or garbage, not a typo
  // A name cut short ("gen" for "generate") when only one name starts so.
  if (word.size() >= 2) {
    std::string only;
    std::size_t starts = 0;
    for (const auto& n : names) {
      if (n.size() > word.size() && n.compare(0, word.size(), word) == 0) {
        only = n;
        ++starts;
      }
    }
    if (starts == 1) return only;
  }
  std::string best;
  std::size_t best_d = 3;
  for (const auto& n : names) {
    const std::size_t d = distance(word, n);
    if (d < best_d && 2 * d < std::max(word.size(), n.size())) {
      best = n;
      best_d = d;
    }
  }
  return best;
}

Error unknown_command(const std::string& program, const std::string& parent, const std::string& word,
                      const std::vector<std::string>& names) {
  std::string msg = "unknown command '" + with_parent(parent, word) + "'";
  if (const std::string near = closest_name(word, names); !near.empty()) {
    msg += "; did you mean '" + with_parent(parent, near) + "'?";
  } else if (word == "version" && parent.empty()) {
    msg += "; did you mean '--version'?";
  } else {
    msg += ".";
  }
  msg += " Commands: " + joined(names) + " ('" + with_parent(program, parent) + " --help' says more)";
  return Error(ExitCode::usage, msg);
}

Error missing_command(const std::string& program, const std::string& parent, const std::vector<std::string>& names) {
  return Error(ExitCode::usage, "'" + with_parent(program, parent) + "' needs a command: " + joined(names) +
                                    " ('" + with_parent(program, parent) + " --help' says more)");
}

std::vector<std::string> help_as_flag(const std::vector<std::string>& args, std::size_t at) {
  if (at >= args.size() || args[at] != "help") return args;
  std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(at) + 1, args.end());
  out.push_back("--help");
  return out;
}

}  // namespace common
