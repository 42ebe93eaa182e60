#include <tools/sample_catalog/options.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sample_catalog;

namespace {

common::ExitCode code_of(const std::string& text, std::uint64_t (*fn)(const std::string&)) {
  try {
    fn(text);
  } catch (const common::Error& e) {
    return e.code();
  }
  return common::ExitCode::ok;
}

struct Argv {
  explicit Argv(std::vector<std::string> args) : m_args(std::move(args)) {
    for (std::string& a : m_args) m_ptrs.push_back(a.data());
  }
  int argc() { return static_cast<int>(m_ptrs.size()); }
  char** argv() { return m_ptrs.data(); }

 private:
  std::vector<std::string> m_args;
  std::vector<char*> m_ptrs;
};

}  // namespace

TEST_CASE("parse_size accepts bytes and binary suffixes", "[sample_catalog]") {
  CHECK(parse_size("0") == 0);
  CHECK(parse_size("4096") == 4096);
  CHECK(parse_size("512K") == 512 * 1024);
  CHECK(parse_size("512k") == 512 * 1024);
  CHECK(parse_size("64M") == 64ull << 20);
  CHECK(parse_size("64MiB") == 64ull << 20);
  CHECK(parse_size("2G") == 2ull << 30);
  CHECK(parse_size("2gb") == 2ull << 30);
  CHECK(parse_size("1T") == 1ull << 40);
  CHECK(parse_size("10B") == 10);
}

TEST_CASE("parse_size refuses everything else as a usage error", "[sample_catalog]") {
  for (const char* bad : {"", "M", "-1", "1.5G", "12Q", "64 M", "1KK", "99999999999999999999",
                          "16777216T"}) {
    INFO(bad);
    CHECK(code_of(bad, parse_size) == common::ExitCode::usage);
  }
}

TEST_CASE("parse_seed takes 0 .. 2^64-1 only", "[sample_catalog]") {
  CHECK(parse_seed("0") == 0);
  CHECK(parse_seed("18446744073709551615") == 18446744073709551615ull);
  for (const char* bad : {"", "-1", "+1", "1e3", "abc", "18446744073709551616", "0x10"}) {
    INFO(bad);
    CHECK(code_of(bad, parse_seed) == common::ExitCode::usage);
  }
}

TEST_CASE("parse_options fills Options and reports bad command lines", "[sample_catalog]") {
  Options o;
  int code = -1;
  Argv good({"sample-catalog", "-o", "/tmp/x", "--scale", "1M", "--seed", "9", "--force", "-q"});
  REQUIRE(parse_options(good.argc(), good.argv(), o, code));
  CHECK(o.out_dir == "/tmp/x");
  CHECK(o.scale == 1u << 20);
  CHECK(o.seed == 9);
  CHECK(o.force);
  CHECK(o.quiet);

  Options d;
  Argv defaults({"sample-catalog", "-o", "dir"});
  REQUIRE(parse_options(defaults.argc(), defaults.argv(), d, code));
  CHECK(d.scale == 8u << 20);
  CHECK(d.seed == 1);
  CHECK_FALSE(d.force);
  CHECK(d.payload == PayloadMode::realistic);

  Options r;
  Argv random({"sample-catalog", "-o", "dir", "--payload", "random"});
  REQUIRE(parse_options(random.argc(), random.argv(), r, code));
  CHECK(r.payload == PayloadMode::random);
  Argv bad_payload({"sample-catalog", "-o", "d", "--payload", "zeros"});
  CHECK_FALSE(parse_options(bad_payload.argc(), bad_payload.argv(), o, code));
  CHECK(code == 2);

  Argv missing({"sample-catalog", "--scale", "1M"});
  CHECK_FALSE(parse_options(missing.argc(), missing.argv(), o, code));
  CHECK(code == 2);
  Argv bad_scale({"sample-catalog", "-o", "d", "--scale", "lots"});
  CHECK_FALSE(parse_options(bad_scale.argc(), bad_scale.argv(), o, code));
  CHECK(code == 2);
  Argv unknown({"sample-catalog", "-o", "d", "--color"});
  CHECK_FALSE(parse_options(unknown.argc(), unknown.argv(), o, code));
  CHECK(code == 2);
}
