// An API server proxying a camera's video to the recorder node that holds it: the user's request goes through the
// real dispatcher (session, policy, audit) and on to a node API on a loopback socket. The browser gets what the
// node serves; the audit entry names what the node says it served; a node that cannot be reached or refuses the
// signature is a problem the console can show, not a login prompt.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "app/installation.h"
#include "http/server.h"
#include "http/websocket.h"
#include "recorder_world.h"
#include "test_util.h"
#include "test_store.h"
#include "video/playback.h"

namespace watchfloor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kViewer = "truongca.hp";  // shift leader at Hải Phòng: plays back and watches its cameras

// The browser's side of a live socket.
struct Browser final : http::WsSender {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<nlohmann::json> texts;
  int closed_with = 0;
  bool send(std::string text) override {
    std::lock_guard lock(mu);
    texts.push_back(nlohmann::json::parse(text));
    cv.notify_all();
    return true;
  }
  bool send_shared(std::shared_ptr<const std::string> text) override { return send(*text); }
  bool send_binary(std::shared_ptr<const std::string>) override { return true; }
  size_t backlog_bytes() const override { return 0; }
  void close(int code, std::string) override {
    std::lock_guard lock(mu);
    closed_with = code;
    cv.notify_all();
  }
  bool wait(const std::function<bool()>& cond) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 5s, cond);
  }
};

