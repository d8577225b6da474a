// The only translation unit that includes Boost.Beast and Asio.
#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/log.h"
#include "core/metrics.h"
#include "http/websocket.h"

namespace watchfloor::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

void parse_listen(const std::string& listen, ServerOptions& out) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::invalid_argument("listen address must be HOST:PORT, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw std::invalid_argument("listen port must be a number, got '" + listen + "'");
  }
  if (port < 0 || port > 65535) throw std::invalid_argument("listen port out of range");
  out.host = host == "localhost" ? "127.0.0.1" : host;
  out.port = static_cast<uint16_t>(port);
}

// An open connection (HTTP or WebSocket) that a graceful stop must reach.
class Connection {
 public:
  virtual ~Connection() = default;
  // Finish what is in flight, then close (HTTP), or send close 1001 "going away" (WebSocket).
  virtual void shutdown() = 0;
  // The grace period is over: drop the connection now.
  virtual void abort() = 0;
};

struct Server::Impl {
  Impl(ServerOptions o, Handler h) : opt(std::move(o)), handler(std::move(h)), acceptor(ioc), signals(ioc, SIGINT, SIGTERM) {}

  ServerOptions opt;
  Handler handler;
  net::io_context ioc;
  // Handlers run here, never on the I/O threads: a handler waiting for the database must not hold up
  // the WebSocket writes, pongs and reads of every other connection.
  std::optional<net::thread_pool> workers;
  // Streamed bodies are read here, not on the I/O threads: a recorder node (or a disk) that stalls holds up the
  // downloads that read from it, not every other connection.
  std::optional<net::thread_pool> readers;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::optional<net::steady_timer> deadline;
  std::atomic<int> open{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> grace_over{false};  // requests still queued for a worker are not run
  std::optional<ssl::context> tls;  // set by bind() when a certificate is configured
  std::mutex mu;
  struct Open {
    std::weak_ptr<Connection> connection;
    std::string ip;
  };
  std::unordered_map<uint64_t, Open> sessions;
  std::unordered_map<std::string, int> per_ip;  // open connections by peer address
  uint64_t next_id = 0;
  std::atomic<int> websockets{0};

  void do_accept();
  // Takes a slot for a new connection from `ip`: its id, or nullopt with the refusal.
  std::optional<uint64_t> admit(const std::string& ip, std::optional<core::Problem>& refusal);
  bool trusted(const std::string& ip) const {
    return std::find(opt.trusted_proxies.begin(), opt.trusted_proxies.end(), ip) != opt.trusted_proxies.end();
  }
  void begin_stop();
  void session_ended(uint64_t id);
  // The connection `id` continues as `c` (an HTTP connection upgraded to a WebSocket).
  void replace(uint64_t id, const std::shared_ptr<Connection>& c);
  std::vector<std::shared_ptr<Connection>> live();
};

namespace {

Request to_request(bhttp::request<bhttp::string_body>& r, const std::string& peer, bool tls, const ServerOptions& opt) {
  Request req;
  req.method = std::string(r.method_string());
  req.target = std::string(r.target());
  auto q = req.target.find('?');
  if (!percent_decode(std::string_view(req.target).substr(0, q), req.path, false)) req.path = "\x01invalid";
  if (q != std::string::npos) req.query = parse_query(std::string_view(req.target).substr(q + 1));
  for (const auto& f : r) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(r.body());
  req.remote_ip = client_address(peer, req.header("x-forwarded-for"), opt.trusted_proxies);
  req.secure = tls || (req.remote_ip != peer && req.header("x-forwarded-proto") == "https");
  return req;
}

}  // namespace

// One WebSocket connection. Reads, writes, timers and the WsHandler calls run on the connection's
// strand; send() and close() may come from any thread and only touch the queue under mu_.
template <class Stream>  // beast::tcp_stream, or TlsStream over it
class WsSession final : public Connection, public WsSender, public std::enable_shared_from_this<WsSession<Stream>> {
  using std::enable_shared_from_this<WsSession<Stream>>::shared_from_this;

