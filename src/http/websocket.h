#pragma once
// WebSocket connections without Beast types: a route answers an upgrade request with a Response
// whose `websocket` member is set (see Response::websocket), and the server then runs the
// connection and calls the WsHandler. Everything else about the request — session, CSRF-free GET,
// password-change gate, policy, access log — is the ordinary dispatcher's.
#include <cstdint>
#include <memory>
#include <string>

namespace watchfloor::http {

// Close codes the console acts on.
inline constexpr int kWsNormal = 1000;
inline constexpr int kWsGoingAway = 1001;     // server stopping: reconnect and resume
inline constexpr int kWsPolicy = 1008;        // too slow (outgoing queue overflowed): reconnect and resume
inline constexpr int kWsSessionEnded = 4401;  // logged out or expired: log in again, do not reconnect
inline constexpr int kWsForbidden = 4403;     // access withdrawn: do not reconnect

// The server's side of one connection, handed to WsHandler::on_open. Thread-safe.
class WsSender {
 public:
  virtual ~WsSender() = default;
  // Queues a text message and returns at once. Returns false when the connection is closing or
  // closed. A client that does not keep up (the queue is over its message or byte bound) is
  // disconnected with 1008 "too slow": memory never grows with a slow reader.
  virtual bool send(std::string text) = 0;
  // The same message for many connections without copying it for each.
  virtual bool send_shared(std::shared_ptr<const std::string> text) = 0;
  // A binary message (media), shared the same way and under the same bounds.
  virtual bool send_binary(std::shared_ptr<const std::string> data) = 0;
  // Bytes queued and not yet written: a sender of media skips ahead before the hard bound is hit.
  virtual size_t backlog_bytes() const = 0;
  // Sends a close frame (queued messages are dropped) and ends the connection.
  virtual void close(int code, std::string reason) = 0;
};

// What a WebSocket route does with its connection. on_open, on_message, on_tick and on_close run
// one at a time on the connection's strand; none of them may block for long.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void on_open(std::shared_ptr<WsSender> sender) = 0;
  virtual void on_message(const std::string& text) = 0;
  // Every ServerOptions::ws_tick_s while open (e.g. to re-check the session).
  virtual void on_tick() {}
  // Once, after on_open, whoever closed the connection; the sender must be released here.
  virtual void on_close() = 0;
};

}  // namespace watchfloor::http
