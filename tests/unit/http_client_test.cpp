// The client an API server reaches recorder nodes with, against real servers on loopback port 0: recordings
// relayed byte-exact and in order through a proxy, Range answers passed on, an unreachable node as the 503 problem
// the console shows, TLS that only trusts the node's own authority and name, and the live WebSocket relay.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "core/random.h"
#include "http/client.h"
#include "http/server.h"
#include "http/websocket.h"

namespace watchfloor::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Byte i of the test recording: a pattern with no period that a shifted or dropped piece would match.
char pattern(uint64_t i) { return static_cast<char>((i * 2654435761u) >> 13); }

// A body made up on the fly, as a recording is read from its segment files.
class PatternSource final : public BodySource {
 public:
  PatternSource(uint64_t first, uint64_t size) : first_(first), size_(size) {}
  uint64_t size() const override { return size_; }
  size_t read(uint64_t offset, char* out, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    for (size_t i = 0; i < n; ++i) out[i] = pattern(first_ + offset + i);
    return n;
  }

 private:
  uint64_t first_, size_;
};

// An http::Server on 127.0.0.1, port 0, running on its own thread.
class TestServer {
 public:
  explicit TestServer(Handler h, ServerOptions opt = {}) {
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    opt.shutdown_grace_ms = 200;
    server_ = std::make_unique<Server>(opt, std::move(h));
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  ClientTarget target(std::string name = "node-1") const {
    return ClientTarget::parse("127.0.0.1:" + std::to_string(port()), false, {}, std::move(name));
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

constexpr uint64_t kRecording = 5'000'000;

// The node's side: a 5 MB recording with Range, ETag and the headers the API server audits with.
Response recording(Request& req) {
  if (req.path == "/small") return Response::json(200, {{"ok", true}});
  if (req.path != "/clip.mp4") return Response::problem(core::Problem::not_found("The clip", "Đoạn ghi"));
  Response res;
  res.content_type = "video/mp4";
  res.with_header("Accept-Ranges", "bytes").with_header("ETag", "\"clip-1\"");
  res.with_header("X-Recording-Start", "2026-09-21T10:00:00.000Z").with_header("X-Clip-Segments", "12,13,14");
  res.with_header("Server-Timing", "not-passed-on");
  auto range = parse_byte_range(req.header("range"), kRecording);
  if (range) {
    res.status = 206;
    res.with_header("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                         std::to_string(range->first + range->second - 1) + "/" + std::to_string(kRecording));
    res.source = std::make_shared<PatternSource>(range->first, range->second);
  } else {
    res.source = std::make_shared<PatternSource>(0, kRecording);
  }
  return res;
}

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return v;
  }
  return {};
}

// Reads a response's whole body the way Server::send_streamed does: in order, 256 KiB at a time.
std::string drain(const Response& r) {
  if (!r.source) return r.body;
  std::string out;
  std::string piece(256 * 1024, '\0');
  while (out.size() < r.source->size()) {
    size_t n = r.source->read(out.size(), piece.data(), std::min<uint64_t>(piece.size(), r.source->size() - out.size()));
    if (n == 0) break;
    out.append(piece.data(), n);
  }
  return out;
}

std::string expected(uint64_t first, uint64_t size) {
  std::string out(size, '\0');
  for (uint64_t i = 0; i < size; ++i) out[i] = pattern(first + i);
  return out;
}

core::Problem problem_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Problem& p) {
    return p;
  }
  ADD_FAILURE() << "no problem thrown";
  return core::Problem::internal();
}

TEST(HttpClient, AStreamedRecordingArrivesByteExactThroughAProxy) {
  TestServer node(recording);
  // The API server's side: relays the node's answer, its body read from the node as the browser takes it.
  TestServer api([&](Request& req) { return fetch(node.target(), "GET", req.target, {{"Range", req.header("range")}}); });
  auto res = fetch(api.target("api"), "GET", "/clip.mp4", {});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "video/mp4");
  ASSERT_TRUE(res.source) << "5 MB is streamed, not held in memory";
  EXPECT_EQ(res.source->size(), kRecording);
  EXPECT_EQ(header(res, "etag"), "\"clip-1\"");
  EXPECT_EQ(header(res, "x-clip-segments"), "12,13,14");
  EXPECT_EQ(header(res, "x-recording-start"), "2026-09-21T10:00:00.000Z");
  EXPECT_EQ(header(res, "server-timing"), "") << "only the headers a proxy hands on";
  std::string body = drain(res);
  ASSERT_EQ(body.size(), kRecording);
  EXPECT_TRUE(body == expected(0, kRecording)) << "the relayed recording differs from the node's";
}

