// The client side of Beast, beside server.cpp: the only other translation unit that includes it.
//
// Every operation is asynchronous on a private io_context that the calling thread runs until that one
// operation completes: Beast's stream deadlines (tcp_stream::expires_after) then bound each step, which its
// synchronous calls would not.
#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "core/log.h"
#include "core/metrics.h"
#include "http/websocket.h"

namespace watchfloor::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

ClientTarget ClientTarget::parse(const std::string& address, bool tls, std::string ca_file, std::string name) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    throw std::invalid_argument("address must be HOST:PORT, got '" + address + "'");
  ClientTarget t;
  t.host = address.substr(0, colon);
  if (t.host.front() == '[') {
    if (t.host.size() < 3 || t.host.back() != ']') throw std::invalid_argument("bad IPv6 address in '" + address + "'");
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  std::string port = address.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
      std::stoi(port) > 65535)
    throw std::invalid_argument("address port must be 1 to 65535, got '" + address + "'");
  t.port = static_cast<uint16_t>(std::stoi(port));
  t.tls = tls;
  t.ca_file = std::move(ca_file);
  t.name = std::move(name);
  return t;
}

namespace {

std::string host_header(const ClientTarget& to) {
  bool v6 = to.host.find(':') != std::string::npos;
  return fmt::format("{}{}{}:{}", v6 ? "[" : "", to.host, v6 ? "]" : "", to.port);
}

std::string who(const ClientTarget& to) { return to.name.empty() ? host_header(to) : to.name; }

// The answer's headers a proxy hands on (the rest is this hop's: Connection, Server, Date, …).
bool passed_through(std::string_view name) {
  static constexpr std::string_view kNames[] = {"content-length",      "content-range",     "accept-ranges", "etag",
                                                "cache-control",       "content-disposition", "x-recording-start",
                                                "x-recording-end",     "x-frame-time"};
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(std::begin(kNames), std::end(kNames), lower) != std::end(kNames) || lower.rfind("x-clip-", 0) == 0;
}

// One connection to a node, plain or TLS, with the io_context its operations run on.
struct Link {
  explicit Link(const ClientTarget& t, const ClientOptions& o) : to(t), opt(o) {}
  ClientTarget to;
  ClientOptions opt;
  net::io_context ioc;
  std::optional<ssl::context> ctx;
  std::optional<beast::tcp_stream> plain;
  std::optional<TlsStream> tls;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  decltype(auto) with(F&& f) {
    if (tls) return f(*tls);
    return f(*plain);
  }
  // Starts one operation (`start` is given its handler) and runs the io_context until it completes; the stream's
  // deadline bounds the wait. Not until the io_context runs out of work: a WebSocket keeps a ping timer pending for
  // as long as it is open, which would hold the caller until it fires.
  template <class Start>
  beast::error_code await(Start&& start) {
    beast::error_code ec;
    bool done = false;
    start([&](beast::error_code e, auto&&...) {
      ec = e;
      done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one()) {
    }
    return ec;
  }
  void deadline(int ms) { tcp().expires_after(std::chrono::milliseconds(ms)); }
  void shut() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
  }
  [[noreturn]] void fail(const std::string& why) {
    shut();
    throw unreachable(to, why);
  }

  void open() {
    if (to.tls) {
      auto& c = ctx.emplace(ssl::context::tls_client);
      c.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
      beast::error_code ec;
      if (to.ca_file.empty()) c.set_default_verify_paths(ec);
      else c.load_verify_file(to.ca_file, ec);
      if (ec) throw unreachable(to, "cannot read the certificate authority " + to.ca_file + ": " + ec.message());
      c.set_verify_mode(ssl::verify_peer);
      // The certificate must be the node's: signed by the authority and naming the address we dialled.
      c.set_verify_callback(ssl::host_name_verification(to.host));
      tls.emplace(ioc, c);
    } else {
      plain.emplace(ioc);
    }
    beast::error_code ec;
    tcp::resolver::results_type endpoints;
    tcp::resolver resolver(ioc);
    net::steady_timer limit(ioc, std::chrono::milliseconds(opt.connect_timeout_ms));
    limit.async_wait([&](beast::error_code e) {
      if (!e) resolver.cancel();
    });
    ec = await([&](auto done) {
      resolver.async_resolve(to.host, std::to_string(to.port), [&, done](beast::error_code e, tcp::resolver::results_type r) mutable {
        endpoints = std::move(r);
        limit.cancel();
        done(e);
      });
    });
    if (ec) fail("cannot resolve " + to.host + ": " + ec.message());
    deadline(opt.connect_timeout_ms);
    ec = await([&](auto done) { tcp().async_connect(endpoints, done); });
    if (ec) fail(ec.message());
    if (tls) {
      beast::error_code ip_ec;
      net::ip::make_address(to.host, ip_ec);
      // Server Name Indication for a name, never for an address (RFC 6066 §3).
      if (ip_ec && !SSL_set_tlsext_host_name(tls->native_handle(), to.host.c_str()))
        fail("cannot set the TLS server name");
      deadline(opt.connect_timeout_ms);
      ec = await([&](auto done) { tls->async_handshake(ssl::stream_base::client, done); });
      if (ec) fail("TLS: " + ec.message());
    }
  }
};

// A large answer's body, read from the connection as the server sends it on.
class NodeBody final : public BodySource {
 public:
  NodeBody(std::unique_ptr<Link> link, std::unique_ptr<beast::flat_buffer> buf,
           std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser, uint64_t size)
      : link_(std::move(link)), buf_(std::move(buf)), parser_(std::move(parser)), size_(size) {}
  ~NodeBody() override { link_->shut(); }

