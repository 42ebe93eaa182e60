#include <common/fork_join.hpp>

#include <common/error.hpp>
#include <tests/unit/support/error_capture.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using common::Error;
using common::ExitCode;
using common::FirstError;
using common::ForkJoin;
using sdcb_test::error_of;
using sdcb_test::message_of;

namespace {

// Waits (at most 10 s, so a broken helper fails the test instead of hanging it) until
// the run records a failure.
void wait_for_failure(const ForkJoin& fork) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fork.failed() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
}

}  // namespace

TEST_CASE("fork_join runs every index once and uses the given workers", "[fork_join]") {
  ForkJoin fork(3);
  std::mutex mutex;
  std::multiset<std::size_t> seen;
  std::set<unsigned> workers;
  fork.run(50, [&](std::size_t i, unsigned w) {
    std::lock_guard<std::mutex> lock(mutex);
    seen.insert(i);
    workers.insert(w);
  });
  REQUIRE(seen.size() == 50);
  for (std::size_t i = 0; i < 50; ++i) CHECK(seen.count(i) == 1);
  for (unsigned w : workers) CHECK(w < 3);
  CHECK_FALSE(fork.failed());
}

TEST_CASE("fork_join: the first error thrown wins and no work is taken after it", "[fork_join]") {
  ForkJoin fork(3, FirstError::in_time);
  std::atomic<int> started{0};
  const std::string message = message_of([&] {
    fork.run(100, [&](std::size_t i, unsigned) {
      ++started;
      if (i == 0) throw Error(ExitCode::network, "index 0 failed");
      // The others stay busy until the failure is recorded, then give up with their own
      // error, which must not win.
      wait_for_failure(fork);
      throw Error(ExitCode::interrupted, "stopped");
    });
  });
  CHECK(message == "index 0 failed");
  CHECK(fork.failed());
  // Only the items taken before the failure ran: at most one per worker, never all 100.
  CHECK(started.load() <= 3);
}

TEST_CASE("fork_join: the first error keeps its type and details", "[fork_join]") {
  ForkJoin fork(2);
  common::ErrorDetails details;
  details.path = "/cache/x";
  const Error e = error_of([&] {
    fork.run(4, [&](std::size_t i, unsigned) {
      if (i == 2) throw Error(ExitCode::bundle_hash, "bad", details);
    });
  });
  CHECK(e.code() == ExitCode::bundle_hash);
  CHECK(e.details().path == "/cache/x");
  CHECK_THROWS_AS(fork.run(3, [](std::size_t, unsigned) { throw std::out_of_range("x"); }),
                  std::out_of_range);
}

TEST_CASE("fork_join joins every worker before it rethrows", "[fork_join]") {
  ForkJoin fork(4);
  std::atomic<int> running{0};
  std::atomic<int> finished{0};
  CHECK_THROWS(fork.run(8, [&](std::size_t i, unsigned) {
    ++running;
    if (i == 1) {
      --running;
      throw std::runtime_error("one");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ++finished;
    --running;
  }));
  // Nothing is still running once run() is back: the tasks that had started all finished.
  CHECK(running.load() == 0);
  CHECK(finished.load() >= 1);
}

TEST_CASE("fork_join in order: the lowest failing index wins, the ones below still run",
          "[fork_join]") {
  ForkJoin fork(4, FirstError::in_order);
  std::mutex mutex;
  std::set<std::size_t> ran;
  const std::string message = message_of([&] {
    fork.run(40, [&](std::size_t i, unsigned) {
      if (i == 3) {
        // Fails later in time than index 7, yet is the one a serial pass meets first.
        wait_for_failure(fork);
        throw Error(ExitCode::bundle_hash, "index 3");
      }
      if (i == 7) throw Error(ExitCode::bundle_hash, "index 7");
      std::lock_guard<std::mutex> lock(mutex);
      ran.insert(i);
    });
  });
  CHECK(message == "index 3");
  for (std::size_t i : {0, 1, 2}) CHECK(ran.count(i) == 1);
  // Indices above the first failure are skipped once it is known.
  CHECK(ran.size() < 38);
}

TEST_CASE("fork_join over a queue stops asking for work after an error", "[fork_join]") {
  ForkJoin fork(2);
  std::atomic<std::size_t> next{0};
  const auto take = [&]() -> std::optional<std::size_t> {
    const std::size_t i = next.fetch_add(1);
    if (i >= 1000) return std::nullopt;
    return i;
  };
  CHECK(message_of([&] {
          fork.run(take, [&](std::size_t i, unsigned) {
            if (i == 0) throw Error(ExitCode::io, "first");
            wait_for_failure(fork);
          });
        }) == "first");
  // Each worker took one item; none came back for more once index 0 had failed.
  CHECK(next.load() <= 2);
}
