#pragma once
// httplib::Server with the connection gate in front of its workers. httplib 0.11 (Debian 12)
// gives each accepted connection a worker thread for its whole life: a keep-alive wait, a
// slow header line and an idle socket each hold one of its 8 threads, which is how 10 slow
// clients or 200 idle sockets starved /ping for over a minute; and its header parser has no
// limit on the number of header lines. Its knobs (set_read_timeout, set_keep_alive_timeout,
// set_idle_interval, new_task_queue) cannot fix that: timeouts only bound each wait, and the
// task queue sees an opaque job, not a socket it could refuse. Debian builds httplib as a
// shared library, so compile definitions such as CPPHTTPLIB_HEADER_MAX_LENGTH do not reach
// its parser either.
//
// So this class takes over the one virtual httplib offers for it, process_and_close_socket():
// httplib's accept loop hands it the socket, the gate (connection_gate.hpp) holds it until
// a whole header block is in, and a worker of our own pool runs httplib's process_request()
// on it -- one request, then the connection goes back to the gate. Routing, parsing and
// replies stay httplib's.

#include <imgapi/server/connection_gate.hpp>

#include <httplib.h>

#include <cstddef>
#include <memory>

namespace imgapi::server {

struct GatedLimits {
  GateLimits gate;
  std::size_t workers = 8;     // httplib's own default pool size
  int body_read_timeout_s = 60;  // longest pause inside a request body (uploads)
  int write_timeout_s = 60;      // longest wait for a client to take reply bytes
};

class GatedHttpServer : public httplib::Server {
 public:
  explicit GatedHttpServer(GatedLimits limits = {});
  ~GatedHttpServer() override;

  std::size_t open_connections() const;

  // Call after bind: raises the listen backlog from httplib's compiled-in 5 to SOMAXCONN.
  // With 5, a burst of connections (250 at once in the tests) overflows the SYN queue and a
  // client's connect waits for a retransmit (1 s, 3 s, ...) before the gate even sees it.
  void widen_backlog();

 private:
  // Called by httplib's accept loop (through an inline task queue) for each new socket.
  bool process_and_close_socket(socket_t sock) override;
  void serve(int fd, std::string bytes);
  void start();
  void shutdown_workers();

  GatedLimits m_limits;
  std::unique_ptr<httplib::ThreadPool> m_pool;
  std::unique_ptr<ConnectionGate> m_gate;
};

}  // namespace imgapi::server
