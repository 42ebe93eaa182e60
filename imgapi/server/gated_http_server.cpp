#include <imgapi/server/gated_http_server.hpp>

#include <imgapi/server/socket_stream.hpp>

#include <sys/socket.h>
#include <unistd.h>

namespace imgapi::server {
namespace {

// Runs each job at once on the caller's thread: httplib's accept loop then calls our
// process_and_close_socket() itself, which only hands the socket to the gate and returns.
// shutdown() (httplib calls it when stop() ends the accept loop) stops the gate and pool.
class InlineQueue : public httplib::TaskQueue {
 public:
  explicit InlineQueue(std::function<void()> on_shutdown) : m_on_shutdown(std::move(on_shutdown)) {}
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override { m_on_shutdown(); }

 private:
  std::function<void()> m_on_shutdown;
};

}  // namespace

GatedHttpServer::GatedHttpServer(GatedLimits limits) : m_limits(limits) {
  new_task_queue = [this] {
    start();
    return new InlineQueue([this] { shutdown_workers(); });
  };
}

GatedHttpServer::~GatedHttpServer() { shutdown_workers(); }

void GatedHttpServer::start() {
  m_pool = std::make_unique<httplib::ThreadPool>(m_limits.workers);
  m_gate = std::make_unique<ConnectionGate>(m_limits.gate, [this](int fd, std::string bytes) {
    // std::function needs a copyable job: the bytes travel in a shared_ptr.
    auto shared = std::make_shared<std::string>(std::move(bytes));
    m_pool->enqueue([this, fd, shared] { serve(fd, std::move(*shared)); });
  });
}

void GatedHttpServer::shutdown_workers() {
  // The gate first: it feeds the pool. Then the pool finishes the requests it has; their
  // connections come back to a stopped gate, which closes them.
  if (m_gate) m_gate->stop();
  if (m_pool) m_pool->shutdown();
  m_pool.reset();
  m_gate.reset();
}

std::size_t GatedHttpServer::open_connections() const {
  return m_gate ? m_gate->open_connections() : 0;
}

void GatedHttpServer::widen_backlog() {
  // listen() again on a listening socket only changes its backlog (POSIX; Linux, illumos).
  ::listen(svr_sock_, SOMAXCONN);
}

bool GatedHttpServer::process_and_close_socket(socket_t sock) {
  m_gate->admit(sock);
  return true;
}

void GatedHttpServer::serve(int fd, std::string bytes) {
  SocketStream stream(fd, std::move(bytes), m_limits.body_read_timeout_s, m_limits.write_timeout_s);
  bool connection_closed = false;
  const bool ok = process_request(stream, false, connection_closed, nullptr);
  if (ok && !connection_closed && is_running()) {
    m_gate->give_back(fd, stream.take_pending());
  } else {
    ::shutdown(fd, SHUT_RDWR);
    m_gate->closed(fd);
  }
}

}  // namespace imgapi::server
