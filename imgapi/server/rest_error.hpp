#pragma once
// RestError: an IMGAPI error reply, thrown by the server's handlers and turned into the
// HTTP response once, by the dispatcher. Body = {"code": <restCode>, "message": ...}, plus
// "errors": [...] for ValidationFailed and InvalidParameter (reference/imgapi.md §2.3).
// The factory functions below carry IMGAPI's exact message formats.

#include <common/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace imgapi::server {

class RestError : public std::runtime_error {
 public:
  RestError(int status, std::string code, const std::string& message,
            std::optional<common::Json> errors = std::nullopt)
      : std::runtime_error(message), m_status(status), m_code(std::move(code)),
        m_errors(std::move(errors)) {}

  int status() const { return m_status; }
  const std::string& code() const { return m_code; }
  const std::optional<common::Json>& errors() const { return m_errors; }

  // The JSON body: code, message[, errors].
  common::Json body() const;

 private:
  int m_status;
  std::string m_code;
  std::optional<common::Json> m_errors;
};

// [{"field": f, "code": c}] (and "message" when given).
common::Json field_errors(const std::string& field, const std::string& code,
                          const std::string& message = "");

// restify's body code for an HTTP status error: the status text without spaces plus
// "Error" (503 -> "ServiceUnavailableError"); "InternalError" for 500.
std::string http_error_code(int status);

// Error for an HTTP status without a more specific IMGAPI class.
RestError http_error(int status, const std::string& message);

RestError resource_not_found(const std::string& message);         // 404 ResourceNotFound
RestError url_not_found(const std::string& raw_url);              // "<url> does not exist"
RestError image_not_found(const std::string& uuid);               // "image <uuid> not found"
RestError validation_failed(const std::string& message, common::Json errors);
RestError invalid_parameter(const std::string& message, common::Json errors);
RestError invalid_bool_param(const std::string& field, const std::string& value);
RestError operator_only();
RestError image_uuid_exists(const std::string& uuid);
RestError origin_does_not_exist(const std::string& origin);
RestError owner_does_not_exist(const std::string& owner);
RestError not_image_owner(const std::string& account, const std::string& uuid);
RestError files_immutable(const std::string& uuid);
RestError already_activated(const std::string& uuid);
RestError no_activation_no_file(const std::string& uuid);
RestError has_dependents(const std::string& uuid, const std::vector<std::string>& deps);
RestError upload_error(const std::string& message);    // 400 Upload
RestError download_error(const std::string& message);  // 400 Download
RestError internal_error(const std::string& message);  // 500 InternalError
RestError not_available(const std::string& message);   // 501 NotAvailable

// GET /ping?error=NAME: the sample error IMGAPI answers with (lib/errors.js samples), or
// 500 'do not have a sample "<Name>Error" error' for a known class without a sample, or
// 422 InvalidParameter 'unknown error: <Name>Error'. An empty name means InternalError.
RestError ping_sample_error(const std::string& name);

// JSON.stringify-like text of a value for messages: strings as is, absent = "undefined".
std::string js_string(const common::Json* value);

}  // namespace imgapi::server
