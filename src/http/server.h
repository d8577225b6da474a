#pragma once
// The HTTP/1.1 server: a thread pool over Boost.Beast, with limits (body, header, timeouts,
// connections) answered by problem+json, WebSocket upgrades for routes that accept them
// (http/websocket.h), and a graceful stop on SIGINT/SIGTERM.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.h"

namespace watchfloor::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 4;
  size_t max_body_bytes = 1 << 20;
  // Paths (exact, without the query) whose requests may carry a larger body: an evidence bundle to check.
  std::vector<std::pair<std::string, size_t>> large_bodies;
  size_t max_header_bytes = 16 * 1024;
  int max_connections = 512;
  // Slow clients (slowloris): a new connection's first byte, a TLS handshake, and each request's
  // head (request line and headers, from its first byte) must arrive within header_timeout_s; a
  // keep-alive connection with no next request is closed after idle_timeout_s; one address holds
  // at most max_connections_per_ip connections (WebSockets included), trusted proxies excepted.
  int header_timeout_s = 10;
  int idle_timeout_s = 60;
  int max_connections_per_ip = 128;
  int read_timeout_s = 30;   // the body, after the head
  int write_timeout_s = 30;
  // Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (exact addresses).
  std::vector<std::string> trusted_proxies;
  // PEM certificate chain and private key: when both are set the server speaks only HTTPS/WSS,
  // sends HSTS, and requests are marked secure (cookies get the Secure attribute).
  std::string tls_cert, tls_key;
  // A stop (SIGTERM) gives idle connections and closing WebSockets this long, then drops them;
  // requests not yet started are not run after it. Requests being handled answer when they are done
  // (serve() ends the process 1.8 s after the signal whatever still runs: issue 14's 2 s).
  int shutdown_grace_ms = 1500;
  // Called once, on an I/O thread, when a stop begins (the signal, or stop()).
  std::function<void()> on_stop;
  // The open-connection gauges describe this server (one per process: the main listener's).
  bool publish_gauges = true;
  // WebSocket connections (a route answered the upgrade with Response::websocket).
  size_t ws_max_queue_messages = 1000;  // outgoing; beyond either bound the client is "too slow"
  size_t ws_max_queue_bytes = 4 << 20;
  size_t ws_max_message_bytes = 64 * 1024;  // incoming
  int ws_idle_timeout_s = 60;   // a ping after half of it without traffic; closed when the peer stays silent
  int ws_tick_s = 20;           // WsHandler::on_tick period; 0: never
  int ws_close_timeout_s = 5;   // a close handshake the peer does not finish in time ends the connection
};

// Parses "HOST:PORT" ("[::1]:8080" for IPv6); throws std::invalid_argument.
void parse_listen(const std::string& listen, ServerOptions& out);

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  // Binds the listening socket (and loads the TLS certificate and key; a bad file throws
  // std::runtime_error naming it); afterwards port() is the real port (useful with port 0).
  void bind();
  bool tls() const;
  uint16_t port() const;
  // Serves until stop() or SIGINT/SIGTERM; in-flight requests finish before it returns and
  // WebSockets are closed with 1001 "going away". Connections still open after shutdown_grace_ms
  // are dropped unless their request is being handled; requests not started by then are not run.
  // A handler still running 2 s later is not waited for by the I/O threads.
  void run();
  void stop();
  int open_connections() const;

  struct Impl;  // defined in server.cpp, the only file that sees Beast

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchfloor::http