  uint64_t size() const override { return size_; }

  size_t read(uint64_t offset, char* out, size_t n) override {
    // Server::send_streamed asks for the body in order; a connection cannot seek.
    if (offset != at_) throw std::runtime_error(fmt::format("node body read at {} instead of {}", offset, at_));
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - at_));
    size_t got = 0;
    while (got < n && !parser_->is_done()) {
      auto& body = parser_->get().body();
      body.data = out + got;
      body.size = n - got;
      link_->deadline(link_->opt.io_timeout_ms);
      auto ec = link_->await([&](auto done) { link_->with([&](auto& s) { bhttp::async_read(s, *buf_, *parser_, done); }); });
      if (ec == bhttp::error::need_buffer) ec = {};
      got = n - body.size;
      if (ec) throw std::runtime_error(fmt::format("recorder node {}: {}", who(link_->to), ec.message()));
    }
    at_ += got;
    return got;
  }

 private:
  std::unique_ptr<Link> link_;
  std::unique_ptr<beast::flat_buffer> buf_;
  std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser_;
  uint64_t size_;
  uint64_t at_ = 0;
};

}  // namespace

core::Problem unreachable(const ClientTarget& to, const std::string& why) {
  core::Metrics::global().inc("watchfloor_node_unreachable_total");
  core::log_json({{"event", "node.unreachable"}, {"node", who(to)}, {"why", why}});
  core::Problem p(503, "recorder-unreachable", "The recorder node cannot be reached", "Không kết nối được máy ghi hình",
                  fmt::format("The recorder node {} cannot be reached ({}). Try again in a moment.", who(to), why),
                  fmt::format("Không kết nối được máy ghi hình {} ({}). Vui lòng thử lại sau giây lát.", who(to), why));
  p.headers.emplace_back("Retry-After", "5");
  return p;
}

Response fetch(const ClientTarget& to, const std::string& method, const std::string& target,
               std::vector<std::pair<std::string, std::string>> headers, ClientOptions opt) {
  auto link = std::make_unique<Link>(to, opt);
  link->open();

  bhttp::request<bhttp::empty_body> req;
  req.version(11);
  req.method_string(method);
  req.target(target);
  req.set(bhttp::field::host, host_header(to));
  req.set(bhttp::field::user_agent, "watchfloor");
  for (auto& [k, v] : headers) req.set(k, v);
  req.keep_alive(false);  // one request per connection: nothing to pool or to reuse wrongly
  link->deadline(opt.io_timeout_ms);
  auto ec = link->await([&](auto done) { link->with([&](auto& s) { bhttp::async_write(s, req, done); }); });
  if (ec) link->fail(ec.message());

  auto buf = std::make_unique<beast::flat_buffer>();
  auto parser = std::make_unique<bhttp::response_parser<bhttp::buffer_body>>();
  // A recording may be many gigabytes; it is streamed, not held. (Not boost::none: Boost 1.74's parser compares
  // the Content-Length with an empty limit and refuses every body.)
  parser->body_limit(std::numeric_limits<std::uint64_t>::max());
  link->deadline(opt.io_timeout_ms);
  ec = link->await([&](auto done) { link->with([&](auto& s) { bhttp::async_read_header(s, *buf, *parser, done); }); });
  if (ec) link->fail(ec.message());

  Response res;
  const auto& head = parser->get();
  res.status = static_cast<int>(head.result_int());
  res.content_type = std::string(head[bhttp::field::content_type]);
  for (const auto& f : head)
    if (std::string name(f.name_string()); passed_through(name)) res.headers.emplace_back(std::move(name), std::string(f.value()));

  auto length = parser->content_length();
  if (res.status < 400 && length && *length > opt.max_buffered_body) {
    res.source = std::make_shared<NodeBody>(std::move(link), std::move(buf), std::move(parser), *length);
    return res;
  }
  // Small, or an error whose problem+json the caller shows: read it whole. Without a length (not what a node
  // sends) the body is bounded all the same.
  size_t limit = length ? static_cast<size_t>(*length) : std::max<size_t>(opt.max_buffered_body, 16 << 20);
  std::string chunk(64 * 1024, '\0');
  while (!parser->is_done()) {
    auto& body = parser->get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    link->deadline(opt.io_timeout_ms);
    ec = link->await([&](auto done) { link->with([&](auto& s) { bhttp::async_read(s, *buf, *parser, done); }); });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) link->fail(ec.message());
    res.body.append(chunk.data(), chunk.size() - body.size);
    if (res.body.size() > limit) link->fail("the answer is larger than announced");
  }
  link->shut();
  return res;
}

