// Recorder nodes (video/nodes.h): registration and keys, assignment with capacity, heart-beats, a node going down
// (alert, recorder_down, the standby taking over) and coming back; a stream moving between two recorders' sample
// directories (video/index.h), each recorder recovering and ageing only its own files.
#include <gtest/gtest.h>

#include "events/alerts.h"
#include "recorder_world.h"
#include "store/work.h"
#include "video/nodes.h"
#include "video/recovery.h"
#include "video/retention.h"

namespace watchfloor::video {
namespace {

const audit::Actor kAdmin = audit::Actor::system("test");

struct Cluster : World {
  Cluster() : World() {
    alerts = std::make_unique<events::Alerts>(*db, clock, bus, *audit_log);
    nodes = std::make_unique<Nodes>(*db, clock, *secrets, *audit_log, *alerts, bus, *catalog);
    bus.subscribe([this](const events::Event& e) {
      if (e.topic == "camera.changed") changed.push_back(e.payload["camera_id"].get<int64_t>());
    });
  }
  ~Cluster() {
    nodes.reset();
    alerts.reset();
  }
  Nodes::Issued node(const std::string& name, int64_t capacity, std::optional<int64_t> standby = std::nullopt) {
    NodeInput in;
    in.name = name;
    in.address = "10.0.3.11:8443";
    in.capacity = capacity;
    in.standby_node_id = standby;
    return nodes->create(in, kAdmin);
  }
  CameraStatus online() {
    CameraStatus st;
    st.state = "online";
    st.since_ms = clock.now_ms();
    st.fps = 25;
    st.recording = true;
    return st;
  }
  Heartbeat beat(std::map<int64_t, CameraStatus> cameras, int64_t free_bytes = 0) {
    Heartbeat hb;
    hb.disk_total_bytes = 4'000;
    hb.disk_free_bytes = free_bytes;
    hb.cameras = std::move(cameras);
    return hb;
  }
  std::optional<int64_t> recording_node() { return catalog->camera(camera_id)->recording_node_id; }
  std::string state() { return nodes->status(*catalog->camera(camera_id))->state; }
  bool alert_open(int64_t node_id) {
    auto open = alerts->open_subjects("recorder.down");
    return std::count(open.begin(), open.end(), "node:" + std::to_string(node_id)) > 0;
  }
  events::Bus bus{clock};
  std::unique_ptr<events::Alerts> alerts;
  std::unique_ptr<Nodes> nodes;
  std::vector<int64_t> changed;  // camera.changed, as every recorder hears it
};

TEST(Nodes, ANodeSilentFifteenSecondsIsDownItsCamerasGoToTheStandbyAndComeHomeWhenItIsBack) {
  Cluster c;
  auto b = c.node("hp-node-b", 4);
  auto a = c.node("hp-node-a", 4, b.node.id);
  c.nodes->assign(c.camera_id, a.node.id, kAdmin);
  EXPECT_EQ(c.recording_node(), a.node.id);
  EXPECT_EQ(c.changed, std::vector<int64_t>{c.camera_id}) << "the node hears that it has a camera to record";
  EXPECT_EQ(c.nodes->cameras_of(a.node.id), std::vector<int64_t>{c.camera_id});
  ASSERT_TRUE(c.nodes->sign_in("hp-node-a", a.key, "test"));
  ASSERT_TRUE(c.nodes->sign_in("hp-node-b", b.key, "test"));
  EXPECT_EQ(c.state(), "starting") << "signed in, not yet told the camera's state";
  ASSERT_TRUE(c.nodes->heartbeat(a.node.id, a.key, c.beat({{c.camera_id, c.online()}}, 1'000)));
  EXPECT_EQ(c.state(), "online");
  EXPECT_EQ(c.nodes->get(a.node.id)->disk_free_bytes, 1'000);

  // Ten seconds of silence is not yet down; sixteen is.
  c.clock.advance(10s);
  c.nodes->heartbeat(b.node.id, b.key, {});
  c.nodes->check();
  EXPECT_EQ(c.nodes->get(a.node.id)->state(c.clock.now_ms()), "up");
  EXPECT_FALSE(c.alert_open(a.node.id));
  c.clock.advance(6s);
  c.nodes->heartbeat(b.node.id, b.key, {});
  c.changed.clear();
  c.nodes->check();
  EXPECT_EQ(c.nodes->get(a.node.id)->state(c.clock.now_ms()), "down");
  EXPECT_TRUE(c.alert_open(a.node.id));
  EXPECT_EQ(c.recording_node(), b.node.id) << "the standby records the camera";
  EXPECT_EQ(c.changed, std::vector<int64_t>{c.camera_id});
  EXPECT_EQ(c.nodes->cameras_of(b.node.id), std::vector<int64_t>{c.camera_id});
  EXPECT_EQ(c.state(), "starting") << "the standby has not told its state yet, and the down node's is not shown";
  c.nodes->check();
  EXPECT_EQ(c.alerts->open_subjects("recorder.down").size(), 1u) << "raised once";

  // Back: the alert closes and the camera goes home.
  c.nodes->heartbeat(a.node.id, a.key, {});
  c.changed.clear();
  c.nodes->check();
  EXPECT_EQ(c.nodes->get(a.node.id)->state(c.clock.now_ms()), "up");
  EXPECT_FALSE(c.alert_open(a.node.id));
  EXPECT_EQ(c.recording_node(), a.node.id);
  EXPECT_EQ(c.changed, std::vector<int64_t>{c.camera_id});
}

TEST(Nodes, WithoutAStandbyTheCamerasOfADownNodeShowRecorderDown) {
  Cluster c;
  auto a = c.node("hp-node-a", 4);
  c.nodes->assign(c.camera_id, a.node.id, kAdmin);
  ASSERT_TRUE(c.nodes->sign_in("hp-node-a", a.key, "test"));
  Index ia(*c.db, c.clock, c.dir / "video-a", posix_fs(), "node-hp-node-a", a.node.id);
  ia.open();
  auto stream = ia.stream_to_record(c.camera_id, "main");
  {
    StreamWriter w(ia, c.clock, stream);
    w.begin_run(entry());
    c.record(w, 70, false);  // and the node dies while writing
  }
  int64_t recorded_to = *ia.last_end_90k(stream.id);
  EXPECT_FALSE(ia.open_gap_of(stream.id));
  c.nodes->heartbeat(a.node.id, a.key, c.beat({{c.camera_id, c.online()}}));
  int64_t last = c.clock.now_ms();
  c.clock.advance(20s);
  EXPECT_EQ(c.state(), "recorder_down") << "shown as soon as the node is silent, before the leader's check";
  c.nodes->check();
  EXPECT_TRUE(c.alert_open(a.node.id));
  EXPECT_EQ(c.recording_node(), a.node.id) << "nobody else records it";
  auto gap = ia.open_gap_of(stream.id);
  ASSERT_TRUE(gap) << "the timeline shows the hole while the node is down";
  EXPECT_EQ(gap->cause, "recorder_down");
  EXPECT_EQ(gap->start_90k, recorded_to);
  auto st = c.nodes->status(*c.catalog->camera(c.camera_id));
  EXPECT_EQ(st->state, "recorder_down");
  EXPECT_EQ(st->since_ms, last) << "down since its last heart-beat";
  EXPECT_THROW(c.nodes->live_endpoint(*c.catalog->camera(c.camera_id)), core::Problem) << "503: the node cannot serve";
}

TEST(Nodes, KeysAreCheckedAndARevokedOrReKeyedNodeIsToldToStop) {
  Cluster c;
  auto a = c.node("hp-node-a", 1);
  EXPECT_FALSE(c.nodes->sign_in("hp-node-a", a.key + "x", "test"));
  EXPECT_FALSE(c.nodes->sign_in("hp-node-z", a.key, "test"));
  ASSERT_TRUE(c.nodes->sign_in("hp-node-a", a.key, "test"));
  EXPECT_TRUE(c.nodes->heartbeat(a.node.id, a.key, {}));
  auto key2 = c.nodes->rekey(a.node.id, kAdmin);
  EXPECT_FALSE(c.nodes->heartbeat(a.node.id, a.key, {})) << "the old key stops working";
  EXPECT_TRUE(c.nodes->heartbeat(a.node.id, key2, {}));
  // What the API servers sign with is the node's current key.
  c.nodes->assign(c.camera_id, a.node.id, kAdmin);
  EXPECT_EQ(c.nodes->live_endpoint(*c.catalog->camera(c.camera_id))->key, key2);
  c.nodes->revoke(a.node.id, kAdmin);
  EXPECT_FALSE(c.nodes->heartbeat(a.node.id, key2, {}));
  EXPECT_FALSE(c.nodes->sign_in("hp-node-a", key2, "test"));
  EXPECT_EQ(c.state(), "recorder_down");
}

TEST(Nodes, AssignmentRespectsCapacityAndNamesItsField) {
  Cluster c;
  auto a = c.node("hp-node-a", 1);
  CameraInput ci;
  ci.site_id = c.catalog->camera(c.camera_id)->site_id;
  ci.name = "Cổng C";
  ci.main_url = "rtsp://127.0.0.1/cam2/main";
  int64_t second = c.catalog->create_camera(ci, kAdmin).id;
  c.nodes->assign(c.camera_id, a.node.id, kAdmin);
  try {
    c.nodes->assign(second, a.node.id, kAdmin);
    FAIL() << "a full node takes no more cameras";
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status(), 409);
    EXPECT_EQ(p.slug(), "node-full");
    EXPECT_EQ(p.errors().at(0).field, "node_id");
  }
  EXPECT_FALSE(c.catalog->camera(second)->node_id);
  c.nodes->assign(c.camera_id, std::nullopt, kAdmin);
  EXPECT_FALSE(c.recording_node()) << "back to the API server's own recorder";
  c.nodes->assign(second, a.node.id, kAdmin);
  EXPECT_EQ(c.nodes->get(a.node.id)->cameras, 1);
  for (auto bad : {"Máy 1", "", "-a"}) {
    NodeInput in;
    in.name = bad;
    in.address = "10.0.0.1:8443";
    in.capacity = 2;
    EXPECT_THROW(c.nodes->create(in, kAdmin), core::Problem) << bad;
  }
  for (auto bad : {"10.0.0.1", "10.0.0.1:0", "10.0.0.1:99999", ":8443", "a b:1"}) {
    NodeInput in;
    in.name = "n1";
    in.address = bad;
    in.capacity = 2;
    EXPECT_THROW(c.nodes->create(in, kAdmin), core::Problem) << bad;
  }
}

// Two recorders on one store, each with its own sample directory: the camera moves from A to B.
TEST(Nodes, AStreamMovesToTheRecorderThatRecordsItAndEachRecorderKeepsToItsOwnFiles) {
  Cluster c;
  auto a = c.node("hp-node-a", 4);
  auto b = c.node("hp-node-b", 4);
  auto ia_owner = std::make_unique<Index>(*c.db, c.clock, c.dir / "video-a", posix_fs(), "node-hp-node-a", a.node.id);
  Index& ia = *ia_owner;
  Index ib(*c.db, c.clock, c.dir / "video-b", posix_fs(), "node-hp-node-b", b.node.id);
  ia.open();
  ib.open();
  ASSERT_TRUE(ia.dir_online() && ib.dir_online());
  ASSERT_NE(ia.dir_id(), ib.dir_id());
  auto sa = ia.stream_to_record(c.camera_id, "main");
  EXPECT_EQ(sa.sample_dir_id, ia.dir_id());
  {
    StreamWriter w(ia, c.clock, sa);
    w.begin_run(entry());
    c.record(w, 130, false);  // a few segments, and A dies ("kill -9") while writing the next one
  }
  auto on_a = ia.segments(sa.id, 0, INT64_MAX);
  ASSERT_GE(on_a.size(), 2u);
  const size_t n = on_a.size();
  const auto torn = ia.segment_path(sa, on_a.back().seq + 1);
  ASSERT_TRUE(fs::exists(torn));
  // B takes the stream over.
  auto sb = ib.stream_to_record(c.camera_id, "main");
  EXPECT_EQ(sb.id, sa.id) << "one stream per camera and kind, wherever it is recorded";
  EXPECT_EQ(sb.sample_dir_id, ib.dir_id());
  EXPECT_GT(sb.next_seq, on_a.back().seq + 1) << "the seq A might still be writing is left to A";
  c.clock.advance(30s);
  {
    StreamWriter w(ib, c.clock, sb);
    w.begin_run(entry());
    c.record(w, 70);
  }
  auto all = ib.segments(sa.id, 0, INT64_MAX);
  ASSERT_GT(all.size(), n);
  EXPECT_EQ(all[n].sample_dir_id, ib.dir_id());
  EXPECT_TRUE(fs::exists(ib.segment_path(sb, all[n].seq)));
  EXPECT_TRUE(fs::exists(c.dir / "video-b" / "node-hp-node-b" / std::to_string(c.camera_id) / "main"));
  auto gaps = ib.gaps(sa.id, 0, INT64_MAX);
  ASSERT_FALSE(gaps.empty());
  EXPECT_EQ(gaps[0].start_90k, on_a.back().end_90k);
  EXPECT_EQ(gaps[0].end_90k, all[n].start_90k) << "the time nobody recorded is a gap";
  EXPECT_EQ(gaps[0].cause, "recorder_down");

  // A comes back: its recovery checks its own files, quarantines what it never committed, and leaves B's alone.
  ia_owner.reset();
  Index ia2(*c.db, c.clock, c.dir / "video-a", posix_fs(), "node-hp-node-a", a.node.id);
  ia2.open();
  auto rep = recover(ia2);
  EXPECT_EQ(rep.missing, 0) << "B's segments are not A's to find";
  EXPECT_EQ(rep.quarantined, 1) << "its torn segment was never committed: kept aside, not indexed after B's";
  EXPECT_EQ(rep.recovered, 0);
  EXPECT_FALSE(fs::exists(torn));
  auto stream_now = ia2.stream_by_id(sa.id);
  EXPECT_EQ(stream_now->sample_dir_id, ib.dir_id()) << "A's recovery does not take the stream back";
  EXPECT_EQ(ia2.segments(sa.id, 0, INT64_MAX).size(), all.size());

  // Retention on A ages A's files only.
  c.clock.advance(40 * 24h);
  Retention ra(ia2, c.clock, 5.0, [](const fs::path&) { return DiskSpace{1'000'000'000, 500'000'000}; });
  auto r = ra.run();
  EXPECT_EQ(r.deleted, int64_t(n));
  auto left = ia2.segments(sa.id, 0, INT64_MAX);
  ASSERT_EQ(left.size(), all.size() - n);
  for (const auto& s : left) EXPECT_EQ(s.sample_dir_id, ib.dir_id());
}

}  // namespace
}  // namespace watchfloor::video
