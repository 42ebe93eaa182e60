#include <imgapi/api_error.hpp>

#include <imgapi/client_detail.hpp>

#include <cstddef>

namespace imgapi {
namespace {

constexpr std::size_t k_max_foreign_text = 200;
// Error bodies are small; a larger one is not IMGAPI's and is only shown as text.
constexpr std::size_t k_max_error_json = 1u << 20;

// A proxy's HTML page or a truncated body, made safe for a one-line message: control
// characters (including newlines) become spaces, runs of spaces collapse, and the text is
// cut to 200 bytes without splitting a UTF-8 sequence.
std::string foreign_text(std::string_view body) {
  std::string out;
  for (char c : body) {
    if (out.size() >= k_max_foreign_text) break;
    const auto u = static_cast<unsigned char>(c);
    const char ch = (u < 0x20 || u == 0x7f) ? ' ' : c;
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += ch;
  }
  if (out.size() == k_max_foreign_text) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string describe_field_errors(const common::Json& errors) {
  std::string out;
  for (const auto& e : errors) {
    const auto field = detail::string_member(e, "field");
    if (!field) continue;
    out += out.empty() ? " (" : ", ";
    out += *field;
    if (const auto code = detail::string_member(e, "code")) out += ": " + *code;
  }
  return out.empty() ? out : out + ")";
}

}  // namespace

ApiError ApiError::parse(long status, std::string_view body) {
  ApiError error;
  error.status = status;
  common::Json json;
  try {
    json = common::parse_json(body, "IMGAPI error reply", 64, k_max_error_json);
  } catch (const common::Error&) {
    error.message = foreign_text(body);
    return error;
  }
  const auto code = detail::string_member(json, "code");
  if (!code) {
    error.message = foreign_text(body);
    return error;
  }
  error.code = *code;
  error.message = detail::string_member(json, "message").value_or("");
  const common::Json* errors = detail::member(json, "errors");
  if (errors != nullptr && errors->is_array()) error.errors = *errors;
  return error;
}

std::string ApiError::describe() const {
  std::string out = std::to_string(status);
  if (!code.empty()) out += " " + code;
  if (!message.empty()) out += ": " + message;
  else if (code.empty()) out += " (empty reply body)";
  return out + describe_field_errors(errors);
}

common::ExitCode api_error_exit_code(const ApiError& error) {
  if (error.status == 404) return common::ExitCode::not_found;
  if (error.status == 409) return common::ExitCode::conflict;
  if (error.status == 400 && (error.code == "Upload" || error.code == "Download")) {
    return common::ExitCode::integrity;
  }
  return common::ExitCode::remote_error;
}

common::Error api_error_to_exception(const ApiError& error, std::string_view method,
                                     std::string_view path) {
  std::string message = "IMGAPI ";
  message.append(method).append(" ").append(path).append(": ").append(error.describe());
  common::ErrorDetails details;
  details.http_status = error.status;
  details.rest_code = error.code;
  return common::Error(api_error_exit_code(error), message, std::move(details));
}

}  // namespace imgapi
