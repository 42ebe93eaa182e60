#include <common/fork_join.hpp>

#include <algorithm>
#include <thread>
#include <vector>

namespace common {

ForkJoin::ForkJoin(unsigned workers, FirstError first)
    : m_workers(std::max(1u, workers)), m_first(first) {}

void ForkJoin::run(std::size_t count, const Task& task) {
  std::atomic<std::size_t> next{0};
  const Next take = [&]() -> std::optional<std::size_t> {
    const std::size_t i = next.fetch_add(1);
    if (i >= count) return std::nullopt;
    return i;
  };
  run_workers(static_cast<unsigned>(std::min<std::size_t>(m_workers, std::max<std::size_t>(count, 1))),
              take, task);
}

void ForkJoin::run(const Next& next, const Task& task) { run_workers(m_workers, next, task); }

void ForkJoin::run_workers(unsigned workers, const Next& take, const Task& task) {
  m_error = nullptr;
  m_failed = false;
  m_failed_at = std::numeric_limits<std::size_t>::max();
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  try {
    for (unsigned w = 1; w < workers; ++w) {
      threads.emplace_back([this, w, &take, &task] { work(w, take, task); });
    }
  } catch (...) {
    // No thread for this worker: the ones started stop taking work and are joined below.
    record(0, std::current_exception());
  }
  if (!failed()) work(0, take, task);
  for (auto& t : threads) t.join();
  if (m_error) std::rethrow_exception(m_error);
}

bool ForkJoin::skip(std::size_t index) const {
  return m_first == FirstError::in_time ? failed() : index > m_failed_at.load();
}

void ForkJoin::work(unsigned worker, const Next& take, const Task& task) noexcept {
  for (;;) {
    if (m_first == FirstError::in_time && failed()) return;
    std::optional<std::size_t> index;
    try {
      index = take();
    } catch (...) {
      record(m_failed_at.load(), std::current_exception());
      return;
    }
    if (!index || skip(*index)) return;
    try {
      task(*index, worker);
    } catch (...) {
      record(*index, std::current_exception());
    }
  }
}

void ForkJoin::record(std::size_t index, std::exception_ptr error) noexcept {
  std::lock_guard<std::mutex> lock(m_mutex);
  const bool wins = m_first == FirstError::in_time ? !m_error : (!m_error || index < m_failed_at.load());
  if (wins) {
    m_error = error;
    m_failed_at = index;
  }
  // Set after the error is kept: a worker that sees it and throws "stopped" comes second.
  m_failed = true;
}

}  // namespace common
