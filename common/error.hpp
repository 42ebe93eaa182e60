#pragma once
// The project's one error type. Library code throws common::Error with the exit code
// that best names the failure family and a message that says what happened and, where
// there is one, what to do. Front ends catch it once in main(), print
// "<program>: error: <message>" and exit with the code. Context is added while the
// error travels up with Error::with_context ("importing image X: <inner message>").

#include <common/exit_code.hpp>

#include <stdexcept>
#include <string>

namespace common {

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}

  ExitCode code() const { return m_code; }

  // A copy of this error whose message starts with "context: ".
  Error with_context(const std::string& context) const {
    return Error(m_code, context + ": " + what());
  }

 private:
  ExitCode m_code;
};

}  // namespace common
