#include <imgapi/server/rest_error.hpp>

#include <array>
#include <utility>
#include <vector>

namespace imgapi::server {
namespace {

// Status texts as node's http.STATUS_CODES, for the statuses we can answer with.
const char* status_text(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 507: return "Insufficient Storage";
    default: return nullptr;
  }
}

// Every IMGAPI error class name (lib/errors.js exports), for /ping?error=.
const std::array<const char*, 28> k_known_errors = {
    "ValidationFailedError", "InvalidParameterError", "ImageFilesImmutableError",
    "ImageAlreadyActivatedError", "NoActivationNoFileError", "OperatorOnlyError",
    "ImageUuidAlreadyExistsError", "UploadError", "DownloadError", "StorageIsDownError",
    "StorageUnsupportedError", "RemoteSourceError", "OwnerDoesNotExistError",
    "AccountDoesNotExistError", "NotImageOwnerError", "NotMantaPathOwnerError",
    "OriginDoesNotExistError", "OriginIsNotActiveError", "InsufficientServerVersionError",
    "ImageHasDependentImagesError", "NotAvailableError", "NotImplementedError",
    "InternalError", "ResourceNotFoundError", "InvalidHeaderError",
    "ServiceUnavailableError", "UnauthorizedError", "BadRequestError"};

std::optional<RestError> sample_for(const std::string& name) {
  if (name == "ValidationFailedError") {
    return validation_failed("boom", common::Json::array());
  }
  if (name == "InvalidParameterError") {
    return invalid_parameter("invalid \"foo\"", field_errors("foo", "Invalid"));
  }
  if (name == "ImageFilesImmutableError") {
    return files_immutable("82ce32a2-9cb4-9a4c-a303-7a63254bacf4");
  }
  if (name == "ImageAlreadyActivatedError") {
    return already_activated("ed8cd007-2065-0140-8d41-e32247b71748");
  }
  if (name == "NoActivationNoFileError") {
    return no_activation_no_file("ed8cd007-2065-0140-8d41-e32247b71748");
  }
  if (name == "OperatorOnlyError") return operator_only();
  // IMGAPI builds this sample without a uuid, so its message says "undefined".
  if (name == "ImageUuidAlreadyExistsError") return image_uuid_exists("undefined");
  if (name == "StorageIsDownError") {
    return RestError(503, "StorageIsDown", "storage is down at the moment");
  }
  if (name == "StorageUnsupportedError") {
    return RestError(503, "StorageUnsupported", "storage type is unsupported");
  }
  if (name == "RemoteSourceError") return RestError(503, "RemoteSourceError", "");
  if (name == "InternalError") return internal_error("boom");
  return std::nullopt;
}

}  // namespace

common::Json RestError::body() const {
  common::Json body = common::Json::object();
  body["code"] = m_code;
  body["message"] = what();
  if (m_errors) body["errors"] = *m_errors;
  return body;
}

common::Json field_errors(const std::string& field, const std::string& code,
                          const std::string& message) {
  common::Json e = {{"field", field}, {"code", code}};
  if (!message.empty()) e["message"] = message;
  return common::Json::array({e});
}

std::string http_error_code(int status) {
  if (status == 500) return "InternalError";
  const char* text = status_text(status);
  if (text == nullptr) return status >= 500 ? "InternalError" : "BadRequestError";
  std::string code;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p != ' ' && *p != '-') code += *p;
  }
  return code + "Error";
}

RestError http_error(int status, const std::string& message) {
  return RestError(status, http_error_code(status), message);
}

RestError resource_not_found(const std::string& message) {
  return RestError(404, "ResourceNotFound", message);
}

RestError url_not_found(const std::string& raw_url) {
  return resource_not_found(raw_url + " does not exist");
}

RestError image_not_found(const std::string& uuid) {
  return resource_not_found("image " + uuid + " not found");
}

RestError validation_failed(const std::string& message, common::Json errors) {
  return RestError(422, "ValidationFailed", message, std::move(errors));
}

RestError invalid_parameter(const std::string& message, common::Json errors) {
  return RestError(422, "InvalidParameter", message, std::move(errors));
}

RestError invalid_bool_param(const std::string& field, const std::string& value) {
  return invalid_parameter("invalid value for \"" + field + "\" param: " +
                               common::dump_json(common::Json(value), -1) + " is not a boolean",
                           field_errors(field, "Invalid"));
}

RestError operator_only() {
  return RestError(403, "OperatorOnly", "this endpoint may only be called by an operator");
}

RestError image_uuid_exists(const std::string& uuid) {
  return RestError(409, "ImageUuidAlreadyExists", "image uuid \"" + uuid + "\" already exists");
}

RestError origin_does_not_exist(const std::string& origin) {
  return RestError(422, "OriginDoesNotExist", "origin image \"" + origin + "\" does not exist");
}

RestError owner_does_not_exist(const std::string& owner) {
  return RestError(422, "OwnerDoesNotExist", "owner \"" + owner + "\" does not exist");
}

RestError not_image_owner(const std::string& account, const std::string& uuid) {
  return RestError(422, "NotImageOwner",
                   "account " + account + " is not the owner of image " + uuid);
}

RestError files_immutable(const std::string& uuid) {
  return RestError(422, "ImageFilesImmutable", "cannot modify files on activated image " + uuid);
}

RestError already_activated(const std::string& uuid) {
  return RestError(422, "ImageAlreadyActivated", "image \"" + uuid + "\" is already activated");
}

RestError no_activation_no_file(const std::string& uuid) {
  return RestError(422, "NoActivationNoFile",
                   "image \"" + uuid + "\" cannot be activated: it has no file");
}

RestError has_dependents(const std::string& uuid, const std::vector<std::string>& deps) {
  // IMGAPI lists up to 9 dependents, otherwise the first 5 and a count.
  std::string summary;
  std::size_t shown = deps.size() < 10 ? deps.size() : 5;
  for (std::size_t i = 0; i < shown; ++i) summary += (i ? ", " : "") + deps[i];
  if (deps.size() >= 10) summary += ", and " + std::to_string(deps.size() - 5) + " more...";
  return RestError(422, "ImageHasDependentImages",
                   "image \"" + uuid + "\" has " + std::to_string(deps.size()) +
                       " dependent incremental image(s): " + summary);
}

RestError upload_error(const std::string& message) { return RestError(400, "Upload", message); }

RestError download_error(const std::string& message) {
  return RestError(400, "Download", message);
}

RestError internal_error(const std::string& message) {
  return RestError(500, "InternalError", message);
}

RestError not_available(const std::string& message) {
  return RestError(501, "NotAvailable", message);
}

RestError ping_sample_error(const std::string& requested) {
  std::string name = requested.empty() ? "InternalError" : requested;
  if (name.size() < 5 || name.compare(name.size() - 5, 5, "Error") != 0) name += "Error";
  bool known = false;
  for (const char* k : k_known_errors) known = known || name == k;
  if (!known) {
    return invalid_parameter("unknown error: " + name, field_errors("error", "Missing"));
  }
  if (auto sample = sample_for(name)) return *sample;
  return internal_error("do not have a sample \"" + name + "\" error");
}

std::string js_string(const common::Json* value) {
  if (value == nullptr) return "undefined";
  if (value->is_string()) return value->get<std::string>();
  if (value->is_object()) return "[object Object]";
  return common::dump_json(*value, -1);
}

}  // namespace imgapi::server
