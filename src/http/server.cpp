// The only translation unit that includes Boost.Beast and Asio.
#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/log.h"
#include "core/metrics.h"

namespace watchfloor::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

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

class Session;

struct Server::Impl {
  Impl(ServerOptions o, Handler h) : opt(std::move(o)), handler(std::move(h)), acceptor(ioc), signals(ioc, SIGINT, SIGTERM) {}

  ServerOptions opt;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::optional<net::steady_timer> deadline;
  std::atomic<int> open{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_id = 0;

  void do_accept();
  void begin_stop();
  void session_ended(uint64_t id);
};

namespace {

Request to_request(bhttp::request<bhttp::string_body>& r, const std::string& ip) {
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
  req.remote_ip = ip;
  return req;
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& impl, uint64_t id, bool counted)
      : stream_(std::move(socket)), impl_(impl), id_(id), counted_(counted) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    ip_ = ec ? "" : ep.address().to_string();
  }
  ~Session() {
    if (counted_) impl_.session_ended(id_);
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  // Refuses the connection with 503 without reading a request (connection cap reached).
  void reject(const core::Problem& p) {
    net::dispatch(stream_.get_executor(), [self = shared_from_this(), r = Response::problem(p)] { self->send(r, true); });
  }

  // Graceful stop: an idle connection closes now; a busy one closes after its response.
  void shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (self->reading_) self->stream_.socket().cancel();
    });
  }

 private:
  void do_read() {
    if (closing_) return close();
    parser_.emplace();
    parser_->body_limit(impl_.opt.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(impl_.opt.max_header_bytes));
    stream_.expires_after(std::chrono::seconds(impl_.opt.read_timeout_s));
    reading_ = true;
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec == bhttp::error::body_limit) return reject_read(core::Problem::payload_too_large(impl_.opt.max_body_bytes));
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
    Request req = to_request(msg, ip_);
    Response res;
    try {
      res = impl_.handler(req);
    } catch (const core::Problem& p) {
      res = Response::problem(p);
    } catch (const std::exception& e) {
      core::log_error(std::string("unhandled error: ") + e.what());
      res = Response::problem(core::Problem::internal());
    }
    send(res, !keep_alive || closing_ || impl_.stopping);
  }

  void reject_read(const core::Problem& p) {
    core::Metrics::global().inc("watchfloor_http_rejected_total", core::label("status", std::to_string(p.status())));
    core::log_json({{"event", "http.rejected"}, {"status", p.status()}, {"reason", p.slug()}, {"ip", ip_}});
    send(Response::problem(p), true);
  }

  void send(const Response& r, bool close_after) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "watchfloor");
    res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = r.body;
    res->keep_alive(!close_after);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(impl_.opt.write_timeout_s));
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, close_after](beast::error_code ec, size_t) {
      if (ec) return self->close();
      if (close_after) return self->lingering_close();
      self->do_read();
    });
  }

  // Half-close and drain what the client is still sending, so that it reads our response
  // instead of a connection reset.
  void lingering_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(1));
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
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& impl_;
  uint64_t id_;
  bool counted_;
  std::string ip_;
  bool reading_ = false;
  bool closing_ = false;
  std::shared_ptr<std::array<char, 8192>> drain_;
  size_t drained_ = 0;
};

void Server::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && acceptor.is_open()) do_accept();
      return;
    }
    if (open.load() >= opt.max_connections) {
      std::make_shared<Session>(std::move(socket), *this, 0, false)->reject(core::Problem::overloaded());
    } else {
      ++open;
      std::shared_ptr<Session> s;
      {
        std::lock_guard lock(mu);
        uint64_t id = ++next_id;
        s = std::make_shared<Session>(std::move(socket), *this, id, true);
        sessions[id] = s;
      }
      s->start();
    }
    if (!stopping) do_accept();
  });
}

void Server::Impl::session_ended(uint64_t id) {
  {
    std::lock_guard lock(mu);
    sessions.erase(id);
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
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu);
      for (auto& [_, w] : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->shutdown();
    if (open.load() > 0) {
      deadline.emplace(ioc, std::chrono::seconds(opt.shutdown_grace_s));
      deadline->async_wait([this](beast::error_code e) {
        if (!e) ioc.stop();  // grace period over: stop waiting for stragglers
      });
    }
  });
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
  core::Metrics::global().gauge("watchfloor_http_open_connections", [impl = impl_.get()] { return impl->open.load(); });
}

Server::~Server() = default;

void Server::bind() {
  auto& a = impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address(impl_->opt.host), impl_->opt.port);
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

int Server::open_connections() const { return impl_->open.load(); }

void Server::run() {
  if (!impl_->acceptor.is_open()) bind();
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) stop();
  });
  impl_->do_accept();
  std::vector<std::thread> pool;
  for (int i = 1; i < impl_->opt.threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace watchfloor::http
