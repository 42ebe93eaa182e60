#include <imgapi/server/connection_gate.hpp>

#include <imgapi/server/rest_error.hpp>

#include <common/json.hpp>
#include <common/log.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace imgapi::server {
namespace {

using Clock = std::chrono::steady_clock;

#ifdef MSG_NOSIGNAL
constexpr int k_send_flags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
constexpr int k_send_flags = MSG_DONTWAIT;
#endif

const char* reason_phrase(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    default: return "Service Unavailable";
  }
}

// Small replies into an idle socket's send buffer: one non-blocking send is enough, and a
// client that does not read is not worth waiting for.
void send_now(int fd, const std::string& bytes) {
  ssize_t n;
  do {
    n = ::send(fd, bytes.data(), bytes.size(), k_send_flags);
  } while (n < 0 && errno == EINTR);
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

std::string gate_reply(int status, const std::string& message) {
  // As every reply (http_context.cpp send_json): bytes that are not UTF-8 print as U+FFFD
  // instead of throwing on the gate's thread (found by fuzz_server_requests).
  const std::string body = http_error(status, message)
                               .body()
                               .dump(2, ' ', false, common::Json::error_handler_t::replace);
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

struct ConnectionGate::Conn {
  std::string buf;
  HeaderScanner scanner{HeaderLimits{}};
  Clock::time_point deadline;
  bool started = false;    // bytes of a request arrived: the header deadline runs
  bool lingering = false;  // an error reply went out: drain, then close
  Clock::time_point linger_end;
};

ConnectionGate::ConnectionGate(GateLimits limits, Ready ready)
    : m_limits(limits), m_ready(std::move(ready)) {
  if (::pipe(m_wake) != 0) throw std::runtime_error("connection gate: pipe() failed");
  set_nonblocking(m_wake[0]);
  set_nonblocking(m_wake[1]);
  m_thread = std::thread([this] { loop(); });
}

ConnectionGate::~ConnectionGate() {
  stop();
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

void ConnectionGate::admit(int fd) {
  if (m_stopping.load()) {
    ::close(fd);
    return;
  }
  if (m_open.fetch_add(1) >= m_limits.max_connections) {
    send_now(fd, gate_reply(503, "too many connections (" +
                                     std::to_string(m_limits.max_connections) +
                                     " open); try again shortly"));
    ::shutdown(fd, SHUT_WR);
    close_fd(fd);
    return;
  }
  give_back(fd, std::string());
}

void ConnectionGate::give_back(int fd, std::string pending) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_stopping.load()) {
      m_incoming.emplace_back(fd, std::move(pending));
      fd = -1;
    }
  }
  if (fd >= 0) {
    close_fd(fd);
    return;
  }
  wake();
}

void ConnectionGate::closed(int fd) { close_fd(fd); }

void ConnectionGate::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_stopping.exchange(true)) return;
  }
  wake();
  if (m_thread.joinable()) m_thread.join();
  for (auto& [fd, pending] : m_incoming) close_fd(fd);
  m_incoming.clear();
}

void ConnectionGate::close_fd(int fd) {
  ::close(fd);
  m_open.fetch_sub(1);
}

void ConnectionGate::wake() {
  const char byte = 1;
  // A full pipe already means "wake up": the result does not matter.
  [[maybe_unused]] ssize_t n = ::write(m_wake[1], &byte, 1);
}

void ConnectionGate::take_incoming(std::map<int, Conn>& conns) {
  std::vector<std::pair<int, std::string>> incoming;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    incoming.swap(m_incoming);
  }
  const auto now = Clock::now();
  for (auto& [fd, pending] : incoming) {
    Conn& c = conns[fd];
    c.scanner = HeaderScanner(m_limits.headers);
    c.deadline = now + std::chrono::seconds(m_limits.idle_timeout_s);
    if (!pending.empty()) {  // a pipelined request: judge what is already here
      c.started = true;
      c.deadline = now + std::chrono::seconds(m_limits.header_timeout_s);
      c.buf = std::move(pending);
      judge(conns, fd);
    }
  }
}

void ConnectionGate::on_readable(std::map<int, Conn>& conns, int fd) {
  auto it = conns.find(fd);
  if (it == conns.end()) return;
  Conn& c = it->second;
  char buf[4096];
  ssize_t n;
  do {
    n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {  // the client closed, or the connection broke
    conns.erase(it);
    close_fd(fd);
    return;
  }
  if (c.lingering) {  // discarded: the reply is already out; wait for quiet again
    c.deadline = std::min(c.linger_end, Clock::now() + std::chrono::milliseconds(m_limits.linger_quiet_ms));
    return;
  }
  if (!c.started) {
    c.started = true;
    c.deadline = Clock::now() + std::chrono::seconds(m_limits.header_timeout_s);
  }
  c.buf.append(buf, static_cast<std::size_t>(n));
  judge(conns, fd);
}

bool ConnectionGate::judge(std::map<int, Conn>& conns, int fd) {
  Conn& c = conns.at(fd);
  const HeaderScan scan = c.scanner.scan(c.buf);
  if (scan.state == HeaderScan::State::incomplete) return false;
  if (scan.state == HeaderScan::State::too_large) {
    const std::string limit = std::string(scan.why) == "header lines"
                                  ? std::to_string(m_limits.headers.max_lines) + " header lines"
                                  : std::to_string(m_limits.headers.max_bytes) + " bytes";
    common::log::info("refused a request: its header block exceeds " + limit + " (431)");
    refuse(c, fd, 431, "the request's header block exceeds " + limit);
    return true;
  }
  std::string bytes = std::move(c.buf);
  conns.erase(fd);
  m_ready(fd, std::move(bytes));
  return true;
}

void ConnectionGate::refuse(Conn& c, int fd, int status, const std::string& message) {
  send_now(fd, gate_reply(status, message));
  ::shutdown(fd, SHUT_WR);
  c.lingering = true;
  std::string().swap(c.buf);  // give the memory back now, not at close
  const auto now = Clock::now();
  c.linger_end = now + std::chrono::milliseconds(m_limits.linger_max_ms);
  c.deadline = now + std::chrono::milliseconds(m_limits.linger_quiet_ms);
}

void ConnectionGate::loop() {
  std::map<int, Conn> conns;
  std::vector<pollfd> fds;
  while (!m_stopping.load()) {
    take_incoming(conns);
    auto now = Clock::now();
    auto next = now + std::chrono::seconds(1);
    fds.assign(1, pollfd{m_wake[0], POLLIN, 0});
    for (const auto& [fd, c] : conns) {
      fds.push_back(pollfd{fd, POLLIN, 0});
      next = std::min(next, c.deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait)));
    if (n < 0 && errno != EINTR) {
      common::log::error(std::string("connection gate: poll failed: ") + std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (n > 0) {
      if (fds[0].revents != 0) {
        char drain[64];
        while (::read(m_wake[0], drain, sizeof drain) > 0) {
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents != 0) on_readable(conns, fds[i].fd);
      }
    }
    now = Clock::now();
    for (auto it = conns.begin(); it != conns.end();) {
      Conn& c = it->second;
      if (c.deadline > now) {
        ++it;
      } else if (c.started && !c.lingering) {
        refuse(c, it->first, 408,
               "the request's headers did not arrive within " +
                   std::to_string(m_limits.header_timeout_s) + " s");
        ++it;
      } else {
        close_fd(it->first);
        it = conns.erase(it);
      }
    }
  }
  for (const auto& [fd, c] : conns) close_fd(fd);
}

}  // namespace imgapi::server
