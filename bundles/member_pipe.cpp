#include <bundles/member_pipe.hpp>

#include <algorithm>
#include <cstring>

namespace bundles {
namespace {

// Thrown inside the sink to unwind extract_member when the consumer went away.
struct Stopped {};

}  // namespace

MemberPipe::MemberPipe(const SeekableReader& reader, std::string name)
    : m_name(std::move(name)), m_buffer(k_buffer_size) {
  m_thread = std::thread([this, &reader] { run(reader); });
}

MemberPipe::~MemberPipe() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void MemberPipe::run(const SeekableReader& reader) {
  std::exception_ptr error;
  try {
    reader.extract_member(m_name, [this](const char* data, std::size_t size) { push(data, size); });
  } catch (const Stopped&) {
  } catch (...) {
    error = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_error = error;
  m_done = true;
  m_changed.notify_all();
}

void MemberPipe::push(const char* data, std::size_t size) {
  while (size > 0) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_stop || m_count < m_buffer.size(); });
    if (m_stop) throw Stopped{};
    // Copy into the free space after the buffered bytes, up to the ring's end.
    const std::size_t tail = (m_head + m_count) % m_buffer.size();
    const std::size_t room = std::min(m_buffer.size() - m_count, m_buffer.size() - tail);
    const std::size_t n = std::min(room, size);
    std::memcpy(m_buffer.data() + tail, data, n);
    m_count += n;
    data += n;
    size -= n;
    m_changed.notify_all();
  }
}

std::size_t MemberPipe::read(char* buf, std::size_t max) {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_changed.wait(lock, [this] { return m_count > 0 || m_done; });
  if (m_count == 0) {
    if (m_error) std::rethrow_exception(m_error);
    return 0;
  }
  const std::size_t n = std::min({max, m_count, m_buffer.size() - m_head});
  std::memcpy(buf, m_buffer.data() + m_head, n);
  m_head = (m_head + n) % m_buffer.size();
  m_count -= n;
  m_changed.notify_all();
  return n;
}

}  // namespace bundles
