#pragma once
// What a call throws, for tests that assert an exit code or a message: code_of(fn) and
// message_of(fn) run fn and return the common::Error's code or text; a call that throws
// nothing fails the test.

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>

namespace sdcb_test {

inline common::ExitCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    return e.code();
  }
  FAIL("no common::Error thrown");
  return common::ExitCode::ok;
}

inline std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    return e.what();
  }
  FAIL("no common::Error thrown");
  return {};
}

}  // namespace sdcb_test
