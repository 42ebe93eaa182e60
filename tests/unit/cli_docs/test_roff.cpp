#include "roff.hpp"

#include <catch2/catch.hpp>

using cli_docs::roff_quoted;
using cli_docs::roff_text;

TEST_CASE("roff_text keeps hyphens ASCII and backslashes literal") {
  CHECK(roff_text("--root DIR") == "\\-\\-root DIR");
  CHECK(roff_text("a\\b") == "a\\eb");
}

TEST_CASE("roff_text protects a line that roff would read as a request") {
  CHECK(roff_text(".sdc files") == "\\&.sdc files");
  CHECK(roff_text("one\n'quoted' two") == "one\n\\&'quoted' two");
  CHECK(roff_text("a .sdc file") == "a .sdc file");  // only at a line's start
}

TEST_CASE("roff_quoted doubles quotes inside a macro argument") {
  CHECK(roff_quoted("trust init") == "\"trust init\"");
  CHECK(roff_quoted("say \"x\"") == "\"say \"\"x\"\"\"");
}
