#include "man_page.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using cli_docs::read_prose;

namespace {
const std::string k_complete =
    ".\\\" a comment first is fine\n"
    ".SH DESCRIPTION\nIt does things.\n"
    ".SH FILES\n.TP\n/x\nA file.\n"
    ".SH \"ENVIRONMENT\"\nNone.\n";
}

TEST_CASE("read_prose splits the hand-written sections") {
  const auto sections = read_prose(k_complete, "p.roff");
  REQUIRE(sections.size() == 3);
  CHECK(sections.at("DESCRIPTION") == "It does things.\n");
  CHECK(sections.at("FILES") == ".TP\n/x\nA file.\n");
  CHECK(sections.at("ENVIRONMENT") == "None.\n");
}

TEST_CASE("read_prose refuses a section the page would not print, or a missing one") {
  CHECK_THROWS_WITH(read_prose(k_complete + ".SH EXAMPLES\nx\n", "p.roff"),
                    Catch::Contains("p.roff") && Catch::Contains("'EXAMPLES'"));
  CHECK_THROWS_WITH(read_prose(".SH DESCRIPTION\nx\n.SH FILES\ny\n", "p.roff"),
                    Catch::Contains("no '.SH ENVIRONMENT'"));
  CHECK_THROWS_WITH(read_prose("stray text\n" + k_complete, "p.roff"), Catch::Contains("before the first .SH"));
}
