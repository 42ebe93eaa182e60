// unpack_image and rebuild_image (rebuild.hpp).
#include <delta/rebuild.hpp>

#include <delta/image_decoder.hpp>
#include <delta/recompress.hpp>

#include <common/error.hpp>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

namespace delta {

namespace {

using common::Error;
using common::ExitCode;

constexpr std::size_t k_io_block = 1u << 20;

// An output file opened O_EXCL; write() maps ENOSPC to no_space.
class NewFile {
 public:
  explicit NewFile(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (m_fd < 0) {
      throw Error(ExitCode::io, "cannot create " + path + ": " + std::strerror(errno));
    }
  }
  ~NewFile() {
    if (m_fd >= 0) ::close(m_fd);
  }
  NewFile(const NewFile&) = delete;
  NewFile& operator=(const NewFile&) = delete;

  void write(const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(m_fd, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        throw Error(err == ENOSPC ? ExitCode::no_space : ExitCode::io,
                    "cannot write " + m_path + ": " + std::strerror(err));
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  void close() {
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) throw Error(ExitCode::io, "cannot close " + m_path + ": " + std::strerror(errno));
  }

 private:
  std::string m_path;
  int m_fd = -1;
};

// A bounded byte queue between one producer and one consumer thread. Either side can
// abandon it; the other then gets `Abandoned` thrown at its next push or pull (so the
// compressor never mistakes a failed patch for the end of the stream and finishes a file),
// and the caller reports the first real failure.
class BytePipe {
 public:
  struct Abandoned {};

  explicit BytePipe(std::size_t capacity) : m_capacity(capacity) {}

  // Producer: blocks while the queue is full. Throws Abandoned once the consumer gave up.
  void push(const char* data, std::size_t size) {
    while (size > 0) {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_space.wait(lock, [&] { return m_abandoned || m_bytes < m_capacity; });
      if (m_abandoned) throw Abandoned{};
      const std::size_t n = std::min(size, m_capacity - m_bytes);
      m_chunks.emplace_back(data, data + n);
      m_bytes += n;
      data += n;
      size -= n;
      m_data.notify_one();
    }
  }

  // Producer: no more data (after success or failure).
  void close() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
    m_data.notify_all();
  }

  // Consumer: up to `size` bytes; 0 at the end (closed and drained). Throws Abandoned once
  // the producer gave up.
  std::size_t pull(char* buf, std::size_t size) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_data.wait(lock, [&] { return m_closed || m_abandoned || !m_chunks.empty(); });
    if (m_abandoned) throw Abandoned{};
    if (m_chunks.empty()) return 0;
    std::size_t done = 0;
    while (done < size && !m_chunks.empty()) {
      std::vector<char>& front = m_chunks.front();
      const std::size_t n = std::min(size - done, front.size() - m_front_used);
      std::memcpy(buf + done, front.data() + m_front_used, n);
      done += n;
      m_front_used += n;
      if (m_front_used == front.size()) {
        m_chunks.pop_front();
        m_front_used = 0;
      }
    }
    m_bytes -= done;
    m_space.notify_one();
    return done;
  }

  // Either side: stop the other.
  void abandon() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_abandoned = true;
    m_space.notify_all();
    m_data.notify_all();
  }

 private:
  std::size_t m_capacity;
  std::mutex m_mutex;
  std::condition_variable m_space, m_data;
  std::deque<std::vector<char>> m_chunks;
  std::size_t m_front_used = 0;
  std::size_t m_bytes = 0;
  bool m_closed = false;
  bool m_abandoned = false;
};

}  // namespace

FileSource::FileSource(const std::string& path) : m_path(path) {
  m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ExitCode::not_found : ExitCode::io,
                "cannot open " + path + ": " + std::strerror(err));
  }
}

FileSource::~FileSource() { ::close(m_fd); }

std::size_t FileSource::read(char* buf, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(m_fd, buf, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw Error(ExitCode::io, "cannot read " + m_path + ": " + std::strerror(errno));
  }
}

UnpackResult unpack_image(const std::string& path, Compression compression,
                          const std::string& out_path, std::uint64_t max_uncompressed) {
  UnpackResult result;
  std::vector<char> buf(k_io_block);
  NewFile out(out_path);
  if (compression == Compression::none) {
    FileSource in(path);
    while (const std::size_t n = in.read(buf.data(), buf.size())) {
      result.uncompressed_size += n;
      if (result.uncompressed_size > max_uncompressed) {
        throw Error(ExitCode::bundle_too_large,
                    path + " is larger than " + std::to_string(max_uncompressed) + " bytes");
      }
      out.write(buf.data(), n);
    }
    result.compressed_size = result.uncompressed_size;
  } else {
    ImageDecoder in(path, compression, max_uncompressed);
    while (const std::size_t n = in.read(buf.data(), buf.size())) {
      out.write(buf.data(), n);
    }
    result.uncompressed_size = in.uncompressed_size();
    result.compressed_size = in.compressed_size();
    if (in.trailing_bytes() != 0) {
      throw Error(ExitCode::bad_data, path + " has " + std::to_string(in.trailing_bytes()) +
                                          " bytes after its compressed stream");
    }
  }
  out.close();
  return result;
}

RebuildResult rebuild_image(const std::string& base_uncompressed, const ByteSource& patch,
                            const Recipe& recipe, const ByteSink& file_out,
                            std::uint64_t max_uncompressed) {
  validate(recipe, "rebuild recipe");
  BytePipe pipe(k_rebuild_queue_bytes);
  RebuildResult result;
  std::exception_ptr patch_error;
  std::thread patcher([&] {
    try {
      result.uncompressed_size = apply_patch(
          base_uncompressed, patch, [&](const char* data, std::size_t size) { pipe.push(data, size); },
          max_uncompressed);
    } catch (const BytePipe::Abandoned&) {
      // The compressor failed first; its error is the one to report.
    } catch (...) {
      patch_error = std::current_exception();
      pipe.abandon();
    }
    pipe.close();
  });
  std::exception_ptr compress_error;
  try {
    const CompressResult c = compress_with(
        recipe, [&](char* buf, std::size_t size) { return pipe.pull(buf, size); },
        [&](const char* data, std::size_t size) {
          file_out(data, size);
          return true;
        });
    result.file_size = c.bytes_out;
  } catch (const BytePipe::Abandoned&) {
    // The patch side failed first; its error is the one to report.
  } catch (...) {
    compress_error = std::current_exception();
    pipe.abandon();
  }
  patcher.join();
  // The patch side's failure explains a short stream, so it wins over the compressor's.
  if (patch_error) std::rethrow_exception(patch_error);
  if (compress_error) std::rethrow_exception(compress_error);
  return result;
}

}  // namespace delta
