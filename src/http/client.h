#pragma once
// The HTTP and WebSocket client an API server uses to reach a recorder node (docs/deploy.md §3): synchronous,
// one connection per request, our own types only (Beast stays in client.cpp). A connection that cannot be made,
// or a node that stops answering, is a 503 problem `recorder-unreachable` naming the node, which the console shows
// as it is.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/message.h"

namespace watchfloor::http {

struct ClientTarget {
  std::string host;  // a name or an address, without brackets
  uint16_t port = 0;
  bool tls = false;
  // With tls: the PEM file of the certificate authority that signed the node's certificate; empty: the system's.
  // The certificate must also name `host`.
  std::string ca_file;
  std::string name;  // who it is in error messages (the node's name); empty: host:port

  // "host:port" or "[v6]:port"; throws std::invalid_argument.
  static ClientTarget parse(const std::string& address, bool tls = false, std::string ca_file = {}, std::string name = {});
};

struct ClientOptions {
  int connect_timeout_ms = 3'000;  // resolving, connecting and the TLS and WebSocket handshakes
  int io_timeout_ms = 30'000;      // each read or write after that
  // A body up to this size (or any error answer) is read whole into Response::body; a larger one becomes
  // Response::source, read from the connection as the caller asks for it.
  size_t max_buffered_body = 1 << 20;
};

// Sends one request without a body and reads the answer's head. The response's `headers` carry, when present,
// Content-Length, Content-Range, Accept-Ranges, ETag, Cache-Control, Content-Disposition, X-Recording-Start,
// X-Recording-End, X-Frame-Time and every X-Clip-*; its `source` (for a large body) owns the connection and must be
// read in order from offset 0 (as Server streams a body), from one thread at a time. Throws the 503 problem when
// the node cannot be reached or the connection breaks before the head is read.
Response fetch(const ClientTarget& to, const std::string& method, const std::string& target,
               std::vector<std::pair<std::string, std::string>> headers, ClientOptions opt = {});

// The 503 problem `recorder-unreachable` for `to` (also thrown by fetch and WsClient::connect).
core::Problem unreachable(const ClientTarget& to, const std::string& why);

// A WebSocket to a node, relayed elsewhere: connect() makes the connection (handshake with `headers`), start()
// runs a reader thread that hands each message to the callbacks, close() ends it from any thread.
class WsClient {
 public:
  struct Callbacks {
    std::function<void(std::string)> on_text;
    std::function<void(std::shared_ptr<const std::string>)> on_binary;
    // Once after start(), when the connection ends however it ends: the node's close code, 1006 when it broke
    // without one, or 1000 after close(). Runs on the reader thread.
    std::function<void(int code)> on_closed;
    // Backpressure: while this returns true nothing more is read from the node (checked before every read and
    // then every 10 ms), so the node's own sender falls behind and skips ahead, not this process.
    std::function<bool()> hold;
  };

  // Throws the 503 problem when the node cannot be reached or declines the handshake.
  static std::unique_ptr<WsClient> connect(const ClientTarget& to, const std::string& target,
                                           std::vector<std::pair<std::string, std::string>> headers, ClientOptions opt = {});
  ~WsClient();  // close()
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Starts the reader thread (once). The callbacks may run before start() returns.
  void start(Callbacks cb);
  // Ends the connection (the socket is shut down at once, no close handshake is awaited) and waits for the reader
  // to finish; afterwards no callback runs. From a callback itself it only ends the connection. The client must not
  // be destroyed from its own callbacks.
  void close();

  struct Impl;  // client.cpp

 private:
  explicit WsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchfloor::http
