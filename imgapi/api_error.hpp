#pragma once
// IMGAPI error replies. IMGAPI (restify) answers errors with a JSON body
// {"code": "<restCode>", "message": "...", ["errors": [{field, code, message}]]}; proxies in
// front of it may answer with HTML or plain text instead. ApiError holds what could be read,
// and api_error_exit_code() says which common::ExitCode a front end should exit with:
//
//   404                                  -> not_found     (ResourceNotFound: no such image,
//                                                           not in this channel, no file)
//   409                                  -> conflict      (ImageUuidAlreadyExists)
//   400 with code Upload or Download     -> integrity     (the server found the uploaded bytes
//                                                           differ from Content-Length / sha1)
//   any other 4xx or 5xx                 -> remote_error
//
// The thrown message reads "IMGAPI <METHOD> <path>: <status> <code>: <message>", e.g.
// "IMGAPI GET /images/U: 404 ResourceNotFound: image U not found".

#include <common/error.hpp>
#include <common/exit_code.hpp>
#include <common/json.hpp>

#include <string>
#include <string_view>

namespace imgapi {

struct ApiError {
  long status = 0;
  std::string code;     // restCode ("ResourceNotFound"); "" when the body is not IMGAPI JSON
  std::string message;  // the server's message, or the first 200 bytes of a foreign body
  common::Json errors = common::Json::array();  // ValidationFailed / InvalidParameter details

  // Parses an error reply body. Never throws: anything that is not a JSON object with a
  // string "code" is kept as text (control characters replaced, cut to 200 bytes).
  static ApiError parse(long status, std::string_view body);

  // "404 ResourceNotFound: image U not found", plus "(field: code, ...)" for errors[].
  std::string describe() const;
};

// The exit code for an error reply (see the table at the top of this file).
common::ExitCode api_error_exit_code(const ApiError& error);

// The exception a client call throws for an error reply to METHOD PATH.
common::Error api_error_to_exception(const ApiError& error, std::string_view method,
                                     std::string_view path);

}  // namespace imgapi