 public:
  WsSession(Stream&& stream, Server::Impl& impl, uint64_t id, bool counted,
            std::shared_ptr<WsHandler> handler, std::string ip)
      : ws_(std::move(stream)),
        strand_(ws_.get_executor()),
        impl_(impl),
        id_(id),
        counted_(counted),
        handler_(std::move(handler)),
        ip_(std::move(ip)),
        tick_(strand_),
        close_deadline_(strand_) {}
  ~WsSession() override {
    if (counted_) impl_.session_ended(id_);
  }

  // On the strand, right after the upgrade request was read and accepted by its route.
  void accept(bhttp::request<bhttp::string_body> req, std::vector<std::pair<std::string, std::string>> headers) {
    // Beast's WebSocket timeouts replace the HTTP stream's: pings after half the idle time, and a
    // handshake or close that does not finish in time ends the connection.
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(impl_.opt.ws_idle_timeout_s);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([headers = std::move(headers)](websocket::response_type& r) {
      r.set(bhttp::field::server, "watchfloor");
      for (const auto& [k, v] : headers) r.insert(k, v);
    }));
    ws_.read_message_max(impl_.opt.ws_max_message_bytes);
    // One frame per message, written with one gather write: Beast's default cuts a message into 4 KiB
    // frames, one write each (a 1080p video frame was five).
    ws_.auto_fragment(false);
    auto held = std::make_shared<bhttp::request<bhttp::string_body>>(std::move(req));
    ws_.async_accept(*held, [self = shared_from_this(), held](beast::error_code ec) { self->on_accept(ec); });
  }

  bool send(std::string text) override { return send_shared(std::make_shared<const std::string>(std::move(text))); }
  bool send_shared(std::shared_ptr<const std::string> text) override { return enqueue(std::move(text), false); }
  bool send_binary(std::shared_ptr<const std::string> data) override { return enqueue(std::move(data), true); }
  size_t backlog_bytes() const override {
    std::lock_guard lock(mu_);
    return queued_bytes_;
  }

  bool enqueue(std::shared_ptr<const std::string> text, bool binary) {
    bool kick = false, too_slow = false;
    {
      std::lock_guard lock(mu_);
      if (close_ || ended_) return false;
      if (queue_.size() >= impl_.opt.ws_max_queue_messages ||
          queued_bytes_ + text->size() > impl_.opt.ws_max_queue_bytes) {
        // Never grow without bound for a client that does not read: drop it, it resumes later.
        queue_.clear();
        queued_bytes_ = 0;
        close_ = websocket::close_reason(websocket::close_code::policy_error, "too slow");
        too_slow = true;
      } else {
        queued_bytes_ += text->size();
        queue_.push_back({std::move(text), binary});
        kick = !writing_;
        writing_ = true;
      }
    }
    if (too_slow) {
      core::Metrics::global().inc("watchfloor_ws_too_slow_total");
      core::log_json({{"event", "ws.too_slow"}, {"ip", ip_}});
      net::post(strand_, [self = shared_from_this()] { self->begin_close(); });
      return false;
    }
    if (kick) net::post(strand_, [self = shared_from_this()] { self->do_write(); });
    return true;
  }

  void close(int code, std::string reason) override {
    {
      std::lock_guard lock(mu_);
      if (close_ || ended_) return;
      queue_.clear();
      queued_bytes_ = 0;
      close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    }
    net::post(strand_, [self = shared_from_this()] { self->begin_close(); });
  }

  void shutdown() override { close(kWsGoingAway, "going away"); }

