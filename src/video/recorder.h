#pragma once
// The recorder: one ingest thread per enabled camera's main stream (RTSP over TCP, reconnect with
// exponential backoff capped at 3 s, so a returning camera records again within about 5 s), each
// feeding a StreamWriter and the camera's live fan-out (video/live.h); a sub stream's ingest runs
// only while someone watches it live; a health thread that keeps every camera's state (online /
// offline / degraded), raises and closes outage alerts, and runs retention. See docs/formats.md.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "core/clock.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "video/catalog.h"
#include "video/index.h"
#include "video/live.h"
#include "video/recovery.h"
#include "video/retention.h"
#include "video/rtsp.h"
#include "video/scrub.h"
#include "video/writer.h"

namespace watchfloor::video {

struct RecorderOptions {
  // Which recorder this is (video/nodes.h): an API server's own ("default", no node), or recorder node `node_id`
  // with its sample directory "node-NAME". It records the cameras whose recording_node_id is node_id.
  std::string dir_label = "default";
  std::optional<int64_t> node_id;
  WriterOptions writer;
  int rtsp_timeout_ms = 10'000;
  int64_t offline_alert_after_ms = 30'000;
  int64_t backoff_max_ms = 3'000;  // a connection attempt is cheap; a returning camera must record within ~5 s
  int64_t health_interval_ms = 1'000;
  int64_t retention_interval_ms = 60'000;
  double floor_percent = 5.0;
  int64_t sub_idle_ms = 30'000;  // a sub stream nobody has watched for this long is disconnected
  ScrubOptions scrub;
  LiveOptions live;
};

struct CameraStatus {
  std::string state = "starting";  // starting | online | offline | degraded | disabled
  int64_t since_ms = 0;
  double fps = 0, kbps = 0, nominal_fps = 0;
  std::string codec;
  int width = 0, height = 0;
  std::optional<RtspFailure> last_error;
  bool recording = false;
};
nlohmann::json to_json(const CameraStatus& s);
// The inverse of to_json (a node's heart-beat, read back by the API servers).
CameraStatus camera_status_from_json(const nlohmann::json& j);

// What the health thread tells the layers above (the duty log is written there, not here).
struct HealthChange {
  int64_t camera_id = 0, unit_id = 0, at_ms = 0;
  std::string camera_name, kind;  // kind: outage_started | outage_ended
  int64_t outage_started_ms = 0;
};

// An alert about the recording itself: high, at the top of the unit tree (the system's operators see it).
events::Alert recorder_alert(store::Db& db, std::string kind, std::string subject, std::string vi, std::string en,
                             std::vector<std::string> audience = {"admin", "camera_admin"},
                             nlohmann::json details = nlohmann::json::object());

class Recorder {
 public:
  Recorder(store::Db& db, const core::Clock& clock, Catalog& catalog, events::Alerts& alerts, events::Bus& bus,
           std::filesystem::path video_root, RecorderOptions opt = {}, Fs& fs = posix_fs());
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Makes this recorder node `node_id` (video/nodes.h), with its sample directory "node-NAME"; before start().
  void set_node(int64_t node_id, const std::string& name) {
    opt_.node_id = node_id;
    opt_.dir_label = "node-" + name;
    index_->set_dir(opt_.dir_label, node_id);
  }
  std::optional<int64_t> node_id() const { return opt_.node_id; }
  // Opens the index, recovers, starts ingest for every enabled camera and the health thread.
  void start();
  // Orderly stop: every segment committed, runs ended with "shutdown".
  void stop();
  // Re-reads the whole camera list (at start): starts, stops or restarts ingest as needed.
  void sync();
  // Applies a change to one camera (created, updated or removed): starts, stops or restarts that
  // camera's streams only; the others are not read, and their ingest goes on untouched.
  void sync(int64_t camera_id);
  // The same, later, on the recorder's own thread: for a bus subscriber (a change made on another server, a
  // camera assigned to or taken from this node), which must not block.
  void request_sync(int64_t camera_id);
  // Stops recording a camera now (before it is removed).
  void stop_camera(int64_t camera_id) {
    stop_worker(camera_id);
    stop_sub(camera_id);
  }
  std::optional<CameraStatus> status(int64_t camera_id) const;
  // Adds a viewer to the live fan-out of a camera's "main" or "sub" stream and returns the stream
  // (to remove the viewer from). Watching the sub stream starts its ingest, which ends when nobody
  // has watched it for sub_idle_ms; the viewers of a camera that is not recording see its state.
  std::shared_ptr<LiveStream> watch(const Camera& cam, const std::string& kind, std::shared_ptr<LiveViewer> viewer);
  // A recorded stream's segment being written, as far as it is in its file (instant replay).
  std::optional<SegmentRow> open_segment(int64_t camera_id, const std::string& kind = "main") const;
  Index& index() { return *index_; }
  Retention& retention() { return *retention_; }
  const RecoveryReport& recovery() const { return recovery_; }
  void on_health(std::function<void(const HealthChange&)> f) { on_health_ = std::move(f); }
  // Runs one health check now (tests).
  void check_health();
  // A stream's run ended on a disk error: an alert to the system operator, open until the stream
  // commits a segment again (disk_ok). Called by the ingest thread; public for tests.
  void disk_error(const Camera& cam, const std::string& kind, const DiskError& e);
  void disk_ok(int64_t camera_id, const std::string& kind);
  // One step of the background hash scrub (the health thread runs it every tick; tests call it):
  // a damaged or missing segment raises an alert to the system operator.
  void scrub();

 private:
  struct Worker;
  void run_worker(Worker& w);
  void health_loop();
  void set_state(Worker& w, const std::string& state, std::optional<RtspFailure> err = std::nullopt);
  void publish_state(int64_t camera_id);
  void apply(int64_t camera_id, const std::optional<Camera>& c);
  void start_worker(const Camera& c, const std::string& kind);
  void stop_worker(int64_t camera_id);
  void stop_sub(int64_t camera_id);
  void reap_subs();
  std::shared_ptr<LiveStream>& live_locked(int64_t camera_id, const std::string& kind);

  store::Db& db_;
  const core::Clock& clock_;
  Catalog& catalog_;
  events::Alerts& alerts_;
  events::Bus& bus_;
  std::filesystem::path root_;
  RecorderOptions opt_;
  std::unique_ptr<Index> index_;
  std::unique_ptr<Retention> retention_;
  std::unique_ptr<Scrubber> scrubber_;
  Fs& fs_;
  RecoveryReport recovery_;
  std::function<void(const HealthChange&)> on_health_;

  mutable std::mutex mu_;
  std::mutex sync_mu_;  // one sync() at a time: two API requests must not both start a camera
  std::map<int64_t, std::unique_ptr<Worker>> workers_;  // main streams
  std::map<int64_t, std::unique_ptr<Worker>> subs_;     // sub streams being watched
  std::map<std::pair<int64_t, std::string>, std::shared_ptr<LiveStream>> live_;
  std::map<int64_t, CameraStatus> disabled_;
  std::atomic<bool> stopping_{false};
  std::mutex health_mu_;
  std::condition_variable health_cv_;
  std::thread health_;
  std::set<int64_t> pending_sync_;  // guarded by health_mu_
  bool started_ = false;
  std::string dir_subject() const { return "dir:" + opt_.dir_label; }
};

}  // namespace watchfloor::video
