#include <imgapi/server/connection_gate.hpp>
#include <imgapi/server/header_block.hpp>
#include <imgapi/server/upload_space.hpp>
#include <imgapi/server/rest_error.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace imgapi::server;
using State = HeaderScan::State;

namespace {

HeaderScan scan(const std::string& bytes, HeaderLimits limits = {}) {
  return HeaderScanner(limits).scan(bytes);
}

}  // namespace

TEST_CASE("a header block ends at the first CRLF line after the request line", "[gate]") {
  const std::string head = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
  const HeaderScan s = scan(head + "body bytes");
  CHECK(s.state == State::complete);
  CHECK(s.block_bytes == head.size());
  CHECK(scan("GET /ping HTTP/1.1\r\nHost: x\r\n").state == State::incomplete);
  // httplib skips a line without CR, so "\n\r\n" ends the block but "\n\n" does not.
  CHECK(scan("GET / HTTP/1.1\r\nA: b\n\r\n").state == State::complete);
  CHECK(scan("GET / HTTP/1.1\r\nA: b\n\n").state == State::incomplete);
}

TEST_CASE("bytes arriving one at a time give the same answer as all at once", "[gate]") {
  const std::string head = "GET /images?channel=dev HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  HeaderScanner scanner;
  HeaderScan s;
  for (std::size_t n = 1; n <= head.size(); ++n) {
    s = scanner.scan(std::string_view(head).substr(0, n));
    if (n < head.size()) REQUIRE(s.state == State::incomplete);
  }
  CHECK(s.state == State::complete);
  CHECK(s.block_bytes == head.size());
}

TEST_CASE("too many header lines or bytes are too large", "[gate]") {
  HeaderLimits limits;
  limits.max_lines = 3;
  limits.max_bytes = 100;
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 3; ++i) head += "A: b\r\n";
  CHECK(scan(head + "\r\n", limits).state == State::complete);
  const HeaderScan lines = scan(head + "A: b\r\n", limits);
  CHECK(lines.state == State::too_large);
  CHECK(std::string(lines.why) == "header lines");
  const HeaderScan bytes = scan("GET / HTTP/1.1\r\nX: " + std::string(200, 'a'), limits);
  CHECK(bytes.state == State::too_large);
  CHECK(std::string(bytes.why) == "header bytes");
  // A block of exactly the limit is accepted.
  std::string exact = "GET / HTTP/1.1\r\nX: ";
  exact += std::string(100 - exact.size() - 4, 'a') + "\r\n\r\n";
  REQUIRE(exact.size() == 100);
  CHECK(scan(exact, limits).state == State::complete);
}

TEST_CASE("the gate's own replies are complete HTTP with an IMGAPI error body", "[gate]") {
  const std::string r = gate_reply(431, "the request's header block exceeds 100 header lines");
  CHECK(r.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
  CHECK(r.find("Connection: close\r\n") != std::string::npos);
  const std::string body = r.substr(r.find("\r\n\r\n") + 4);
  CHECK(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  const common::Json j = common::Json::parse(body);
  CHECK(j["code"] == "RequestHeaderFieldsTooLargeError");
  CHECK(gate_reply(408, "x").rfind("HTTP/1.1 408 Request Timeout\r\n", 0) == 0);
}

TEST_CASE("uploads get the free space less the reserve, declared or counted", "[upload]") {
  ::setenv("SDCB_TEST_FREE_BYTES", std::to_string(k_upload_reserve + 1000).c_str(), 1);
  CHECK_THROWS_AS(UploadSpace(".", 1001), RestError);
  UploadSpace declared(".", 1000);
  declared.reserve(0, 1000);
  UploadSpace chunked(".", 0);
  chunked.reserve(0, 600);
  try {
    chunked.reserve(600, 401);
    FAIL("the 1001st byte was allowed");
  } catch (const RestError& e) {
    CHECK(e.status() == 507);
    CHECK(e.code() == "InsufficientStorageError");
  }
  ::unsetenv("SDCB_TEST_FREE_BYTES");
}
