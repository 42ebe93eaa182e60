#pragma once
// The project's one error type. Library code throws common::Error with the exit code
// that best names the failure family and a message that says what happened and, where
// there is one, what to do. Front ends catch it once in main(), print
// "<program>: error: <message>" and exit with the code. Context is added while the
// error travels up with Error::with_context ("importing image X: <inner message>").
//
// The message is for people. Code that must react to a particular failure reads the
// typed details instead, set where the error is made: the HTTP status and IMGAPI
// restCode of a server's error reply (imgapi/api_error.cpp), the local file concerned
// (e.g. a cached file whose bytes changed, bundles/member_source.cpp). Details survive
// with_context, so a caller two layers up still sees them.

#include <common/exit_code.hpp>

#include <stdexcept>
#include <string>

namespace common {

struct ErrorDetails {
  long http_status = 0;   // a server's error reply: its HTTP status; 0 = none
  std::string rest_code;  // an IMGAPI error reply's restCode ("ValidationFailed"); "" = none
  std::string path;       // the local file the error is about; "" = none
  int system_error = 0;   // the errno of the failed system call (ENOSPC, EFBIG...); 0 = none
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, ErrorDetails details = {})
      : std::runtime_error(message), m_code(code), m_details(std::move(details)) {}

  ExitCode code() const { return m_code; }
  const ErrorDetails& details() const { return m_details; }

  // A copy of this error whose message starts with "context: "; the details are kept.
  Error with_context(const std::string& context) const {
    return Error(m_code, context + ": " + what(), m_details);
  }

 private:
  ExitCode m_code;
  ErrorDetails m_details;
};

}  // namespace common
