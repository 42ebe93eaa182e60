#include <imgapi/server/fault.hpp>

#include <common/error.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

TEST_CASE("fault specs parse with their defaults", "[fault]") {
  FaultSpec s = parse_fault_spec("status=503,nth=3");
  CHECK(s.action == FaultAction::status);
  CHECK(s.value == 503);
  CHECK(s.nth == 3);
  CHECK(s.count == 1);  // nth without count fires once
  CHECK(s.method.empty());
  CHECK(s.path_glob.empty());

  s = parse_fault_spec("status=500,method=PUT,path=/images/*/file,count=2");
  CHECK(s.method == "PUT");
  CHECK(s.path_glob == "/images/*/file");
  CHECK(s.nth == 1);
  CHECK(s.count == 2);

  s = parse_fault_spec("latency=200");
  CHECK(s.action == FaultAction::latency);
  CHECK(s.value == 200);
  CHECK(s.count == 0);  // every matching request

  CHECK(parse_fault_spec("cut=65536,path=/images/*/file").action == FaultAction::cut);
  CHECK(parse_fault_spec("corrupt=1000").value == 1000);
}

TEST_CASE("bad fault specs are usage errors naming the problem", "[fault]") {
  auto message = [](const std::string& spec) {
    try {
      parse_fault_spec(spec);
    } catch (const common::Error& e) {
      CHECK(e.code() == common::ExitCode::usage);
      return std::string(e.what());
    }
    FAIL("no error for " << spec);
    return std::string();
  };
  CHECK_THAT(message(""), Catch::Contains("is not key=value"));
  CHECK_THAT(message("nth=3"), Catch::Contains("no action"));
  CHECK_THAT(message("status=503,latency=5"), Catch::Contains("exactly one of"));
  CHECK_THAT(message("status=200"), Catch::Contains("400..599"));
  CHECK_THAT(message("status=abc"), Catch::Contains("needs a number"));
  CHECK_THAT(message("status=-5"), Catch::Contains("needs a number"));
  CHECK_THAT(message("status=503,nth=0"), Catch::Contains("counts from 1"));
  CHECK_THAT(message("status=503,count=0"), Catch::Contains("at least 1"));
  CHECK_THAT(message("status=503,method=get"), Catch::Contains("upper case"));
  CHECK_THAT(message("status=503,path=images"), Catch::Contains("start with '/'"));
  CHECK_THAT(message("status=503,bogus=1"), Catch::Contains("unknown key \"bogus\""));
  CHECK_THAT(message("latency=999999"), Catch::Contains("at most"));
  CHECK_THAT(message("cut=99999999999999999999"), Catch::Contains("needs a number"));
}

TEST_CASE("path globs: '*' matches within one segment", "[fault]") {
  CHECK(glob_matches("/images/*/file", "/images/abc/file"));
  CHECK(glob_matches("/images/*/file", "/images//file"));
  CHECK_FALSE(glob_matches("/images/*/file", "/images/a/b/file"));
  CHECK_FALSE(glob_matches("/images/*/file", "/images/abc/files"));
  CHECK(glob_matches("/images*", "/images"));
  CHECK(glob_matches("/images*", "/images123"));
  CHECK_FALSE(glob_matches("/images*", "/images/x"));
  CHECK(glob_matches("/*/*", "/a/b"));
  CHECK(glob_matches("/ping", "/ping"));
  CHECK_FALSE(glob_matches("/ping", "/pingx"));
  CHECK(glob_matches("/a*b*c", "/aXXbYYc"));
}

TEST_CASE("the injector counts matching requests per spec", "[fault]") {
  FaultInjector faults({parse_fault_spec("status=503,nth=3"),
                        parse_fault_spec("status=500,method=PUT,path=/images/*/file,count=2"),
                        parse_fault_spec("latency=5,path=/ping")});
  CHECK(faults.on_request("GET", "/images").status == 0);
  CHECK(faults.on_request("GET", "/images").status == 0);
  FaultDecision third = faults.on_request("GET", "/images");
  CHECK(third.status == 503);
  CHECK(third.status_spec == "status=503,nth=3");
  CHECK(faults.on_request("GET", "/images").status == 0);  // fired once only

  // The PUT spec counts only PUTs on file paths: the first two fail.
  CHECK(faults.on_request("PUT", "/images/u/file").status == 500);
  CHECK(faults.on_request("GET", "/images/u/file").status == 0);
  CHECK(faults.on_request("PUT", "/images/u/file").status == 500);
  CHECK(faults.on_request("PUT", "/images/u/file").status == 0);

  CHECK(faults.on_request("GET", "/ping").latency_ms == 5);
  CHECK(faults.on_request("GET", "/ping").latency_ms == 5);
}

TEST_CASE("cut and corrupt decisions carry their byte counts", "[fault]") {
  FaultInjector faults({parse_fault_spec("cut=100,path=/images/*/file,count=1"),
                        parse_fault_spec("corrupt=7")});
  FaultDecision d = faults.on_request("GET", "/images/x/file");
  REQUIRE(d.cut_after);
  CHECK(*d.cut_after == 100);
  REQUIRE(d.corrupt_offset);
  CHECK(*d.corrupt_offset == 7);
  FaultDecision again = faults.on_request("GET", "/images/x/file");
  CHECK_FALSE(again.cut_after);
  CHECK(again.corrupt_offset);
  CHECK(FaultInjector().empty());
}
