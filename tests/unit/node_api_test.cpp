// A recorder node's API over a real loopback socket: it answers only what an API server signed with its key, and
// serves a recording with the same bytes and headers as the API server's own playback, plus what the API server
// audits with.
#include <gtest/gtest.h>

#include <thread>

#include "api/api.h"
#include "core/request_signature.h"
#include "events/alerts.h"
#include "http/client.h"
#include "http/server.h"
#include "recorder_world.h"
#include "test_util.h"
#include "video/playback.h"
#include "video/recorder.h"

namespace watchfloor::video {
namespace {

const std::string kKey = "node-key-0123456789abcdef0123456789";

class NodeApiTest : public ::testing::Test {
 protected:
  NodeApiTest() : w_(posix_fs(), false) {
    recorder_ = std::make_unique<Recorder>(*w_.db, w_.clock, *w_.catalog, alerts_, bus_, w_.dir / "video", RecorderOptions{});
    recorder_->index().open();
    stream_ = recorder_->index().stream(w_.camera_id, "main");
    start_ms_ = w_.clock.now_ms();
    {
      StreamWriter writer(recorder_->index(), w_.clock, stream_);
      writer.begin_run(entry());
      w_.record(writer, 30);
    }
    http::ServerOptions opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    opt.shutdown_grace_ms = 200;
    server_ = std::make_unique<http::Server>(opt, api::make_node_handler({*recorder_, *w_.catalog, w_.clock, kKey}));
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~NodeApiTest() override {
    server_->stop();
    thread_.join();
    server_.reset();
    recorder_.reset();
  }

  http::ClientTarget node() const { return http::ClientTarget::parse("127.0.0.1:" + std::to_string(server_->port())); }
  http::Response get(const std::string& target, std::vector<std::pair<std::string, std::string>> extra = {},
                     const std::string& key = kKey, int64_t skew_ms = 0) {
    auto headers = core::sign_request(key, "GET", target, w_.clock.now_ms() + skew_ms);
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http::fetch(node(), "GET", target, headers);
  }
  std::string media_target(int64_t from_ms, int64_t to_ms) const {
    return "/node/v1/cameras/" + std::to_string(w_.camera_id) + "/media.mp4?from=" + core::iso8601(from_ms) +
           "&to=" + core::iso8601(to_ms) + "&stream=main";
  }

  World w_;
  events::Bus bus_{w_.clock};
  events::Alerts alerts_{*w_.db, w_.clock, bus_, *w_.audit_log};
  std::unique_ptr<Recorder> recorder_;
  StreamRow stream_;
  int64_t start_ms_ = 0;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

TEST_F(NodeApiTest, AnswersOnlyWhatAnApiServerSigned) {
  auto health = get("/node/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"ok":true})");

  std::string media = media_target(start_ms_ + 1000, start_ms_ + 20'000);
  std::vector<http::Response> refused = {
      http::fetch(node(), "GET", media, {}),                                      // not signed
      get(media, {}, "another-nodes-key"),                                        // another key
      get(media, {}, kKey, -60'000),                                              // a replay a minute later
      http::fetch(node(), "GET", media + "&download=1", core::sign_request(kKey, "GET", media, w_.clock.now_ms())),
      http::fetch(node(), "GET", "/node/v1/nothing-here", {}),
      http::fetch(node(), "GET", "/api/v1/cameras", {}),
  };
  for (const auto& r : refused) {
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_FALSE(r.source);
    EXPECT_NE(r.body.find("urn:watchfloor:problem:unsigned"), std::string::npos) << r.body;
    EXPECT_EQ(r.body, refused[0].body) << "an unsigned request learns nothing about what exists";
  }
}

TEST_F(NodeApiTest, ServesTheClipAsPlaybackDoesWithWhatTheAuditNames) {
  int64_t from = start_ms_ + 1000, to = start_ms_ + 20'000;
  auto clip = build_clip(recorder_->index(), stream_.id, ms_to_90k(from), ms_to_90k(to));
  ASSERT_TRUE(clip);
  std::string expected(clip->size, '\0');
  read_clip(*clip, 0, expected.data(), expected.size());

  auto res = get(media_target(from, to));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "video/mp4");
  EXPECT_EQ(res.header("etag"), clip->etag);
  EXPECT_EQ(res.header("x-recording-start"), core::iso8601(t90k_to_ms(clip->first_frame_90k)));
  EXPECT_EQ(res.header("x-recording-end"), core::iso8601(t90k_to_ms(clip->end_90k)));
  std::string segments;
  for (int64_t id : clip->segment_ids) segments += (segments.empty() ? "" : ",") + std::to_string(id);
  EXPECT_FALSE(segments.empty());
  EXPECT_EQ(res.header("x-clip-segments"), segments);
  EXPECT_EQ(res.header("x-clip-bytes"), std::to_string(clip->size));
  EXPECT_TRUE(test::body_of(res) == expected) << "the node's clip differs from the one playback builds";

  // A player's Range request: the part asked, and the whole clip's size for the audit.
  auto part = get(media_target(from, to), {{"Range", "bytes=100-1099"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("content-range"), "bytes 100-1099/" + std::to_string(clip->size));
  EXPECT_EQ(part.header("x-clip-bytes"), std::to_string(clip->size));
  EXPECT_EQ(test::body_of(part), expected.substr(100, 1000));
  // If-Range with another clip's ETag: the whole clip, not a piece of a different one.
  auto stale = get(media_target(from, to), {{"Range", "bytes=100-1099"}, {"If-Range", "\"another\""}});
  EXPECT_EQ(stale.status, 200);

  auto download = get(media_target(from, to) + "&download=1");
  EXPECT_NE(download.header("content-disposition").find("attachment"), std::string::npos);

  auto nothing = get(media_target(start_ms_ - 7'200'000, start_ms_ - 3'600'000));
  EXPECT_EQ(nothing.status, 404);
  EXPECT_NE(nothing.body.find("no-recording"), std::string::npos);
}

TEST_F(NodeApiTest, ASnapshotWithNoFrameNearIsNotFound) {
  auto res = get("/node/v1/cameras/" + std::to_string(w_.camera_id) + "/snapshot.jpg?at=" + core::iso8601(start_ms_ - 3'600'000) +
                 "&stream=main");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find("no-recording"), std::string::npos);
}

TEST_F(NodeApiTest, LiveViewIsASignedWebSocketOfTheRecordersFanOut) {
  std::string target = "/node/v1/cameras/" + std::to_string(w_.camera_id) + "/live?stream=main";
  EXPECT_THROW(http::WsClient::connect(node(), target, {}), core::Problem) << "unsigned";
  auto ws = http::WsClient::connect(node(), target, core::sign_request(kKey, "GET", target, w_.clock.now_ms()));
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> texts;
  http::WsClient::Callbacks cb;
  cb.on_text = [&](std::string t) {
    std::lock_guard lock(mu);
    texts.push_back(std::move(t));
    cv.notify_all();
  };
  ws->start(std::move(cb));
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !texts.empty(); }));
  auto first = nlohmann::json::parse(texts[0]);
  EXPECT_EQ(first["type"], "state") << "the protocol after the hello, which the API server sends";
  EXPECT_EQ(first["state"], "offline") << "the recorder is not recording this camera";
  lock.unlock();
  ws->close();
}

}  // namespace
}  // namespace watchfloor::video
