// common/exit_code_text (issue 14): the one-line table of exit codes agrees with the enum and
// with docs/exit-codes.md, and --help footers are built from it.
#include <common/exit_code_text.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using common::CodeFamily;
using common::ExitCode;
using common::exit_code_footer;
using common::exit_code_table;

namespace {

// The rows of docs/exit-codes.md's table: "| 35 | trust_root | ..." -> {35, "trust_root"}.
std::map<int, std::string> documented_codes() {
  const char* source = std::getenv("SDCB_SOURCE");
  REQUIRE(source != nullptr);
  std::ifstream in(std::string(source) + "/docs/exit-codes.md");
  REQUIRE(in.good());
  std::map<int, std::string> rows;
  const std::regex row(R"(^\| *([0-9]+) *\| *([a-z_]+) *\|)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) rows[std::stoi(m[1])] = m[2];
  }
  return rows;
}

}  // namespace

TEST_CASE("exit code table: every code once, in order, named and described") {
  std::set<int> seen;
  int previous = -1;
  for (const auto& info : exit_code_table()) {
    const int n = common::to_int(info.code);
    CHECK(n > previous);
    previous = n;
    CHECK(seen.insert(n).second);
    CHECK(std::string(info.name).size() > 1);
    CHECK(std::string(info.summary).size() > 1);
  }
  // The last enumerators of each family: a new code added to the enum but not to the table
  // shows up here (and in the docs check below) once it is the family's last.
  for (ExitCode code : {ExitCode::input_timeout, ExitCode::bundle_hash, ExitCode::trust_channel,
                        ExitCode::delta_base_missing, ExitCode::origin_loop}) {
    CHECK(seen.count(common::to_int(code)) == 1);
  }
}

TEST_CASE("docs/exit-codes.md lists every code with the enum's number and name, and no other") {
  const std::map<int, std::string> docs = documented_codes();
  std::map<int, std::string> table;
  for (const auto& info : exit_code_table()) table[common::to_int(info.code)] = info.name;
  for (const auto& [code, name] : table) {
    INFO("code " << code << " (" << name << ")");
    REQUIRE(docs.count(code) == 1);
    CHECK(docs.at(code) == name);
  }
  for (const auto& [code, name] : docs) {
    INFO("docs/exit-codes.md row " << code << " (" << name << ")");
    CHECK(table.count(code) == 1);
  }
}

TEST_CASE("footer: 0 and 2 always, numeric order, a command's own wording wins") {
  CHECK(exit_code_footer({{ExitCode::not_found, "no such file"}, {ExitCode::bad_data}}) ==
        "Exit codes: 0 success, 2 usage error, 9 malformed input, 10 no such file (docs/exit-codes.md).");
  CHECK(exit_code_footer({{ExitCode::ok, "good"}}) == "Exit codes: 0 good, 2 usage error (docs/exit-codes.md).");
}

TEST_CASE("footer: a family is one group naming each of its codes") {
  const std::string trust = exit_code_footer({}, {CodeFamily::trust});
  CHECK(trust ==
        "Exit codes: 0 success, 2 usage error, 30-38 not trusted (30 unsigned, 31 unknown key, 32 too few "
        "signers, 33 expired, 34 rollback, 35 bad root chain, 36 changed after signing, 37 no trust root, "
        "38 another channel) (docs/exit-codes.md).");
  // Some codes of a family: the group spans the ones given.
  CHECK(exit_code_footer({{ExitCode::trust_unsigned}, {ExitCode::trust_unknown_key, "another key"}}) ==
        "Exit codes: 0 success, 2 usage error, 30-31 not trusted (30 unsigned, 31 another key) "
        "(docs/exit-codes.md).");
  // One code of a family stays on its own.
  CHECK(exit_code_footer({{ExitCode::bundle_too_large}}) ==
        "Exit codes: 0 success, 2 usage error, 24 too large (docs/exit-codes.md).");
  const std::string both = exit_code_footer({{ExitCode::bundle_hash, "bad chunk"}}, {CodeFamily::bundle});
  CHECK(both.find("20-26 damaged bundle (20 corrupt, 21 truncated,") != std::string::npos);
  CHECK(both.find("26 bad chunk)") != std::string::npos);
}
