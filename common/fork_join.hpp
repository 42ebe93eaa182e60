#pragma once
// Fork-join: several workers (the caller's thread is one of them) take work items by index
// and run a task on each; run() returns once every worker has returned. A task's exception
// does not kill its thread: it is kept, the workers stop taking new work, and run()
// rethrows it in the caller after all joined. Which failure is kept is the caller's choice:
//
//   FirstError::in_time   the first exception thrown wins; no worker takes new work after
//                         it (downloads, imports: the first thing that went wrong);
//   FirstError::in_order  the exception of the lowest index wins, as a serial loop would
//                         meet it first; indices above a failed one are skipped, those below
//                         still run (verifying parts or frames: the report names the first
//                         bad one, whatever the thread timing).
//
// A long task can poll failed() to give up early; its own "stopped" error then comes after
// the real one and never wins. Stop signals stay the tasks' business: a task checks
// common::throw_if_stopped (or a cancel callback) where stopping is safe.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>

namespace common {

enum class FirstError { in_time, in_order };

class ForkJoin {
 public:
  // task(index, worker): worker is 0..workers()-1, so a task can keep per-worker state
  // (a client, a reader) in a vector the caller owns. Worker 0 is the caller's thread.
  using Task = std::function<void(std::size_t index, unsigned worker)>;
  // The next index to work on, or nullopt when there is none left; called from several
  // threads at once, so it must do its own locking (it may block, e.g. until a
  // dependency is done; it must then wake up when told a task failed).
  using Next = std::function<std::optional<std::size_t>()>;

  explicit ForkJoin(unsigned workers, FirstError first = FirstError::in_time);
  ForkJoin(const ForkJoin&) = delete;
  ForkJoin& operator=(const ForkJoin&) = delete;

  // Indices 0..count-1, taken in order, on at most min(workers, count) workers.
  void run(std::size_t count, const Task& task);
  // Indices from next() until it gives nullopt, on `workers` workers.
  void run(const Next& next, const Task& task);

  // True once a task failed (in this run).
  bool failed() const { return m_failed.load(); }
  unsigned workers() const { return m_workers; }

 private:
  void run_workers(unsigned workers, const Next& take, const Task& task);
  void work(unsigned worker, const Next& take, const Task& task) noexcept;
  bool skip(std::size_t index) const;
  void record(std::size_t index, std::exception_ptr error) noexcept;

  unsigned m_workers;
  FirstError m_first;
  std::mutex m_mutex;
  std::exception_ptr m_error;
  std::atomic<bool> m_failed{false};
  std::atomic<std::size_t> m_failed_at{std::numeric_limits<std::size_t>::max()};
};

}  // namespace common
