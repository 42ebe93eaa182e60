#include <imgapi/api_error.hpp>

#include <catch2/catch.hpp>


using imgapi::ApiError;
using common::ExitCode;

TEST_CASE("an IMGAPI JSON error body gives code, message and errors", "[imgapi][api_error]") {
  const ApiError e = ApiError::parse(
      422, R"({"code":"InvalidParameter","message":"missing \"compression\"",)"
           R"("errors":[{"field":"compression","code":"Missing"}]})");
  CHECK(e.status == 422);
  CHECK(e.code == "InvalidParameter");
  CHECK(e.message == "missing \"compression\"");
  REQUIRE(e.errors.size() == 1);
  CHECK(e.describe() == "422 InvalidParameter: missing \"compression\" (compression: Missing)");
  CHECK(imgapi::api_error_exit_code(e) == ExitCode::remote_error);
}

TEST_CASE("the exception names method, path, status, restCode and message", "[imgapi][api_error]") {
  const ApiError e = ApiError::parse(404, R"({"code":"ResourceNotFound","message":"image U not found"})");
  const common::Error err = imgapi::api_error_to_exception(e, "GET", "/images/U");
  CHECK(std::string(err.what()) == "IMGAPI GET /images/U: 404 ResourceNotFound: image U not found");
  CHECK(err.code() == ExitCode::not_found);
}

TEST_CASE("the exception carries the status and restCode as details", "[imgapi][api_error]") {
  const ApiError e = ApiError::parse(422, R"({"code":"ValidationFailed","message":"bad channel"})");
  const common::Error err = imgapi::api_error_to_exception(e, "GET", "/images?channel=x");
  CHECK(err.details().http_status == 422);
  CHECK(err.details().rest_code == "ValidationFailed");
  CHECK(err.details().path.empty());
  // A proxy's HTML page: the status is known, the restCode is not.
  const common::Error html =
      imgapi::api_error_to_exception(ApiError::parse(502, "<html>Bad Gateway</html>"), "GET", "/ping");
  CHECK(html.details().http_status == 502);
  CHECK(html.details().rest_code.empty());
}

TEST_CASE("status codes map to exit codes", "[imgapi][api_error]") {
  auto code_for = [](long status, const std::string& body) {
    return imgapi::api_error_exit_code(ApiError::parse(status, body));
  };
  CHECK(code_for(404, "") == ExitCode::not_found);
  CHECK(code_for(409, R"({"code":"ImageUuidAlreadyExists","message":"image uuid \"u\" already exists"})") == ExitCode::conflict);
  CHECK(code_for(400, R"({"code":"Download","message":"\"sha1\" hash, 00, does not match the uploaded file sha1 hash, cd"})") == ExitCode::integrity);
  CHECK(code_for(400, R"({"code":"Upload","message":"too big"})") == ExitCode::integrity);
  CHECK(code_for(400, R"({"code":"InvalidHeader","message":"x"})") == ExitCode::remote_error);
  CHECK(code_for(403, R"({"code":"OperatorOnly","message":"this endpoint may only be called by an operator"})") == ExitCode::remote_error);
  CHECK(code_for(422, R"({"code":"OriginDoesNotExist","message":"origin image \"o\" does not exist"})") == ExitCode::remote_error);
  CHECK(code_for(503, "Service Unavailable") == ExitCode::remote_error);
  CHECK(code_for(500, "") == ExitCode::remote_error);
}

TEST_CASE("HTML and other foreign bodies become one short line of text", "[imgapi][api_error]") {
  const std::string html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>" +
                           std::string(500, 'x') + "</body></html>";
  const ApiError e = ApiError::parse(502, html);
  CHECK(e.code.empty());
  CHECK(e.message.size() <= 200);
  CHECK(e.message.find('\n') == std::string::npos);
  CHECK(e.message.find('\r') == std::string::npos);
  CHECK(e.message.rfind("<html> <head><title>502 Bad Gateway", 0) == 0);
  CHECK(e.describe().rfind("502: <html>", 0) == 0);
}

TEST_CASE("JSON that is not an IMGAPI error is shown as text", "[imgapi][api_error]") {
  CHECK(ApiError::parse(500, R"(["code","x"])").code.empty());
  CHECK(ApiError::parse(500, R"(["code","x"])").message == R"(["code","x"])");
  CHECK(ApiError::parse(500, R"({"code":42,"message":"m"})").code.empty());
  CHECK(ApiError::parse(500, R"({"code":"Internal)").message == R"({"code":"Internal)");
  CHECK(ApiError::parse(500, "").describe() == "500 (empty reply body)");
  // A message that is not a string is dropped, not fatal.
  CHECK(ApiError::parse(500, R"({"code":"InternalError","message":{}})").describe() == "500 InternalError");
}

TEST_CASE("a foreign body is cut on a UTF-8 boundary", "[imgapi][api_error]") {
  std::string body(199, 'a');
  body += "\xC3\xA9\xC3\xA9";  // "éé": the first é straddles byte 200
  const ApiError e = ApiError::parse(500, body);
  CHECK(e.message == std::string(199, 'a'));
}
