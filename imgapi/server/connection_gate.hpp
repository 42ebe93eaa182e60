#pragma once
// The connection gate: one poll() thread that holds every connection between requests --
// new ones, keep-alive ones, slow ones -- and hands a connection to a worker thread only when
// a whole request header block has arrived within the limits. So worker threads never wait on
// a slow or idle client, and a client that trickles header lines, opens hundreds of idle
// sockets or sends a million header lines cannot keep `GET /ping` from an answer: it costs a
// file descriptor and at most HeaderLimits::max_bytes of memory, and it has deadlines.
//
// What the gate answers itself (IMGAPI's error shape, then the connection closes):
//   431 RequestHeaderFieldsTooLargeError  header block over its byte or line limit
//   408 RequestTimeoutError               a started request not complete in time
//   503 ServiceUnavailableError           more than max_connections open
// A connection that sent nothing of a next request is closed silently at its idle timeout,
// as node's keepAliveTimeout does.

#include <imgapi/server/header_block.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace imgapi::server {

struct GateLimits {
  HeaderLimits headers;
  // From the first byte of a request to the end of its header block. 10 s: a real client
  // sends its headers in one packet; Apache's mod_reqtimeout allows 20 s, node 60 s, but our
  // clients are on the DC's own network.
  int header_timeout_s = 10;
  // With no byte of a new request, on a new or a kept-alive connection. 5 s: node's default
  // keepAliveTimeout, which sdcadm's and node-sdc-clients' agents already expect.
  int idle_timeout_s = 5;
  // Connections open at once, waiting or served. 512: far above what sdcadm's 5 concurrent
  // downloads and a few operators need, and half of the usual 1024 file descriptor limit, so
  // the store's files still open.
  std::size_t max_connections = 512;
  // After an error reply the gate reads and drops what the client still sends until it is
  // quiet for linger_quiet_ms (at most linger_max_ms) and only then closes: closing with
  // unread bytes sends a reset, which can destroy the reply before the client reads it
  // (nginx's lingering_close, 5 s / 30 s, does the same).
  int linger_quiet_ms = 1000;
  int linger_max_ms = 10000;
};

class ConnectionGate {
 public:
  // `ready(fd, bytes)`: a complete header block arrived on fd; `bytes` is everything read so
  // far (header block first). Called on the gate's thread: it must not block.
  using Ready = std::function<void(int fd, std::string bytes)>;

  ConnectionGate(GateLimits limits, Ready ready);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // A newly accepted connection; refused with 503 when max_connections are open.
  void admit(int fd);
  // A connection a worker served and keeps alive, with bytes it read past its request.
  void give_back(int fd, std::string pending);
  // A connection a worker closed.
  void closed(int fd);
  // Closes every connection the gate holds and stops its thread; later calls close fds.
  void stop();

  std::size_t open_connections() const { return m_open.load(); }

 private:
  struct Conn;
  void loop();
  void take_incoming(std::map<int, Conn>& conns);
  void on_readable(std::map<int, Conn>& conns, int fd);
  bool judge(std::map<int, Conn>& conns, int fd);
  void refuse(Conn& conn, int fd, int status, const std::string& message);
  void close_fd(int fd);
  void wake();

  GateLimits m_limits;
  Ready m_ready;
  std::atomic<std::size_t> m_open{0};
  std::atomic<bool> m_stopping{false};
  int m_wake[2] = {-1, -1};  // self-pipe: admit/give_back wake the poll
  std::mutex m_mutex;
  std::vector<std::pair<int, std::string>> m_incoming;
  std::thread m_thread;
};

// "HTTP/1.1 431 ...": a whole reply with an IMGAPI error body and Connection: close.
std::string gate_reply(int status, const std::string& message);

}  // namespace imgapi::server
