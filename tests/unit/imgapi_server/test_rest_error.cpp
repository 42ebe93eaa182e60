#include <imgapi/server/rest_error.hpp>

#include <catch2/catch.hpp>

using namespace imgapi::server;

TEST_CASE("ping samples are IMGAPI's sample errors", "[errors]") {
  RestError e = ping_sample_error("ValidationFailed");
  CHECK(e.status() == 422);
  CHECK(e.body() == common::Json({{"code", "ValidationFailed"}, {"message", "boom"},
                                  {"errors", common::Json::array()}}));
  e = ping_sample_error("InvalidParameterError");
  CHECK(e.body()["errors"] == common::Json({{{"field", "foo"}, {"code", "Invalid"}}}));
  CHECK(ping_sample_error("OperatorOnly").status() == 403);
  CHECK(ping_sample_error("ImageUuidAlreadyExists").body()["message"] ==
        "image uuid \"undefined\" already exists");
  CHECK(ping_sample_error("StorageIsDown").status() == 503);
  CHECK(ping_sample_error("RemoteSource").body()["code"] == "RemoteSourceError");
  e = ping_sample_error("");
  CHECK(e.status() == 500);
  CHECK(e.body() == common::Json({{"code", "InternalError"}, {"message", "boom"}}));
}

TEST_CASE("ping: known classes without a sample and unknown names", "[errors]") {
  RestError e = ping_sample_error("Upload");
  CHECK(e.status() == 500);
  CHECK(std::string(e.what()) == "do not have a sample \"UploadError\" error");
  e = ping_sample_error("Bogus");
  CHECK(e.status() == 422);
  CHECK(e.body() == common::Json({{"code", "InvalidParameter"},
                                  {"message", "unknown error: BogusError"},
                                  {"errors", {{{"field", "error"}, {"code", "Missing"}}}}}));
  CHECK(ping_sample_error("Error").status() == 422);
}

TEST_CASE("restify HttpError codes carry the Error suffix", "[errors]") {
  CHECK(http_error_code(401) == "UnauthorizedError");
  CHECK(http_error_code(405) == "MethodNotAllowedError");
  CHECK(http_error_code(412) == "PreconditionFailedError");
  CHECK(http_error_code(413) == "RequestEntityTooLargeError");
  CHECK(http_error_code(503) == "ServiceUnavailableError");
  CHECK(http_error_code(500) == "InternalError");
  CHECK(http_error_code(599) == "InternalError");
}

TEST_CASE("IMGAPI message formats", "[errors]") {
  CHECK(std::string(url_not_found("/images/x?a=b").what()) == "/images/x?a=b does not exist");
  CHECK(std::string(image_not_found("u").what()) == "image u not found");
  CHECK(std::string(has_dependents("o", {"a"}).what()) ==
        "image \"o\" has 1 dependent incremental image(s): a");
  std::vector<std::string> many = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"};
  CHECK(std::string(has_dependents("o", many).what()) ==
        "image \"o\" has 11 dependent incremental image(s): 1, 2, 3, 4, 5, and 6 more...");
  CHECK(std::string(invalid_bool_param("skip_owner_check", "yes").what()) ==
        "invalid value for \"skip_owner_check\" param: \"yes\" is not a boolean");
  CHECK(files_immutable("u").body() ==
        common::Json({{"code", "ImageFilesImmutable"},
                      {"message", "cannot modify files on activated image u"}}));
}

TEST_CASE("js_string renders values as JavaScript's String()", "[errors]") {
  common::Json s = "x", n = 5, o = common::Json::object(), b = true;
  CHECK(js_string(nullptr) == "undefined");
  CHECK(js_string(&s) == "x");
  CHECK(js_string(&n) == "5");
  CHECK(js_string(&o) == "[object Object]");
  CHECK(js_string(&b) == "true");
}
