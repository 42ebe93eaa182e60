#pragma once
// What a call throws, for tests that assert an exit code or a message: error_of(fn) runs
// fn and returns the common::Error it threw, code_of / message_of just its code or text; a
// call that throws nothing fails the test.

#include <common/error.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>

namespace sdcb_test {

inline common::Error error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const common::Error& e) {
    return e;
  }
  FAIL("no common::Error thrown");
  return common::Error(common::ExitCode::ok, "");
}

inline common::ExitCode code_of(const std::function<void()>& fn) { return error_of(fn).code(); }

inline std::string message_of(const std::function<void()>& fn) { return error_of(fn).what(); }

}  // namespace sdcb_test
