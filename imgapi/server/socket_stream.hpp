#pragma once
// An httplib::Stream over an accepted socket that first hands out bytes the connection gate
// already read (the header block, perhaps the start of a body or of a pipelined request),
// then reads the socket with a timeout. What it read past the request stays in `pending()`
// and goes back to the gate with the connection, so pipelined requests keep their bytes.

#include <httplib.h>

#include <string>

namespace imgapi::server {

class SocketStream : public httplib::Stream {
 public:
  // `read_timeout_s`: longest wait for the next body byte; `write_timeout_s`: for the
  // socket to take the next reply bytes.
  SocketStream(int fd, std::string pending, int read_timeout_s, int write_timeout_s);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return m_fd; }

  // Bytes received but not consumed by the request just handled.
  std::string take_pending();

 private:
  int m_fd;
  std::string m_pending;
  std::size_t m_pos = 0;
  int m_read_timeout_ms;
  int m_write_timeout_ms;
};

}  // namespace imgapi::server
