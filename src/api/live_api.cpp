// Live view: GET /api/v1/cameras/{id}/live?stream=main|sub upgrades to a WebSocket carrying the
// camera's fMP4 live stream from the recorder's fan-out (video/live.h; protocol in docs/formats.md
// §11). Who may watch is the one policy's `video_live`; every view is audited when it starts and
// when it ends. The socket re-checks the session and the permission every tick: a logout ends it
// with 4401, a withdrawn permission with 4403. A camera recorded by a recorder node is relayed from the node's
// live socket (api/node_api.cpp); the browser sees the same protocol either way.
#include <fmt/format.h>

#include "api/routes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/request_signature.h"
#include "http/client.h"
#include "http/websocket.h"
#include "video/catalog.h"
#include "video/nodes.h"
#include "video/recorder.h"

namespace watchfloor::api {
namespace {

using nlohmann::json;

// While the browser has more than this queued, nothing more is read from the node: the node's fan-out then skips
// ahead to the next keyframe, and this server holds at most this much (below the WebSocket's own 4 MiB bound, so
// a viewer that falls behind skips instead of being dropped as too slow).
constexpr size_t kRelayBacklogBytes = 1u << 20;

class LiveClient final : public http::WsHandler,
                         public video::LiveViewer,
                         public std::enable_shared_from_this<LiveClient> {
 public:
  LiveClient(Services& s, std::shared_ptr<UserSlots> seats, std::shared_ptr<http::Authenticator> authn, std::string token,
             audit::Actor viewer, video::Camera cam, std::string stream, json hello, std::optional<int64_t> grant,
             std::unique_ptr<http::WsClient> node)
      : s_(s),
        seats_(std::move(seats)),
        authn_(std::move(authn)),
        token_(std::move(token)),
        viewer_(std::move(viewer)),
        cam_(std::move(cam)),
        stream_(std::move(stream)),
        hello_(std::move(hello)),
        grant_(grant),
        node_(std::move(node)) {}
  ~LiveClient() override {
    seats_->release(viewer_.user_id);
    if (revoked_sub_) s_.bus.unsubscribe(revoked_sub_);
  }

  void on_open(std::shared_ptr<http::WsSender> sender) override {
    sender_ = std::move(sender);
    started_ms_ = s_.clock.now_ms();
    sender_->send(hello_.dump());
    if (grant_) {
      // A revoked grant ends the view at once, not at the next check.
      std::weak_ptr<http::WsSender> weak = sender_;
      revoked_sub_ = s_.bus.subscribe([weak, grant = *grant_](const events::Event& e) {
        if (e.topic != "grant.revoked" || e.payload.value("grant_id", int64_t{0}) != grant) return;
        if (auto sender = weak.lock()) sender->close(http::kWsForbidden, "grant revoked");
      });
    }
    record_use(s_, cam_, "video.live.start", {{"stream", stream_}}, grant_, viewer_);
    core::Metrics::global().inc("watchfloor_live_views_total");
    if (node_) return relay();
    live_ = s_.recorder.watch(cam_, stream_, shared_from_this());
  }

  void on_message(const std::string& text) override {
    json msg;
    try {
      msg = core::parse_json(text);
    } catch (const core::Problem&) {
    }
    if (msg.is_object() && msg.value("type", json()) == "ping") {
      sender_->send(R"({"type":"pong"})");
      return;
    }
    sender_->send(json{{"type", "error"},
                       {"detail", "Expected {\"type\":\"ping\"}"},
                       {"detail_vi", "Cần {\"type\":\"ping\"}"}}
                      .dump());
  }

  // A logout or expiry ends the view; so does losing the permission to watch this camera.
  void on_tick() override {
    auto identity = authn_->recheck(token_);
    if (!identity || identity->must_change_password) return sender_->close(http::kWsSessionEnded, "session ended");
    auto scope = authn_->scope();
    if (!auth::allowed(identity->principal, auth::Action::video_live, auth::Target::of_camera(cam_.unit_id, cam_.id), *scope))
      sender_->close(http::kWsForbidden, "forbidden");
  }

  void on_close() override {
    if (revoked_sub_) s_.bus.unsubscribe(std::exchange(revoked_sub_, 0));
    if (live_) live_->remove(this);
    live_.reset();
    if (node_) node_->close();  // the relay's callbacks are over once this returns
    node_.reset();
    int64_t ended = s_.clock.now_ms();
    json end = {{"stream", stream_}, {"from", core::iso8601(started_ms_)}, {"to", core::iso8601(ended)}, {"seconds", (ended - started_ms_) / 1000}};
    if (grant_) end["grant_id"] = *grant_;
    try {
      s_.catalog.used(cam_, "video.live.end", end, viewer_);
    } catch (const std::exception& ex) {
      core::log_error(std::string("live: the end of a view was not audited: ") + ex.what());
    }
    sender_.reset();
  }

  // video::LiveViewer: called by the fan-out while this viewer is added (between on_open and on_close).
  void text(const std::string& msg) override { sender_->send(msg); }
  void media(const std::shared_ptr<const std::string>& bytes) override { sender_->send_binary(bytes); }
  size_t backlog_bytes() const override { return sender_->backlog_bytes(); }

 private:
  // The node's messages go to the browser as they come. The callbacks run on the relay's reader thread and hold
  // the sender until on_close has closed the relay.
  void relay() {
    http::WsClient::Callbacks cb;
    auto sender = sender_;
    cb.on_text = [sender](std::string text) { sender->send(std::move(text)); };
    cb.on_binary = [sender](std::shared_ptr<const std::string> data) { sender->send_binary(std::move(data)); };
    cb.hold = [sender] { return sender->backlog_bytes() > kRelayBacklogBytes; };
    // The node stopped, or its connection broke: the console reconnects (and reaches the standby, or is told
    // the recorder is down).
    cb.on_closed = [sender](int) { sender->close(http::kWsGoingAway, "recorder node gone"); };
    node_->start(std::move(cb));
  }

  Services& s_;
  std::shared_ptr<UserSlots> seats_;
  std::shared_ptr<http::Authenticator> authn_;
  const std::string token_;  // kept in memory only, to re-check the session
  const audit::Actor viewer_;
  const video::Camera cam_;
  const std::string stream_;
  const json hello_;
  const std::optional<int64_t> grant_;  // the data-sharing grant the view goes through (Art. 16.3)
  uint64_t revoked_sub_ = 0;             // the bus subscription that ends the view when the grant is revoked
  std::shared_ptr<http::WsSender> sender_;
  std::shared_ptr<video::LiveStream> live_;
  std::unique_ptr<http::WsClient> node_;  // the recorder node's live socket, when a node records the camera
  int64_t started_ms_ = 0;
};

// The route, with the router's live seats and an authenticator to re-check the session with.
http::Response watch_live(http::Context& ctx, Services& s, const std::shared_ptr<UserSlots>& seats,
                          const std::shared_ptr<http::Authenticator>& authn) {
  auto cam = load_camera(ctx, s);
  auto grant = require_video(ctx, s, cam, auth::Action::video_live, {});
  std::string stream = stream_kind(ctx);
  if (stream == "sub" && !cam.sub_url)
    throw core::Problem::field("stream", "Camera này không có luồng phụ", "This camera has no sub stream");
  require_websocket(ctx);
  auto node = s.nodes.live_endpoint(cam);  // a 503 problem when the node recording it is down
  auto site = s.catalog.site(cam.site_id);
  auto unit = s.units.get(cam.unit_id);
  json hello = {{"type", "hello"},
                {"camera_id", cam.id},
                {"stream", stream},
                {"camera", cam.name},
                {"site", site ? json(site->name) : json()},
                {"unit", unit ? json(unit->name_vi) : json()},
                {"unit_en", unit ? json(unit->name_en) : json()},
                {"time_zone", unit && !unit->time_zone.empty() ? unit->time_zone : "Asia/Ho_Chi_Minh"}};
  int max = s.config.server.live_max_per_user;
  if (!seats->admit(ctx.principal().user_id, max)) {  // given back when the LiveClient goes
    core::Problem p(429, "too-many-live-views", "Too many live views open", "Quá nhiều luồng xem trực tiếp đang mở",
                    fmt::format("At most {} live views per user; close some tiles or windows first.", max),
                    fmt::format("Mỗi người dùng xem trực tiếp tối đa {} luồng; hãy đóng bớt ô hoặc cửa sổ.", max));
    p.headers.emplace_back("Retry-After", "10");
    throw p;
  }
  // Connected before the browser's upgrade, so that an unreachable node is an HTTP 503 the console shows.
  std::unique_ptr<http::WsClient> relay;
  if (node) {
    std::string target = fmt::format("/node/v1/cameras/{}/live?stream={}", cam.id, stream);
    try {
      relay = http::WsClient::connect(node_target(s, *node), target, core::sign_request(node->key, "GET", target, s.clock.now_ms()));
    } catch (...) {
      seats->release(ctx.principal().user_id);
      throw;
    }
  }
  return http::Response::upgrade(std::make_shared<LiveClient>(s, seats, authn, ctx.req.cookie(http::kSessionCookie),
                                                              ctx.actor(), std::move(cam), stream,
                                                              std::move(hello), grant, std::move(relay)));
}

}  // namespace

void add_live_routes(http::Router& r, Services& s) {
  auto seats = std::make_shared<UserSlots>();  // live_max_per_user: a wall holds one per tile
  auto authn = make_authenticator(s);
  r.add("GET", "/api/v1/cameras/{id}/live", auth::Action::video_live,
        [&s, seats, authn](http::Context& ctx) { return watch_live(ctx, s, seats, authn); });
}

}  // namespace watchfloor::api