TEST(HttpClient, ARangeIsAnsweredWith206AndContentRange) {
  TestServer node(recording);
  TestServer api([&](Request& req) { return fetch(node.target(), "GET", req.target, {{"Range", req.header("range")}}); });
  auto res = fetch(api.target("api"), "GET", "/clip.mp4", {{"Range", "bytes=1000000-2999999"}});
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(header(res, "content-range"), "bytes 1000000-2999999/5000000");
  EXPECT_EQ(header(res, "accept-ranges"), "bytes");
  std::string body = drain(res);
  ASSERT_EQ(body.size(), 2'000'000u);
  EXPECT_TRUE(body == expected(1'000'000, 2'000'000));
  // A small answer (a player's probe of the last bytes) is read whole.
  auto tail = fetch(node.target(), "GET", "/clip.mp4", {{"Range", "bytes=-100"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_FALSE(tail.source);
  EXPECT_EQ(tail.body, expected(kRecording - 100, 100));
}

TEST(HttpClient, ErrorAnswersComeBackWhole) {
  TestServer node(recording);
  auto res = fetch(node.target(), "GET", "/missing", {});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/problem+json");
  EXPECT_NE(res.body.find("\"status\":404"), std::string::npos) << res.body;
  auto small = fetch(node.target(), "GET", "/small", {});
  EXPECT_EQ(small.body, R"({"ok":true})");
}

TEST(HttpClient, ARefusedConnectionIsTheRecorderUnreachableProblem) {
  uint16_t port;
  {
    TestServer gone(recording);
    port = gone.port();
  }
  auto to = ClientTarget::parse("127.0.0.1:" + std::to_string(port), false, {}, "Node Móng Cái");
  auto p = problem_of([&] { fetch(to, "GET", "/clip.mp4", {}); });
  EXPECT_EQ(p.status(), 503);
  EXPECT_EQ(p.slug(), "recorder-unreachable");
  auto j = p.to_json();
  EXPECT_NE(j.dump().find("Node Móng Cái"), std::string::npos) << j.dump();
  EXPECT_NE(j.dump().find("Không kết nối được máy ghi hình"), std::string::npos) << j.dump();
  auto w = problem_of([&] { WsClient::connect(to, "/live", {}); });
  EXPECT_EQ(w.slug(), "recorder-unreachable");
}

TEST(HttpClient, ANodeThatDoesNotAnswerTimesOut) {
  // Accepts the connection, then says nothing.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  ClientOptions opt;
  opt.io_timeout_ms = 300;
  auto started = std::chrono::steady_clock::now();
  auto p = problem_of([&] { fetch(ClientTarget::parse("127.0.0.1:" + std::to_string(silent.local_endpoint().port())), "GET", "/", {}, opt); });
  EXPECT_EQ(p.status(), 503);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

// A recording whose node stops sending: each read waits until `resume` is ready.
class StallingSource final : public BodySource {
 public:
  StallingSource(std::shared_future<void> resume, std::atomic<int>& waiting) : resume_(std::move(resume)), waiting_(waiting) {}
  uint64_t size() const override { return 64 * 1024; }
  size_t read(uint64_t offset, char* out, size_t n) override {
    ++waiting_;
    resume_.wait();
    return PatternSource(0, size()).read(offset, out, n);
  }

 private:
  std::shared_future<void> resume_;
  std::atomic<int>& waiting_;
};

TEST(HttpClient, DownloadsFromAStalledNodeDoNotHoldUpTheServersOtherConnections) {
  std::promise<void> resume;
  std::shared_future<void> resumed = resume.get_future().share();
  std::atomic<int> waiting{0};
  TestServer server([&](Request& req) {
    if (req.path != "/stalled.mp4") return recording(req);
    Response res;
    res.content_type = "video/mp4";
    res.source = std::make_shared<StallingSource>(resumed, waiting);
    return res;
  });
  // As many stalled downloads as the server has I/O threads (TestServer: 2).
  std::vector<std::string> got(2);
  std::vector<std::thread> downloads;
  for (size_t i = 0; i < got.size(); ++i) downloads.emplace_back([&, i] { got[i] = drain(fetch(server.target(), "GET", "/stalled.mp4", {})); });
  for (auto until = std::chrono::steady_clock::now() + 5s; waiting < 2 && std::chrono::steady_clock::now() < until;) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(waiting, 2);
  ClientOptions quick;
  quick.io_timeout_ms = 2'000;
  Response other;
  EXPECT_NO_THROW(other = fetch(server.target(), "GET", "/small", {}, quick)) << "another request waited for the stalled reads";
  EXPECT_EQ(other.status, 200);
  resume.set_value();
  for (auto& t : downloads) t.join();
  for (const auto& body : got) EXPECT_EQ(body, expected(0, 64 * 1024)) << "the stalled downloads arrive whole once the node sends again";
}

TEST(HttpClient, ParsesNodeAddresses) {
  auto t = ClientTarget::parse("rec-07.hq.customs:8443", true, "/etc/watchfloor/nodes-ca.pem");
  EXPECT_EQ(t.host, "rec-07.hq.customs");
  EXPECT_EQ(t.port, 8443);
  EXPECT_TRUE(t.tls);
  EXPECT_EQ(ClientTarget::parse("[::1]:9000").host, "::1");
  EXPECT_THROW(ClientTarget::parse("rec-07"), std::invalid_argument);
  EXPECT_THROW(ClientTarget::parse("rec-07:http"), std::invalid_argument);
  EXPECT_THROW(ClientTarget::parse("rec-07:70000"), std::invalid_argument);
}

// ---- TLS ----------------------------------------------------------------------------------------

class HttpClientTls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-client-tls-" + core::random_token(6));
    fs::create_directories(dir_);
    make_ca("ca");
    make_ca("other-ca");
    std::ofstream(dir_ / "san.ext") << "subjectAltName=IP:127.0.0.1,DNS:node.test\n";
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout node.key -out node.csr -subj /CN=node");
    run("openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out node.pem -days 2 -extfile san.ext");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void run(const std::string& cmd) {
    std::string line = "cd '" + dir_.string() + "' && " + cmd + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(line.c_str()), 0) << cmd;
  }
  void make_ca(const std::string& name) {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out " + name +
        ".pem -days 2 -subj /CN=" + name);
  }
  ServerOptions tls() const {
    ServerOptions o;
    o.tls_cert = (dir_ / "node.pem").string();
    o.tls_key = (dir_ / "node.key").string();
    return o;
  }
  fs::path dir_;
};

TEST_F(HttpClientTls, TrustsOnlyTheNodesAuthorityAndName) {
  TestServer node(recording, tls());
  std::string address = "127.0.0.1:" + std::to_string(node.port());
  auto ok = fetch(ClientTarget::parse(address, true, (dir_ / "ca.pem").string()), "GET", "/small", {});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"ok":true})");

  auto stranger = problem_of([&] { fetch(ClientTarget::parse(address, true, (dir_ / "other-ca.pem").string()), "GET", "/small", {}); });
  EXPECT_EQ(stranger.slug(), "recorder-unreachable") << "a certificate from another authority";
  auto system = problem_of([&] { fetch(ClientTarget::parse(address, true), "GET", "/small", {}); });
  EXPECT_EQ(system.slug(), "recorder-unreachable") << "a private authority is not in the system's store";
  // The certificate names 127.0.0.1 and node.test, not localhost: another machine's certificate is refused.
  auto misnamed = problem_of([&] {
    fetch(ClientTarget::parse("localhost:" + std::to_string(node.port()), true, (dir_ / "ca.pem").string()), "GET", "/small", {});
  });
  EXPECT_EQ(misnamed.slug(), "recorder-unreachable") << "a certificate for another name";
  auto no_ca_file = problem_of([&] { fetch(ClientTarget::parse(address, true, (dir_ / "absent.pem").string()), "GET", "/small", {}); });
  EXPECT_NE(no_ca_file.to_json().dump().find("absent.pem"), std::string::npos);
}