// ---- WebSocket ----------------------------------------------------------------------------------

struct WsClient::Impl {
  Impl(const ClientTarget& to, const ClientOptions& opt) : link(to, opt) {}
  Link link;  // for the connection; its stream then moves into the WebSocket
  std::optional<websocket::stream<beast::tcp_stream>> plain;
  std::optional<websocket::stream<TlsStream>> tls;
  beast::flat_buffer buf;

  Callbacks cb;
  std::thread reader;
  std::mutex mu;
  std::condition_variable wake;  // close() wakes a reader held back by cb.hold
  std::atomic<bool> stopping{false};
  bool started = false;  // under mu
  bool closed = false;   // under mu: close() has run to its end

  template <class F>
  decltype(auto) ws(F&& f) {
    if (tls) return f(*tls);
    return f(*plain);
  }
  void shut() {
    beast::error_code ec;
    auto& s = tls ? beast::get_lowest_layer(*tls).socket() : beast::get_lowest_layer(*plain).socket();
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
  }

  void loop() {
    int code = 1006;
    while (true) {
      {
        std::unique_lock lock(mu);
        while (!stopping && cb.hold && cb.hold()) wake.wait_for(lock, std::chrono::milliseconds(10));
      }
      if (stopping) break;
      auto ec = link.await([&](auto done) { ws([&](auto& s) { s.async_read(buf, done); }); });
      if (ec) {
        if (ec == websocket::error::closed) code = ws([](auto& s) { return static_cast<int>(s.reason().code); });
        break;
      }
      bool binary = ws([](auto& s) { return s.got_binary(); });
      if (!stopping) {
        if (binary && cb.on_binary) cb.on_binary(std::make_shared<const std::string>(beast::buffers_to_string(buf.data())));
        else if (!binary && cb.on_text) cb.on_text(beast::buffers_to_string(buf.data()));
      }
      buf.consume(buf.size());
    }
    if (stopping) code = kWsNormal;
    if (cb.on_closed) cb.on_closed(code);
  }
};

std::unique_ptr<WsClient> WsClient::connect(const ClientTarget& to, const std::string& target,
                                            std::vector<std::pair<std::string, std::string>> headers, ClientOptions opt) {
  auto impl = std::make_unique<Impl>(to, opt);
  auto& link = impl->link;
  link.open();
  if (link.tls) impl->tls.emplace(std::move(*link.tls));
  else impl->plain.emplace(std::move(*link.plain));
  link.tls.reset();
  link.plain.reset();

  websocket::response_type answer;
  auto ec = link.await([&](auto done) {
    impl->ws([&](auto& s) {
      beast::get_lowest_layer(s).expires_never();  // the WebSocket's own timeouts from here on
      websocket::stream_base::timeout t{};
      t.handshake_timeout = std::chrono::milliseconds(opt.connect_timeout_ms);
      // The node pings an idle connection; a node that stops answering is given up after this.
      t.idle_timeout = std::chrono::milliseconds(std::max(opt.io_timeout_ms, 60'000));
      t.keep_alive_pings = true;
      s.set_option(t);
      s.set_option(websocket::stream_base::decorator([headers = std::move(headers)](websocket::request_type& r) {
        r.set(bhttp::field::user_agent, "watchfloor");
        for (const auto& [k, v] : headers) r.set(k, v);
      }));
      s.read_message_max(64u << 20);  // a keyframe of a large stream, with room to spare
      s.auto_fragment(false);
      s.async_handshake(answer, host_header(to), target, done);
    });
  });
  if (ec) {
    impl->shut();
    if (ec == websocket::error::upgrade_declined)
      throw unreachable(to, fmt::format("the node answered {} to the live view", answer.result_int()));
    throw unreachable(to, ec.message());
  }
  return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WsClient::~WsClient() { close(); }

void WsClient::start(Callbacks cb) {
  std::lock_guard lock(impl_->mu);
  if (impl_->started || impl_->stopping) return;
  impl_->started = true;
  impl_->cb = std::move(cb);
  impl_->reader = std::thread([impl = impl_.get()] { impl->loop(); });
}

void WsClient::close() {
  auto& i = *impl_;
  {
    std::lock_guard lock(i.mu);
    if (i.closed) return;
    i.stopping = true;
  }
  i.wake.notify_all();
  if (i.reader.joinable() && i.reader.get_id() == std::this_thread::get_id()) {
    // From a callback: the reader ends when it returns to its loop; the owner's close() joins it.
    net::post(i.link.ioc, [&i] { i.shut(); });
    return;
  }
  // A read in progress ends at once: the socket is shut on the reader's own io_context.
  net::post(i.link.ioc, [&i] { i.shut(); });
  if (i.reader.joinable()) i.reader.join();
  i.shut();
  std::lock_guard lock(i.mu);
  i.closed = true;
}

}  // namespace watchfloor::http
