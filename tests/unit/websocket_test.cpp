// The server's WebSocket connections over a real loopback socket: the bounded outgoing queue
// (a slow client is dropped, memory does not grow), messages both ways, ticks, and the graceful
// stop that closes sockets with 1001.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/server.h"
#include "http/websocket.h"

namespace watchfloor::http {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Records what the server does with a connection; `on_open_send` runs inside on_open.
struct Probe final : WsHandler {
  std::function<void(WsSender&)> on_open_send;
  std::shared_ptr<WsSender> sender;
  std::mutex mu;
  std::vector<std::string> received;
  std::atomic<int> ticks{0};
  std::atomic<bool> opened{false}, closed{false};
  void on_open(std::shared_ptr<WsSender> s) override {
    sender = s;
    opened = true;
    if (on_open_send) on_open_send(*s);
  }
  void on_message(const std::string& text) override {
    {
      std::lock_guard lock(mu);
      received.push_back(text);
    }
    sender->send("echo:" + text);
  }
  void on_tick() override { ++ticks; }
  void on_close() override {
    closed = true;
    sender.reset();
  }
};

class WsServer {
 public:
  explicit WsServer(std::shared_ptr<Probe> probe, ServerOptions opt = {}) : probe_(std::move(probe)) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    server_ = std::make_unique<Server>(opt, [this](Request& req) {
      if (req.path == "/ws" && req.websocket_upgrade) return Response::upgrade(probe_);
      return Response::json(200, {{"ok", true}});
    });
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~WsServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }

 private:
  std::shared_ptr<Probe> probe_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A WebSocket client with deadlines: one read loop, driven for a bounded time by run_until.
struct Client {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buf;
  std::vector<std::string> got;
  beast::error_code ended;  // why the read loop stopped
  bool reading = false, done = false;

  explicit Client(uint16_t port, int rcvbuf = 0) {
    if (rcvbuf) {
      ws.next_layer().open(tcp::v4());
      ws.next_layer().set_option(net::socket_base::receive_buffer_size(rcvbuf));
    }
    ws.next_layer().connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    ws.read_message_max(64 << 20);
    ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  }

  void read_loop() {
    reading = true;
    ws.async_read(buf, [this](beast::error_code ec, size_t) {
      if (ec) {
        ended = ec;
        done = true;
        return;
      }
      got.push_back(beast::buffers_to_string(buf.data()));
      buf.consume(buf.size());
      read_loop();
    });
  }

  // Reads (and answers pings and the close handshake) until `cond` holds, the connection ends,
  // or `limit` passes.
  bool run_until(const std::function<bool()>& cond, std::chrono::milliseconds limit = 3s) {
    if (!reading) read_loop();
    auto end = std::chrono::steady_clock::now() + limit;
    while (!cond() && !done && std::chrono::steady_clock::now() < end) {
      if (ioc.stopped()) ioc.restart();
      ioc.run_for(10ms);
    }
    return cond();
  }
  void run_to_end(std::chrono::milliseconds limit = 3s) { run_until([] { return false; }, limit); }

  void write(const std::string& text) { ws.write(net::buffer(text)); }
};

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return cond();
}

TEST(WebSocket, MessagesFlowBothWaysAndTicksArrive) {
  auto probe = std::make_shared<Probe>();
  probe->on_open_send = [](WsSender& s) { s.send(R"({"type":"hello"})"); };
  ServerOptions opt;
  opt.ws_tick_s = 1;
  WsServer server(probe, opt);
  Client c(server.port());
  ASSERT_TRUE(c.run_until([&] { return c.got.size() == 1; }));
  EXPECT_EQ(c.got[0], R"({"type":"hello"})");
  c.write("ping");
  ASSERT_TRUE(c.run_until([&] { return c.got.size() == 2; }));
  EXPECT_EQ(c.got[1], "echo:ping");
  EXPECT_TRUE(eventually([&] { return probe->ticks >= 1; }, 3s)) << "on_tick every ws_tick_s";
  bool close_done = false;
  c.ws.async_close(websocket::close_code::normal, [&](beast::error_code e) {
    EXPECT_FALSE(e) << e.message();
    close_done = true;
  });
  EXPECT_TRUE(c.run_until([&] { return close_done; })) << "the server answers the client's close";
  EXPECT_TRUE(eventually([&] { return probe->closed.load(); }));
}