TEST_F(HttpClientTls, StreamsOverTls) {
  TestServer node(recording, tls());
  auto res = fetch(ClientTarget::parse("127.0.0.1:" + std::to_string(node.port()), true, (dir_ / "ca.pem").string()), "GET",
                   "/clip.mp4", {{"Range", "bytes=0-2999999"}});
  EXPECT_EQ(res.status, 206);
  std::string body = drain(res);
  EXPECT_TRUE(body == expected(0, 3'000'000));
}

// ---- WebSocket ----------------------------------------------------------------------------------

// The node's live socket: sends what the test gives it, tells when it ends.
struct Feed final : WsHandler {
  std::mutex mu;
  std::condition_variable cv;
  std::shared_ptr<WsSender> sender;
  bool closed = false;
  void on_open(std::shared_ptr<WsSender> s) override {
    std::lock_guard lock(mu);
    sender = std::move(s);
    cv.notify_all();
  }
  void on_message(const std::string&) override {}
  void on_close() override {
    std::lock_guard lock(mu);
    closed = true;
    sender.reset();
    cv.notify_all();
  }
  std::shared_ptr<WsSender> wait_open() {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 5s, [&] { return sender || closed; });
    return sender;
  }
  bool wait_closed(std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return closed; });
  }
};

// What the relaying side received.
struct Relay {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> texts;
  std::vector<std::string> binaries;
  std::vector<int> closes;
  std::atomic<bool> hold{false};
  WsClient::Callbacks callbacks() {
    WsClient::Callbacks cb;
    cb.on_text = [this](std::string t) { add([&] { texts.push_back(std::move(t)); }); };
    cb.on_binary = [this](std::shared_ptr<const std::string> b) { add([&] { binaries.push_back(*b); }); };
    cb.on_closed = [this](int code) { add([&] { closes.push_back(code); }); };
    cb.hold = [this] { return hold.load(); };
    return cb;
  }
  void add(const std::function<void()>& f) {
    std::lock_guard lock(mu);
    f();
    cv.notify_all();
  }
  bool wait(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, cond);
  }
};

