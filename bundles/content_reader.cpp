#include <bundles/content_reader.hpp>

#include <bundles/member_source.hpp>
#include <common/error.hpp>
#include <common/hash.hpp>

#include <algorithm>

namespace bundles {

namespace {

using common::Error;
using common::ExitCode;

// Thrown on the helper thread when the consumer went away; never leaves the helper.
struct Stopped {};

}  // namespace

ContentReader::ContentReader(const std::vector<ContentJob>& jobs) : m_jobs(jobs) {
  m_slots.resize(k_slots);
  for (auto& slot : m_slots) slot.buffer = std::make_unique<char[]>(k_slice_size);
  m_thread = std::thread([this] { run(); });
}

ContentReader::~ContentReader() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void ContentReader::run() {
  try {
    for (const auto& job : m_jobs) read_job(job);
  } catch (const Stopped&) {
  } catch (...) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_error = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_done = true;
  }
  m_changed.notify_all();
}

void ContentReader::read_job(const ContentJob& job) {
  MemberSource source(job.name, job.path, job.bytes, job.size);
  std::uint64_t chunk = 0;
  for (std::uint64_t at = 0; at < job.size; at += job.chunk_size, ++chunk) {
    common::Hasher hasher(common::HashAlgorithm::sha256);
    std::uint64_t left = std::min(job.chunk_size, job.size - at);
    while (left > 0) {
      Slot& slot = wait_free_slot();
      slot.size = static_cast<std::size_t>(std::min<std::uint64_t>(left, k_slice_size));
      slot.chunk_end = false;
      source.read(slot.buffer.get(), slot.size);
      if (job.sha256 != nullptr) hasher.update(slot.buffer.get(), slot.size);
      left -= slot.size;
      publish();
    }
    const std::string hash = job.sha256 != nullptr ? hasher.finish_hex() : std::string();
    const std::string& expected = job.sha256 != nullptr ? job.sha256->at(chunk) : hash;
    if (hash != expected) {
      throw source.changed_error("chunk " + std::to_string(chunk) + " has SHA-256 " + hash +
                                 ", not " + expected);
    }
    Slot& end = wait_free_slot();
    end.size = 0;
    end.chunk_end = true;
    publish();
  }
  source.check_at_end();
}

// The slot after the published ones, once the consumer no longer uses it.
ContentReader::Slot& ContentReader::wait_free_slot() {
  std::unique_lock<std::mutex> lock(m_mutex);
  // The consumer may still read the slot it took last (m_holding): it is not free.
  m_changed.wait(lock, [this] { return m_stop || m_count + (m_holding ? 1 : 0) < k_slots; });
  if (m_stop) throw Stopped{};
  return m_slots[(m_head + m_count) % k_slots];
}

void ContentReader::publish() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_count;
  }
  m_changed.notify_all();
}

ContentReader::Piece ContentReader::next() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_holding = false;  // the previous slice is released
  m_changed.notify_all();
  m_changed.wait(lock, [this] { return m_count > 0 || m_error || m_done; });
  if (m_error) std::rethrow_exception(m_error);
  if (m_count == 0) {
    throw Error(ExitCode::internal, "bundle writer: asked for more content than the index has");
  }
  const Slot& slot = m_slots[m_head];
  m_head = (m_head + 1) % k_slots;
  --m_count;
  m_holding = true;
  return {std::string_view(slot.buffer.get(), slot.size), slot.chunk_end};
}

void ContentReader::finish() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_holding = false;
  m_changed.notify_all();
  m_changed.wait(lock, [this] { return m_done || m_error || m_count > 0; });
  if (m_error) std::rethrow_exception(m_error);
  if (m_count > 0) {
    throw Error(ExitCode::internal, "bundle writer: content left over after the last frame");
  }
}

}  // namespace bundles
