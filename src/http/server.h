#pragma once
// The HTTP/1.1 server: a thread pool over Boost.Beast, with limits (body, header, timeouts,
// connections) answered by problem+json, and a graceful stop on SIGINT/SIGTERM.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace watchfloor::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 4;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int max_connections = 512;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  int shutdown_grace_s = 10;
};

// Parses "HOST:PORT" ("[::1]:8080" for IPv6); throws std::invalid_argument.
void parse_listen(const std::string& listen, ServerOptions& out);

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  // Binds the listening socket; afterwards port() is the real port (useful with port 0).
  void bind();
  uint16_t port() const;
  // Serves until stop() or SIGINT/SIGTERM; in-flight requests finish before it returns.
  void run();
  void stop();
  int open_connections() const;

  struct Impl;  // defined in server.cpp, the only file that sees Beast

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchfloor::http