  void abort() override {
    net::post(strand_, [self = shared_from_this()] { self->drop(); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec || finished_) return finish();
    opened_ = true;
    ++impl_.websockets;
    guard([&] { handler_->on_open(shared_from_this()); });
    do_read();
    arm_tick();
  }

  void do_read() {
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed by the peer (after our close, too), timed out, or broken
    if (!ws_.got_text()) {
      close(static_cast<int>(websocket::close_code::bad_payload), "text messages only");
    } else if (!finished_) {
      std::string text = beast::buffers_to_string(rbuf_.data());
      guard([&] { handler_->on_message(text); });
    }
    rbuf_.consume(rbuf_.size());
    do_read();  // also after a close: the peer's close frame arrives here
  }

  void do_write() {
    Outgoing next;
    std::optional<websocket::close_reason> reason;
    {
      std::lock_guard lock(mu_);
      if (ended_) return;
      if (close_) {
        if (close_sent_ || !opened_) return;
        close_sent_ = true;
        reason = close_;
      } else if (queue_.empty()) {
        writing_ = false;
        return;
      } else {
        next = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= next.data->size();
      }
    }
    if (reason) {
      // writing_ stays true: nothing is written after the close frame.
      ws_.async_close(*reason, [self = shared_from_this()](beast::error_code e) {
        if (e) self->finish();
      });
      return;
    }
    ws_.binary(next.binary);
    ws_.async_write(net::buffer(*next.data), [self = shared_from_this(), data = next.data](beast::error_code e, size_t) {
      if (e) return self->finish();
      self->do_write();
    });
  }

  // On the strand after close_ was set: send the close frame once the write in flight is done.
  void begin_close() {
    if (finished_) return;
    if (!opened_) return drop();  // still in the handshake: there is no WebSocket to close politely
    close_deadline_.expires_after(std::chrono::seconds(impl_.opt.ws_close_timeout_s));
    close_deadline_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e) self->drop();  // the peer does not read or does not answer the close
    });
    bool start = false;
    {
      std::lock_guard lock(mu_);
      start = !writing_;
      writing_ = true;
    }
    if (start) do_write();
  }

  void arm_tick() {
    if (impl_.opt.ws_tick_s <= 0 || finished_) return;
    tick_.expires_after(std::chrono::seconds(impl_.opt.ws_tick_s));
    tick_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (e || self->finished_) return;
      self->guard([&] { self->handler_->on_tick(); });
      self->arm_tick();
    });
  }

  // A handler's exception is a bug: log it and close the connection instead of the process.
  template <class F>
  void guard(F&& f) {
    if (finished_ || !handler_) return;
    try {
      f();
    } catch (const std::exception& e) {
      core::log_error(std::string("websocket handler failed: ") + e.what());
      close(static_cast<int>(websocket::close_code::internal_error), "internal error");
    }
  }

  void drop() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).socket().close(ec);
    if (!opened_) finish();
  }

  // Once, on the strand: the connection is over, whoever ended it.
  void finish() {
    if (finished_) return;
    finished_ = true;
    {
      std::lock_guard lock(mu_);
      ended_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    tick_.cancel();
    close_deadline_.cancel();
    if (opened_) {
      --impl_.websockets;
      try {
        handler_->on_close();
      } catch (const std::exception& e) {
        core::log_error(std::string("websocket handler failed on close: ") + e.what());
      }
    }
    handler_.reset();  // the handler holds this session as its sender: break the cycle
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  websocket::stream<Stream> ws_;
  net::any_io_executor strand_;
  Server::Impl& impl_;
  uint64_t id_;
  bool counted_;
  std::shared_ptr<WsHandler> handler_;
  std::string ip_;
  net::steady_timer tick_;
  net::steady_timer close_deadline_;
  beast::flat_buffer rbuf_;
  bool opened_ = false;    // strand only
  bool finished_ = false;  // strand only

  struct Outgoing {
    std::shared_ptr<const std::string> data;
    bool binary = false;
  };
  mutable std::mutex mu_;  // guards what send() and close() touch from other threads
  std::deque<Outgoing> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;  // a write or the close frame is in flight (or about to be)
  std::optional<websocket::close_reason> close_;
  bool close_sent_ = false;
  bool ended_ = false;
};

template <class Stream>  // beast::tcp_stream, or TlsStream over it
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(Stream&& stream, Server::Impl& impl, uint64_t id, bool counted, std::string ip)
      : stream_(std::move(stream)), impl_(impl), id_(id), counted_(counted), ip_(std::move(ip)) {}
  ~Session() override {
    if (counted_) impl_.session_ended(id_);
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (kTls) {
        self->tcp().expires_after(std::chrono::seconds(self->impl_.opt.header_timeout_s));
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->close();  // not TLS, a bad client, or too slow: nothing to answer
          self->do_read();
        });
      } else {
        self->do_read();
      }
    });
  }

  // Refuses the connection without reading a request (a connection cap reached). Over TLS the
  // socket is simply closed: a handshake would cost more than the refusal is worth.
  void reject(const core::Problem& p) {
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), r = Response::problem(p)] {
      if constexpr (kTls) self->close();
      else self->send(r, true);
    });
  }

  // Graceful stop: an idle connection closes now; a busy one closes after its response.
  void shutdown() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->reading_ || self->upgraded_) return;
      // An idle keep-alive connection closes now. One whose request has already arrived (bytes
      // buffered or waiting in the socket) is still read and answered: it was sent before the stop.
      beast::error_code ec;
      if (self->buffer_.size() == 0 && self->tcp().socket().available(ec) == 0) self->tcp().socket().cancel();
      else self->tcp().expires_after(std::chrono::seconds(2));
    });
  }

  // A connection whose request is being handled keeps going: dropping it would not end the handler
  // sooner, only lose its answer; it closes after answering.
  void abort() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->upgraded_ && !self->handling_) self->close();
    });
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // Three deadlines for one request: the next request's first byte (idle_timeout_s on a kept-alive
  // connection, header_timeout_s on a new one), the head from there (header_timeout_s: a client
  // trickling a header line every few seconds is cut off), and the body (read_timeout_s).
  void do_read() {
    if (closing_) return close();
    parser_.emplace();
    parser_->body_limit(impl_.opt.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(impl_.opt.max_header_bytes));
    reading_ = true;
    if (buffer_.size() > 0) return read_head();
    tcp().expires_after(std::chrono::seconds(served_ ? impl_.opt.idle_timeout_s : impl_.opt.header_timeout_s));
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->on_read(ec);
      self->buffer_.commit(n);
      self->read_head();
    });
  }

  void read_head() {
    tcp().expires_after(std::chrono::seconds(impl_.opt.header_timeout_s));
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->parser_->is_done()) return self->on_read(ec);
      self->body_limit_ = self->impl_.opt.max_body_bytes;
      auto target = self->parser_->get().target();
      auto path = target.substr(0, target.find('?'));
      for (const auto& [p, limit] : self->impl_.opt.large_bodies)
        if (path == p) self->parser_->body_limit(self->body_limit_ = limit);
      self->tcp().expires_after(std::chrono::seconds(self->impl_.opt.read_timeout_s));
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec2, size_t) { self->on_read(ec2); });
    });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec == beast::error::timeout) {
      core::Metrics::global().inc("watchfloor_http_timeouts_total", core::label("phase", served_ ? "idle_or_head" : "head"));
      return close();
    }
    if (ec == bhttp::error::body_limit) return reject_read(core::Problem::payload_too_large(body_limit_));
    if (ec == bhttp::error::header_limit) return reject_read(core::Problem::headers_too_large());
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout)
      return close();
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
        return reject_read(core::Problem(400, "bad-request", "Malformed HTTP request", "Yêu cầu HTTP không hợp lệ",
                                         ec.message(), "Yêu cầu HTTP không đúng định dạng"));
      return close();
    }
    auto& msg = parser_->get();
    bool keep_alive = msg.keep_alive();
    served_ = true;
    Request req = to_request(msg, ip_, kTls, impl_.opt);
    req.websocket_upgrade = websocket::is_upgrade(msg);
    // The work guard keeps the I/O threads running until the answer is back on this connection.
    handling_ = true;
    net::post(*impl_.workers, [self = shared_from_this(), req = std::move(req), keep_alive,
                               work = net::make_work_guard(impl_.ioc)]() mutable {
      // Under load the queue for the workers can be long; once the grace period is over, running
      // what has not started would only hold the stop up.
      if (self->impl_.grace_over) {
        return net::post(self->stream_.get_executor(), [self] {
          self->handling_ = false;
          self->close();
        });
      }
      Response res = self->handle(req);
      net::post(self->stream_.get_executor(), [self, upgrade = req.websocket_upgrade, keep_alive, res = std::move(res)]() mutable {
        self->answer(upgrade, keep_alive, std::move(res));
      });
    });
  }

  Response handle(Request& req) {
    try {
      return impl_.handler(req);
    } catch (const core::Problem& p) {
      return Response::problem(p);
    } catch (const std::exception& e) {
      core::log_error(std::string("unhandled error: ") + e.what());
      return Response::problem(core::Problem::internal());
    }
  }

  // Back on the connection's strand with the handler's response.
  void answer(bool websocket_upgrade, bool keep_alive, Response res) {
    handling_ = false;
    if (res.websocket) {
      if (websocket_upgrade && !closing_ && !impl_.stopping) return upgrade(parser_->release(), std::move(res));
      if (!websocket_upgrade) {
        core::log_error("a route accepted a WebSocket on a request that is not an upgrade");
        res = Response::problem(core::Problem::internal());
      } else {
        res = Response::problem(core::Problem(503, "stopping", "Server is stopping", "Máy chủ đang dừng",
                                              "Reconnect in a moment.", "Vui lòng kết nối lại sau giây lát."));
      }
    }
    send(res, !keep_alive || closing_ || impl_.stopping);
  }

  // Hands the socket to a WebSocket session, which takes over this connection's slot.
  void upgrade(bhttp::request<bhttp::string_body> msg, Response res) {
    upgraded_ = true;
    auto ws = std::make_shared<WsSession<Stream>>(std::move(stream_), impl_, id_, counted_, std::move(res.websocket), ip_);
    if (counted_) impl_.replace(id_, ws);
    counted_ = false;
    ws->accept(std::move(msg), std::move(res.headers));
  }

  void reject_read(const core::Problem& p) {
    core::Metrics::global().inc("watchfloor_http_rejected_total", core::label("status", std::to_string(p.status())));
    core::log_json({{"event", "http.rejected"}, {"status", p.status()}, {"reason", p.slug()}, {"ip", ip_}});
    send(Response::problem(p), true);
  }

  void send(const Response& r, bool close_after) {
    if (r.source) return send_streamed(r, close_after);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "watchfloor");
    res->set(bhttp::field::content_type, r.content_type);
    if constexpr (kTls) res->set(bhttp::field::strict_transport_security, "max-age=31536000");
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = r.body;
    res->keep_alive(!close_after);
    res->prepare_payload();
    tcp().expires_after(std::chrono::seconds(impl_.opt.write_timeout_s));
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, close_after](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (close_after) return self->lingering_close();
      self->do_read();
    });
  }

  // Header first, then the body in pieces of 256 KiB, each written before the next is read.
  void send_streamed(const Response& r, bool close_after) {
    auto res = std::make_shared<bhttp::response<bhttp::empty_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "watchfloor");
    res->set(bhttp::field::content_type, r.content_type);
    if constexpr (kTls) res->set(bhttp::field::strict_transport_security, "max-age=31536000");
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->content_length(r.source->size());
    res->keep_alive(!close_after);
    auto sr = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*res);
    tcp().expires_after(std::chrono::seconds(impl_.opt.write_timeout_s));
    bhttp::async_write_header(stream_, *sr, [self = shared_from_this(), res, sr, src = r.source, close_after](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->stream_body(src, 0, close_after);
    });
  }

  void stream_body(std::shared_ptr<BodySource> src, uint64_t offset, bool close_after) {
    if (offset >= src->size()) {
      if (close_after) return lingering_close();
      return do_read();
    }
    net::post(*impl_.readers, [self = shared_from_this(), src, offset, close_after, work = net::make_work_guard(impl_.ioc)] {
      auto buf = std::make_shared<std::string>(std::min<uint64_t>(256 * 1024, src->size() - offset), '\0');
      size_t n = 0;
      try {
        n = src->read(offset, buf->data(), buf->size());
      } catch (const std::exception& e) {
        core::log_error(std::string("streamed body: ") + e.what());
      }
      buf->resize(n);
      net::post(self->stream_.get_executor(), [self, buf, src, offset, close_after] {
        if (buf->empty()) return self->close();  // unreadable, or shorter than it said
        self->tcp().expires_after(std::chrono::seconds(self->impl_.opt.write_timeout_s));
        net::async_write(self->stream_, net::buffer(*buf), [self, buf, src, offset, close_after](beast::error_code ec, size_t n) {
          if (ec) return self->close();
          self->stream_body(src, offset + n, close_after);
        });
      });
    });
  }

  // Half-close and drain what the client is still sending, so that it reads our response
  // instead of a connection reset.
  void lingering_close() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    tcp().expires_after(std::chrono::seconds(1));
    drain_ = std::make_shared<std::array<char, 8192>>();
    drain();
  }
  void drain() {
    stream_.async_read_some(net::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > (4u << 20)) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& impl_;
  uint64_t id_;
  bool counted_;
  std::string ip_;
  bool reading_ = false;
  bool handling_ = false;  // a worker has the request; the answer is not back yet
  bool closing_ = false;
  bool upgraded_ = false;  // stream_ now belongs to a WsSession
  bool served_ = false;    // a request was read: the wait for the next one is keep-alive idling
  size_t body_limit_ = 0;   // the body limit of the request being read (server.max_body_bytes unless its path has its own)
  std::shared_ptr<std::array<char, 8192>> drain_;
  size_t drained_ = 0;
};

