#include <installer/background_seal.hpp>

namespace installer {

BackgroundSeal::BackgroundSeal() : m_thread([this] { run(); }) {}

BackgroundSeal::~BackgroundSeal() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closing = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void BackgroundSeal::add(std::unique_ptr<common::AtomicFile> file, Explain explain) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_queue.push_back({std::move(file), std::move(explain)});
  }
  m_cv.notify_all();
}

std::vector<std::unique_ptr<common::AtomicFile>> BackgroundSeal::finish() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_cv.wait(lock, [this] { return m_queue.empty() && !m_busy; });
  if (m_error) std::rethrow_exception(m_error);
  return std::move(m_sealed);
}

void BackgroundSeal::run() {
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    m_cv.wait(lock, [this] { return m_closing || !m_queue.empty(); });
    if (m_closing) return;
    Item item = std::move(m_queue.front());
    m_queue.pop_front();
    if (!m_error) {  // after a failure the rest is only kept, to be discarded
      m_busy = true;
      lock.unlock();
      std::exception_ptr failed;
      try {
        item.file->seal();
      } catch (const common::Error& e) {
        failed = std::make_exception_ptr(item.explain ? item.explain(e) : e);
      } catch (...) {
        failed = std::current_exception();
      }
      lock.lock();
      m_busy = false;
      if (failed && !m_error) m_error = failed;
    }
    m_sealed.push_back(std::move(item.file));
    m_cv.notify_all();
  }
}

}  // namespace installer