// A node route that wants its handshake signed (the test's stand-in for the signature check).
Handler live_node(std::shared_ptr<Feed> feed) {
  return [feed](Request& req) {
    if (req.header("x-watchfloor-signature") != "good") return Response::problem(core::Problem::unauthenticated());
    if (req.path == "/live" && req.websocket_upgrade) return Response::upgrade(feed);
    return Response::json(404, {});
  };
}

TEST(WsClient, RelaysTextAndBinaryInOrderAndClosesPromptly) {
  auto feed = std::make_shared<Feed>();
  TestServer node(live_node(feed));
  auto ws = WsClient::connect(node.target(), "/live", {{"X-Watchfloor-Signature", "good"}});
  Relay relay;
  ws->start(relay.callbacks());
  auto sender = feed->wait_open();
  ASSERT_TRUE(sender);
  std::string init(300'000, '\0');
  for (size_t i = 0; i < init.size(); ++i) init[i] = pattern(i);
  sender->send(R"({"type":"state","state":"online"})");
  sender->send(R"({"type":"init","codec":"avc1.64001f"})");
  sender->send_binary(std::make_shared<const std::string>(init));
  sender->send_binary(std::make_shared<const std::string>("fragment-1"));
  sender.reset();
  ASSERT_TRUE(relay.wait([&] { return relay.binaries.size() == 2; }));
  {
    std::lock_guard lock(relay.mu);
    EXPECT_EQ(relay.texts, (std::vector<std::string>{R"({"type":"state","state":"online"})", R"({"type":"init","codec":"avc1.64001f"})"}));
    EXPECT_TRUE(relay.binaries[0] == init) << "the init segment arrives byte-exact";
    EXPECT_EQ(relay.binaries[1], "fragment-1");
  }
  // Nothing is arriving: the reader is blocked in a read, and close() must not wait for the node.
  auto started = std::chrono::steady_clock::now();
  ws->close();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(relay.closes, (std::vector<int>{kWsNormal})) << "on_closed once";
  EXPECT_TRUE(feed->wait_closed()) << "the node's socket ends too (its viewer is removed)";
  ws.reset();
  EXPECT_EQ(relay.closes.size(), 1u);
}

TEST(WsClient, TheNodesCloseCodeReachesTheRelay) {
  auto feed = std::make_shared<Feed>();
  TestServer node(live_node(feed));
  auto ws = WsClient::connect(node.target(), "/live", {{"X-Watchfloor-Signature", "good"}});
  Relay relay;
  ws->start(relay.callbacks());
  auto sender = feed->wait_open();
  ASSERT_TRUE(sender);
  sender->close(kWsGoingAway, "node stopping");
  sender.reset();
  ASSERT_TRUE(relay.wait([&] { return !relay.closes.empty(); }));
  EXPECT_EQ(relay.closes, (std::vector<int>{kWsGoingAway}));
}

TEST(WsClient, AHeldRelayReadsNothingUntilReleased) {
  auto feed = std::make_shared<Feed>();
  TestServer node(live_node(feed));
  auto ws = WsClient::connect(node.target(), "/live", {{"X-Watchfloor-Signature", "good"}});
  Relay relay;
  relay.hold = true;  // the browser is behind
  ws->start(relay.callbacks());
  auto sender = feed->wait_open();
  ASSERT_TRUE(sender);
  sender->send("frame");
  EXPECT_FALSE(relay.wait([&] { return !relay.texts.empty(); }, 300ms)) << "read while held";
  relay.hold = false;
  EXPECT_TRUE(relay.wait([&] { return relay.texts.size() == 1; }));
  // close() also ends a reader that is held.
  relay.hold = true;
  auto started = std::chrono::steady_clock::now();
  ws->close();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(relay.closes, (std::vector<int>{kWsNormal}));
}

TEST(WsClient, ADeclinedHandshakeIsTheUnreachableProblem) {
  auto feed = std::make_shared<Feed>();
  TestServer node(live_node(feed));
  auto p = problem_of([&] { WsClient::connect(node.target(), "/live", {{"X-Watchfloor-Signature", "forged"}}); });
  EXPECT_EQ(p.status(), 503);
  EXPECT_NE(p.to_json().dump().find("401"), std::string::npos) << p.to_json().dump();
}

}  // namespace
}  // namespace watchfloor::http