template <class Stream>
void start_session(Server::Impl& impl, Stream&& stream, std::optional<uint64_t> id, std::string ip,
                   const std::optional<core::Problem>& refusal) {
  auto s = std::make_shared<Session<Stream>>(std::move(stream), impl, id.value_or(0), id.has_value(), std::move(ip));
  if (!id) return s->reject(*refusal);
  {
    std::lock_guard lock(impl.mu);
    impl.sessions[*id].connection = s;
  }
  s->start();
}

void Server::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && acceptor.is_open()) do_accept();
      return;
    }
    beast::error_code ep_ec;
    auto ep = socket.remote_endpoint(ep_ec);
    std::string ip = ep_ec ? "" : ep.address().to_string();
    std::optional<core::Problem> refusal;
    auto id = admit(ip, refusal);
    if (tls) start_session(*this, TlsStream(beast::tcp_stream(std::move(socket)), *tls), id, std::move(ip), refusal);
    else start_session(*this, beast::tcp_stream(std::move(socket)), id, std::move(ip), refusal);
    if (!stopping) do_accept();
  });
}

std::optional<uint64_t> Server::Impl::admit(const std::string& ip, std::optional<core::Problem>& refusal) {
  std::lock_guard lock(mu);
  auto held = per_ip.find(ip);
  if (open.load() >= opt.max_connections) {
    refusal = core::Problem::overloaded();
  } else if (opt.max_connections_per_ip > 0 && !trusted(ip) && held != per_ip.end() &&
             held->second >= opt.max_connections_per_ip) {
    refusal = core::Problem::too_many_connections(5);
  }
  if (refusal) {
    core::Metrics::global().inc("watchfloor_http_rejected_total",
                                core::label("status", std::to_string(refusal->status())) + "," +
                                    core::label("reason", refusal->status() == 503 ? "max_connections" : "max_connections_per_ip"));
    return std::nullopt;
  }
  ++open;
  ++per_ip[ip];
  uint64_t id = ++next_id;
  sessions[id] = Open{{}, ip};
  return id;
}