TEST(WebSocket, TooManyQueuedMessagesCloseTheConnectionWith1008) {
  auto probe = std::make_shared<Probe>();
  int accepted = 0, refused = 0;
  // Nothing is written while on_open runs, so the 1,001st message overflows the queue for sure.
  probe->on_open_send = [&](WsSender& s) {
    for (int i = 0; i < 1500; ++i) (s.send("event " + std::to_string(i)) ? accepted : refused)++;
  };
  WsServer server(probe);
  Client c(server.port());
  c.run_to_end();
  EXPECT_EQ(accepted, 1000);
  EXPECT_EQ(refused, 500);
  EXPECT_TRUE(c.got.empty()) << "the queue of a client that fell behind is dropped, not delivered";
  EXPECT_EQ(c.ended, websocket::error::closed);
  EXPECT_EQ(c.ws.reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(std::string(c.ws.reason().reason.c_str()), "too slow");
  EXPECT_TRUE(eventually([&] { return probe->closed.load(); }));
}

TEST(WebSocket, TooManyQueuedBytesCloseTheConnectionToo) {
  auto probe = std::make_shared<Probe>();
  std::vector<bool> results;
  probe->on_open_send = [&](WsSender& s) {
    std::string big(2 << 20, 'x');  // 2 MiB: two fit in the 4 MiB bound, the third does not
    for (int i = 0; i < 3; ++i) results.push_back(s.send(big));
  };
  WsServer server(probe);
  Client c(server.port());
  c.run_to_end();
  EXPECT_EQ(results, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(c.ws.reason().code, websocket::close_code::policy_error);
}

TEST(WebSocket, AClientThatStopsReadingIsDroppedAndTheQueueStaysBounded) {
  auto probe = std::make_shared<Probe>();
  ServerOptions opt;
  opt.ws_close_timeout_s = 1;
  WsServer server(probe, opt);
  Client c(server.port(), 4096);  // connects and then never reads
  ASSERT_TRUE(eventually([&] { return probe->opened.load(); }));
  auto sender = probe->sender;
  std::string chunk(16 * 1024, 'x');
  int sent = 0;
  while (sender->send(chunk) && sent < 100'000) ++sent;
  EXPECT_LT(sent, 100'000) << "send() must start failing for a client that does not read";
  // The close frame cannot get through a full socket either: the close deadline drops it.
  EXPECT_TRUE(eventually([&] { return probe->closed.load(); }, 5s)) << "the slow connection ended";
  EXPECT_FALSE(sender->send("more")) << "nothing is queued after the end";
}

TEST(WebSocket, AGracefulStopClosesSocketsWithGoingAway) {
  auto probe = std::make_shared<Probe>();
  auto server = std::make_unique<WsServer>(probe);
  Client c(server->port());
  ASSERT_TRUE(eventually([&] { return probe->opened.load(); }));
  auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] { server->stop(); });
  c.run_to_end();  // answers the close handshake
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "open sockets do not hold the stop";
  EXPECT_EQ(c.ended, websocket::error::closed);
  EXPECT_EQ(c.ws.reason().code, websocket::close_code::going_away);
  EXPECT_TRUE(probe->closed.load());
}

TEST(WebSocket, AnUpgradeTheRouteDoesNotAcceptIsAnOrdinaryResponse) {
  auto probe = std::make_shared<Probe>();
  WsServer server(probe);
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  ws.next_layer().connect(tcp::endpoint(net::ip::address_v4::loopback(), server.port()));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/elsewhere", ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(probe->opened.load());
}

}  // namespace
}  // namespace watchfloor::http
