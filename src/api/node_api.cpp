// A recorder node's API (docs/deploy.md §3): the API servers proxy playback, stills and live view of the cameras a
// node records to it. Browsers never reach it. Each request is signed with the node's key; permissions and the
// audit are the proxying API server's, so nothing here knows users. Clips and stills are built by the functions
// the API server uses for its own recordings (video_api.cpp), so both answer the same bytes and headers.
#include <fmt/format.h>

#include "api/routes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/request_signature.h"
#include "http/websocket.h"
#include "video/recorder.h"

namespace watchfloor::api {
namespace {

using core::Problem;

// One API server's live view of a camera stream: the recorder's fan-out, relayed as it comes. The node's
// WebSocket is its backpressure: when the API server stops reading, this viewer falls behind and the fan-out
// skips it to the next keyframe (video/live.h), as it does a slow browser.
class NodeLive final : public http::WsHandler, public video::LiveViewer, public std::enable_shared_from_this<NodeLive> {
 public:
  NodeLive(video::Recorder& recorder, video::Camera cam, std::string kind)
      : recorder_(recorder), cam_(std::move(cam)), kind_(std::move(kind)) {}

  void on_open(std::shared_ptr<http::WsSender> sender) override {
    sender_ = std::move(sender);
    live_ = recorder_.watch(cam_, kind_, shared_from_this());
  }
  void on_message(const std::string&) override {}  // the API server answers the browser's pings itself
  void on_close() override {
    if (live_) live_->remove(this);
    live_.reset();
    sender_.reset();
  }

  // video::LiveViewer: called by the fan-out between watch() and remove().
  void text(const std::string& msg) override { sender_->send(msg); }
  void media(const std::shared_ptr<const std::string>& bytes) override { sender_->send_binary(bytes); }
  size_t backlog_bytes() const override { return sender_->backlog_bytes(); }

 private:
  video::Recorder& recorder_;
  const video::Camera cam_;
  const std::string kind_;
  std::shared_ptr<http::WsSender> sender_;
  std::shared_ptr<video::LiveStream> live_;
};

http::Response media(const NodeApi& d, http::Context& ctx, int64_t camera_id) {
  auto [from, to] = span_90k(ctx, d.clock, 3'600'000, 24LL * 3'600'000);
  auto clip = serve_clip(d.recorder, camera_id, stream_kind(ctx), from, to, query(ctx, "download") == "1", ctx.req);
  // What the API server's audit entry names (the segments and the clip's size, whatever range was asked).
  std::string segments;
  for (int64_t id : clip.segments) {
    if (!segments.empty()) segments += ',';
    segments += std::to_string(id);
  }
  clip.res.with_header("X-Clip-Segments", segments).with_header("X-Clip-Bytes", std::to_string(clip.bytes));
  return std::move(clip.res);
}

http::Response snapshot(const NodeApi& d, http::Context& ctx, int64_t camera_id) {
  return serve_still(d.recorder, camera_id, query_time(ctx, "at", d.clock.now_ms()), stream_kind(ctx)).res;
}

http::Response live(const NodeApi& d, http::Context& ctx, int64_t camera_id) {
  auto cam = d.catalog.camera(camera_id);
  if (!cam) throw Problem::not_found("The camera", "Camera");
  std::string kind = stream_kind(ctx);
  if (kind == "sub" && !cam->sub_url) throw Problem::field("stream", "Camera này không có luồng phụ", "This camera has no sub stream");
  if (!ctx.req.websocket_upgrade)
    throw Problem(426, "upgrade-required", "WebSocket upgrade required", "Cần nâng cấp lên WebSocket");
  return http::Response::upgrade(std::make_shared<NodeLive>(d.recorder, std::move(*cam), std::move(kind)));
}

http::Response handle(const NodeApi& d, http::Request& req) {
  if (!core::request_signed(d.key, req.method, req.target, req.header(core::kSignatureDateHeader),
                            req.header(core::kSignatureHeader), d.clock.now_ms())) {
    core::Metrics::global().inc("watchfloor_node_unsigned_total");
    core::log_json({{"event", "node.unsigned"}, {"ip", req.remote_ip}, {"method", req.method}});
    return http::Response::problem(Problem(401, "unsigned", "Requests to a recorder node must be signed by an API server",
                                           "Yêu cầu tới máy ghi hình phải được máy chủ API ký"));
  }
  if (req.method != "GET") return http::Response::problem(Problem::method_not_allowed());
  if (req.path == "/node/v1/health") return http::Response::json(200, {{"ok", true}});

  // /node/v1/cameras/{id}/{what}
  constexpr std::string_view kCameras = "/node/v1/cameras/";
  std::string_view path = req.path;
  auto slash = path.find('/', kCameras.size());
  if (path.substr(0, kCameras.size()) != kCameras || slash == std::string_view::npos)
    return http::Response::problem(Problem::not_found("The resource", "Tài nguyên"));
  auto id = parse_int(std::string(path.substr(kCameras.size(), slash - kCameras.size())), 1, INT64_MAX);
  std::string_view what = path.substr(slash + 1);
  if (!id) return http::Response::problem(Problem::not_found("The camera", "Camera"));
  http::Context ctx{req, {}, std::nullopt, nullptr, {}, {}};
  if (what == "media.mp4") return media(d, ctx, *id);
  if (what == "snapshot.jpg") return snapshot(d, ctx, *id);
  if (what == "live") return live(d, ctx, *id);
  return http::Response::problem(Problem::not_found("The resource", "Tài nguyên"));
}

}  // namespace

http::Handler make_node_handler(NodeApi deps) {
  auto d = std::make_shared<const NodeApi>(std::move(deps));
  return [d](http::Request& req) { return handle(*d, req); };
}

}  // namespace watchfloor::api