void Server::Impl::replace(uint64_t id, const std::shared_ptr<Connection>& c) {
  {
    std::lock_guard lock(mu);
    sessions[id].connection = c;
  }
  // A stop that began while the connection was changing hands may have reached only the old one.
  if (stopping) c->shutdown();
}

std::vector<std::shared_ptr<Connection>> Server::Impl::live() {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu);
  for (auto& [_, o] : sessions)
    if (auto c = o.connection.lock()) out.push_back(std::move(c));
  return out;
}

void Server::Impl::session_ended(uint64_t id) {
  {
    std::lock_guard lock(mu);
    if (auto it = sessions.find(id); it != sessions.end()) {
      if (auto n = per_ip.find(it->second.ip); n != per_ip.end() && --n->second <= 0) per_ip.erase(n);
      sessions.erase(it);
    }
  }
  if (--open == 0 && stopping)
    net::post(ioc, [this] {
      if (deadline) deadline->cancel();
    });
}

void Server::Impl::begin_stop() {
  net::post(ioc, [this] {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    if (opt.on_stop) opt.on_stop();
    for (auto& c : live()) c->shutdown();
    if (open.load() > 0) {
      deadline.emplace(ioc, std::chrono::milliseconds(opt.shutdown_grace_ms));
      deadline->async_wait([this](beast::error_code e) {
        if (e) return;
        // Grace period over: drop the stragglers, so that their handlers end and run() returns.
        grace_over = true;
        for (auto& c : live()) c->abort();
        deadline->expires_after(std::chrono::seconds(2));
        deadline->async_wait([this](beast::error_code e2) {
          if (!e2) ioc.stop();  // a handler that still does not return: stop waiting for it
        });
      });
    }
  });
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
  if (!impl_->opt.publish_gauges) return;
  core::Metrics::global().gauge("watchfloor_http_open_connections", [impl = impl_.get()] { return impl->open.load(); });
  core::Metrics::global().gauge("watchfloor_ws_open_connections", [impl = impl_.get()] { return impl->websockets.load(); });
  core::Metrics::global().help("watchfloor_ws_open_connections", "gauge", "Open WebSocket connections");
  core::Metrics::global().help("watchfloor_ws_too_slow_total", "counter",
                               "WebSocket clients disconnected because their outgoing queue overflowed");
}

