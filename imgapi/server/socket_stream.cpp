#include <imgapi/server/socket_stream.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace imgapi::server {
namespace {

// The server ignores SIGPIPE already; MSG_NOSIGNAL says so per call where it exists.
#ifdef MSG_NOSIGNAL
constexpr int k_send_flags = MSG_NOSIGNAL;
#else
constexpr int k_send_flags = 0;
#endif

// poll() for `events` with a timeout, retrying on EINTR (the timeout restarts: a signal
// storm can only lengthen a wait, never turn it into a false timeout).
bool wait_for(int fd, short events, int timeout_ms) {
  for (;;) {
    struct pollfd p {};
    p.fd = fd;
    p.events = events;
    const int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, buf, sizeof buf);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
    port = ntohs(a.sin6_port);
  }
  ip = buf;
}

}  // namespace

SocketStream::SocketStream(int fd, std::string pending, int read_timeout_s, int write_timeout_s)
    : m_fd(fd), m_pending(std::move(pending)), m_read_timeout_ms(read_timeout_s * 1000),
      m_write_timeout_ms(write_timeout_s * 1000) {}

bool SocketStream::is_readable() const {
  return m_pos < m_pending.size() || wait_for(m_fd, POLLIN, m_read_timeout_ms);
}

bool SocketStream::is_writable() const { return wait_for(m_fd, POLLOUT, m_write_timeout_ms); }

ssize_t SocketStream::read(char* ptr, size_t size) {
  if (m_pos < m_pending.size()) {
    const std::size_t n = std::min(size, m_pending.size() - m_pos);
    std::memcpy(ptr, m_pending.data() + m_pos, n);
    m_pos += n;
    return static_cast<ssize_t>(n);
  }
  if (!wait_for(m_fd, POLLIN, m_read_timeout_ms)) return -1;
  ssize_t n;
  if (size >= 4096) {  // a body read: straight into the caller's buffer
    do {
      n = ::recv(m_fd, ptr, size, 0);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  // httplib's line reader asks for one byte at a time: read a chunk and keep the rest, as
  // httplib's own socket stream does.
  char buf[4096];
  do {
    n = ::recv(m_fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return n;
  m_pending.assign(buf, static_cast<std::size_t>(n));
  m_pos = 0;
  return read(ptr, size);
}

ssize_t SocketStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  ssize_t n;
  do {
    n = ::send(m_fd, ptr, size, k_send_flags);
  } while (n < 0 && errno == EINTR);
  return n;
}

void SocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr {};
  socklen_t len = sizeof addr;
  if (::getpeername(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

void SocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr {};
  socklen_t len = sizeof addr;
  if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, ip, port);
}

std::string SocketStream::take_pending() {
  std::string rest = m_pending.substr(m_pos);
  m_pending.clear();
  m_pos = 0;
  return rest;
}

}  // namespace imgapi::server
