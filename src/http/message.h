#pragma once
// Our own request and response types, so that only server.cpp includes Boost.Beast.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace watchfloor::http {

class WsHandler;  // http/websocket.h

struct Request {
  std::string method;  // "GET"
  std::string target;  // as received: "/api/v1/units?unit=3"
  std::string path;    // percent-decoded path without the query
  std::map<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string remote_ip;  // the client's address (from a trusted proxy's X-Forwarded-For when behind one)
  bool secure = false;    // arrived over TLS, here or at a trusted proxy
  bool websocket_upgrade = false;  // a WebSocket handshake (GET with Upgrade: websocket)

  std::string header(std::string_view name) const;  // empty when absent
  std::string cookie(std::string_view name) const;
};

// A response body too large to hold in memory (recorded video): its size is known up front and
// the server reads it in pieces as the client takes them.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t size() const = 0;
  // Reads up to `n` bytes at `offset`; throws when the data cannot be read (the connection is then cut).
  virtual size_t read(uint64_t offset, char* out, size_t n) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by a route that accepts a WebSocket upgrade request: the server completes the handshake
  // (sending `headers` with the 101) and runs the connection with this handler.
  std::shared_ptr<WsHandler> websocket;
  // When set, the body is streamed from it instead of `body`.
  std::shared_ptr<BodySource> source;

  static Response json(int status, const nlohmann::json& body);
  static Response problem(const core::Problem& p);
  static Response no_content();
  static Response upgrade(std::shared_ptr<WsHandler> handler);
  Response& with_header(std::string name, std::string value);
  // The first value of a header (any case), empty when absent.
  std::string header(std::string_view name) const;
};

using Handler = std::function<Response(Request&)>;

// A page elsewhere must not act with our cookie: true when the request has no Origin (not a
// browser, or a same-origin GET) or an Origin whose host and port are the Host header's.
// "null" (sandboxed pages, file:) and other schemes are cross-site. Behind a reverse proxy the
// proxy must pass the client's Host through (docs/operator-guide.md).
bool same_origin(const Request& req);

// The client's address: the socket's peer, or — when the peer is a trusted proxy — the rightmost
// address of X-Forwarded-For that is not itself a trusted proxy (the leftmost ones are the client's
// own claims and can be forged).
std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

// Decodes %XX (and '+' as space when `form` is true). Returns false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool form);
// A single "Range: bytes=a-b" / "bytes=a-" / "bytes=-n" against a body of `size` bytes: (first, length).
// nullopt when absent, malformed or several ranges (serve the whole body); throws a 416 Problem when
// it lies beyond the body.
std::optional<std::pair<uint64_t, uint64_t>> parse_byte_range(const std::string& header, uint64_t size);

// Splits "a=1&b=2" into a map; later keys win.
std::map<std::string, std::string> parse_query(std::string_view qs);

}  // namespace watchfloor::http