Server::~Server() {
  // The gauges read this server; after it is gone they read nothing.
  if (!impl_->opt.publish_gauges) return;
  core::Metrics::global().gauge("watchfloor_http_open_connections", [] { return 0.0; });
  core::Metrics::global().gauge("watchfloor_ws_open_connections", [] { return 0.0; });
}

void Server::bind() {
  const auto& o = impl_->opt;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty()) throw std::runtime_error("TLS needs both tls_cert and tls_key");
    auto& ctx = impl_->tls.emplace(ssl::context::tls_server);
    // TLS 1.2 and 1.3 only, no compression.
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                    ssl::context::single_dh_use);
    beast::error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert, ec);
    if (ec) throw std::runtime_error("cannot load tls_cert " + o.tls_cert + ": " + ec.message());
    ctx.use_private_key_file(o.tls_key, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load tls_key " + o.tls_key + ": " + ec.message());
  }
  auto& a = impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address(impl_->opt.host), impl_->opt.port);
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

bool Server::tls() const { return impl_->tls.has_value(); }

int Server::open_connections() const { return impl_->open.load(); }

void Server::run() {
  if (!impl_->acceptor.is_open()) bind();
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  impl_->do_accept();
  impl_->workers.emplace(static_cast<size_t>(impl_->opt.threads));
  impl_->readers.emplace(static_cast<size_t>(impl_->opt.threads));
  std::vector<std::thread> pool;
  for (int i = 1; i < impl_->opt.threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
  impl_->workers->join();
  impl_->readers->join();
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace watchfloor::http