class NodeProxy : public ::testing::Test {
 protected:
  NodeProxy() {
    dir_ = fs::temp_directory_path() / ("wf-proxy-" + core::random_token(6));
    core::Config cfg;
    cfg.data_dir = dir_;
    cfg.store.url = test::store_url(dir_ / "watchfloor.db");
    inst_ = std::make_unique<app::Installation>(cfg);
    auto logins = app::ensure_demo(*inst_);
    services_ = std::make_unique<api::Services>(inst_->services());
    handler_ = http::make_dispatcher(api::make_router(*services_), api::make_authenticator(*services_), {});
    for (const auto& l : logins)
      if (l["username"] == kViewer) login(l["password"]);

    auto system = audit::Actor::system("test");
    video::SiteInput si;
    si.unit_id = inst_->units.by_code("HP-CKKV1")->id;
    si.kind = "seaport";
    si.name = "Cảng Tân Vũ";
    video::CameraInput ci;
    ci.site_id = inst_->catalog.create_site(si, system).id;
    ci.name = "Cổng B - camera 01";
    ci.main_url = "rtsp://10.1.2.3:554/stream1";
    ci.enabled = false;  // nothing ingests: the recording below is written by the test
    camera_ = inst_->catalog.create_camera(ci, system).id;

    // Half a minute recorded on the node's disk.
    auto& index = inst_->recorder.index();
    index.open();
    auto stream = index.stream(camera_, "main");
    start_ms_ = inst_->clock.now_ms();
    {
      video::StreamWriter writer(index, inst_->clock, stream);
      writer.begin_run(video::entry());
      write(writer, 30);
    }
    clip_ = *video::build_clip(index, stream.id, video::ms_to_90k(start_ms_ + 1000), video::ms_to_90k(start_ms_ + 20'000));

    // The node, registered, signed in, recording the camera; the recording is in its sample directory.
    http::ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    opt.shutdown_grace_ms = 200;
    node_server_ = std::make_unique<http::Server>(opt, [this](http::Request& req) {
      ++node_requests_;
      return node_handler_(req);
    });
    node_server_->bind();
    video::NodeInput in;
    in.name = "rec-hp-01";
    in.address = "127.0.0.1:" + std::to_string(node_server_->port());
    in.capacity = 10;
    auto issued = inst_->nodes.create(in, system);
    node_id_ = issued.node.id;
    node_handler_ = api::make_node_handler({inst_->recorder, inst_->catalog, inst_->clock, issued.key});
    node_thread_ = std::thread([this] { node_server_->run(); });
    EXPECT_TRUE(inst_->nodes.sign_in("rec-hp-01", issued.key, "test"));
    inst_->nodes.assign(camera_, node_id_, system);
    inst_->db->exec("UPDATE sample_dirs SET node_id = ?", {node_id_});
  }
  ~NodeProxy() override {
    stop_node();
    node_server_.reset();
    node_handler_ = nullptr;
    handler_ = nullptr;  // its routes hold on to the installation's parts
    services_.reset();
    inst_.reset();
    fs::remove_all(dir_);
  }

  void stop_node() {
    if (!node_thread_.joinable()) return;
    node_server_->stop();
    node_thread_.join();
  }

  // 25 fps with a keyframe every 2 s, each frame received 40 ms after the last (the installation's clock is the
  // real one: the frames are written at once, their times are the camera's).
  void write(video::StreamWriter& w, int seconds) {
    int64_t dts = 1'000'000, received = inst_->clock.mono_ns();
    for (int i = 0; i < seconds * 25; ++i) {
      std::string au = video::access_unit(i % 50 == 0, i % 50 == 0 ? 4000 : 600, uint8_t(i));
      w.frame({au, dts, dts, i % 50 == 0, received});
      dts += 3600;
      received += 40'000'000;
    }
    w.end_run("camera_down", "camera_down");
  }

  void login(const std::string& password) {
    auto res = call("POST", "/api/v1/auth/login", nlohmann::json{{"username", kViewer}, {"password", password}}.dump());
    ASSERT_EQ(res.status, 200) << res.body;
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie") cookie_ = v.substr(0, v.find(';'));
    csrf_ = nlohmann::json::parse(res.body)["csrf_token"];
  }

  http::Response call(const std::string& method, const std::string& target, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}, bool upgrade = false) {
    http::Request req;
    req.method = method;
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::parse_query(target.substr(q + 1));
    req.body = body;
    req.remote_ip = "127.0.0.1";
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    if (!cookie_.empty()) req.headers.emplace_back("cookie", cookie_), req.headers.emplace_back("x-csrf-token", csrf_);
    for (auto& h : headers) req.headers.push_back(std::move(h));
    req.websocket_upgrade = upgrade;
    return handler_(req);
  }

  std::string media() const {
    return "/api/v1/cameras/" + std::to_string(camera_) + "/media.mp4?from=" + core::iso8601(start_ms_ + 1000) +
           "&to=" + core::iso8601(start_ms_ + 20'000);
  }
  std::vector<nlohmann::json> audited(const std::string& action) {
    std::vector<nlohmann::json> out;
    for (const auto& r : inst_->db->query("SELECT details FROM audit_log WHERE action = ? AND object_id = ? ORDER BY seq",
                                          {action, std::to_string(camera_)}))
      out.push_back(nlohmann::json::parse(r.str("details")));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<app::Installation> inst_;
  std::unique_ptr<api::Services> services_;
  http::Handler handler_;
  std::string cookie_, csrf_;
  int64_t camera_ = 0, node_id_ = 0, start_ms_ = 0;
  video::Clip clip_;
  std::unique_ptr<http::Server> node_server_;
  http::Handler node_handler_;
  std::atomic<int> node_requests_{0};
  std::thread node_thread_;
};

TEST_F(NodeProxy, PlaybackIsTheNodesClipAuditedOnceWithWhatTheNodeServed) {
  std::string expected(clip_.size, '\0');
  video::read_clip(clip_, 0, expected.data(), expected.size());

  auto res = call("GET", media());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_GT(node_requests_.load(), 0) << "served by the node";
  EXPECT_EQ(res.content_type, "video/mp4");
  EXPECT_EQ(res.header("etag"), clip_.etag);
  EXPECT_EQ(res.header("x-recording-start"), core::iso8601(video::t90k_to_ms(clip_.first_frame_90k)));
  EXPECT_EQ(res.header("x-clip-segments"), "") << "between the servers only";
  EXPECT_TRUE(test::body_of(res) == expected);

  auto entries = audited("video.playback");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["segments"], nlohmann::json(clip_.segment_ids));
  EXPECT_EQ(entries[0]["bytes"], clip_.size);
  EXPECT_EQ(entries[0]["first_frame"], core::iso8601(video::t90k_to_ms(clip_.first_frame_90k)));

  // The player's Range requests: passed to the node, not audited again.
  auto part = call("GET", media(), "", {{"range", "bytes=100-1099"}, {"if-range", clip_.etag}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("content-range"), "bytes 100-1099/" + std::to_string(clip_.size));
  EXPECT_EQ(test::body_of(part), expected.substr(100, 1000));
  EXPECT_EQ(audited("video.playback").size(), 1u);

  // The node's "nothing here" reaches the user as it is, unaudited.
  auto none = call("GET", "/api/v1/cameras/" + std::to_string(camera_) + "/snapshot.jpg?at=" + core::iso8601(start_ms_ - 3'600'000));
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("no-recording"), std::string::npos);
  EXPECT_TRUE(audited("video.snapshot").empty());
}

TEST_F(NodeProxy, ANodeThatRefusesTheSignatureOrIsGoneIsAProblemNotALoginPrompt) {
  inst_->nodes.rekey(node_id_, audit::Actor::system("test"));  // the node still has its old key
  auto refused = call("GET", media());
  EXPECT_EQ(refused.status, 502);
  EXPECT_NE(refused.body.find("recorder-refused"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("rec-hp-01"), std::string::npos) << refused.body;

  stop_node();
  auto gone = call("GET", media());
  EXPECT_EQ(gone.status, 503);
  EXPECT_NE(gone.body.find("recorder-unreachable"), std::string::npos) << gone.body;
  EXPECT_TRUE(audited("video.playback").empty()) << "nothing was served";
}

TEST_F(NodeProxy, LiveViewIsRelayedFromTheNodeAndEndsWhenTheNodeGoes) {
  auto up = call("GET", "/api/v1/cameras/" + std::to_string(camera_) + "/live?stream=main", "",
                 {{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}}, true);
  ASSERT_EQ(up.status, 101) << up.body;
  ASSERT_TRUE(up.websocket);
  auto browser = std::make_shared<Browser>();
  up.websocket->on_open(browser);
  // The API server's hello, then the node's own messages.
  ASSERT_TRUE(browser->wait([&] { return browser->texts.size() >= 2; }));
  {
    std::lock_guard lock(browser->mu);
    EXPECT_EQ(browser->texts[0]["type"], "hello");
    EXPECT_EQ(browser->texts[0]["camera"], "Cổng B - camera 01");
    EXPECT_EQ(browser->texts[1]["type"], "state") << "from the node's fan-out";
  }
  EXPECT_EQ(audited("video.live.start").size(), 1u);

  stop_node();  // closes its sockets with 1001
  EXPECT_TRUE(browser->wait([&] { return browser->closed_with != 0; }));
  EXPECT_EQ(browser->closed_with, http::kWsGoingAway) << "the console reconnects";
  up.websocket->on_close();
  EXPECT_EQ(audited("video.live.end").size(), 1u);
}

}  // namespace
}  // namespace watchfloor
