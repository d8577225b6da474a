#include "video/recorder.h"

#include <fmt/format.h>

#include <random>
#include <set>

#include "core/log.h"
#include "core/metrics.h"

namespace watchfloor::video {

using nlohmann::json;

// An alert about the recorder itself: high, at the top of the unit tree (the system's operators see it).
events::Alert recorder_alert(store::Db& db, std::string kind, std::string subject, std::string vi, std::string en,
                             std::vector<std::string> audience, json details) {
  events::Alert a;
  a.kind = std::move(kind);
  a.subject = std::move(subject);
  if (auto r = db.query_one("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1"))
    a.unit_id = r->i64("id");
  a.severity = "high";
  a.title_vi = std::move(vi);
  a.title_en = std::move(en);
  a.audience = std::move(audience);
  a.details = std::move(details);
  return a;
}

namespace {
std::optional<int64_t> designated(org::Units& units, int64_t unit_id, const std::string& kind) {
  auto u = units.get(unit_id);
  for (int depth = 0; u && depth < 64; ++depth) {
    if (auto it = u->designations.find(kind); it != u->designations.end()) return it->second;
    u = u->parent_id ? units.get(*u->parent_id) : std::nullopt;
  }
  return std::nullopt;
}

// An alert for the system operator (đơn vị quản lý, vận hành hệ thống): at the unit the top of the
// tree designates as such, else at the top.
events::Alert operator_alert(store::Db& db, org::Units& units, std::string kind, std::string subject, std::string vi,
                             std::string en, json details) {
  auto a = recorder_alert(db, std::move(kind), std::move(subject), std::move(vi), std::move(en),
                          {"admin", "camera_admin"}, std::move(details));
  if (a.unit_id)
    if (auto op = designated(units, *a.unit_id, "system_operator")) a.unit_id = *op;
  return a;
}
}  // namespace

json to_json(const CameraStatus& s) {
  json err;
  if (s.last_error) err = {{"code", s.last_error->code}, {"vi", s.last_error->vi}, {"en", s.last_error->en}};
  auto num = [](double v) { return v > 0 ? json(std::round(v * 10) / 10) : json(); };
  return {{"state", s.state},
          {"state_since", s.since_ms ? json(core::iso8601(s.since_ms)) : json()},
          {"live",
           {{"fps", num(s.fps)},
            {"kbps", num(s.kbps)},
            {"codec", s.codec.empty() ? json() : json(s.codec)},
            {"width", s.width ? json(s.width) : json()},
            {"height", s.height ? json(s.height) : json()},
            {"last_error", err},
            {"recording", s.recording}}}};
}

CameraStatus camera_status_from_json(const json& j) {
  CameraStatus s;
  auto text = [](const json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : ""; };
  auto num = [](const json& o, const char* k) { return o.contains(k) && o[k].is_number() ? o[k].get<double>() : 0.0; };
  s.state = text(j, "state");
  s.since_ms = core::parse_iso8601(text(j, "state_since")).value_or(0);
  const json& live = j.contains("live") && j["live"].is_object() ? j["live"] : json::object();
  s.fps = num(live, "fps");
  s.kbps = num(live, "kbps");
  s.codec = text(live, "codec");
  s.width = int(num(live, "width"));
  s.height = int(num(live, "height"));
  s.recording = live.value("recording", false);
  if (live.contains("last_error") && live["last_error"].is_object())
    s.last_error = RtspFailure{text(live["last_error"], "code"), text(live["last_error"], "vi"), text(live["last_error"], "en")};
  return s;
}

// What a live viewer is told about the stream's state (docs/formats.md §11).
json live_state(const CameraStatus& s) {
  json reason;
  if (s.last_error) reason = {{"code", s.last_error->code}, {"vi", s.last_error->vi}, {"en", s.last_error->en}};
  return {{"type", "state"},
          {"state", s.state},
          {"since", s.since_ms ? json(core::iso8601(s.since_ms)) : json()},
          {"reason", reason}};
}

struct Recorder::Worker {
  Camera cam;
  std::string kind = "main";  // "sub": live only, while someone watches it
  std::string url;
  std::shared_ptr<LiveStream> live;
  std::shared_ptr<OpenSegment> open = std::make_shared<OpenSegment>();
  std::thread thread;
  std::atomic<bool> stop{false};
  std::atomic<bool> done{false};  // a sub stream's ingest ended by itself: nobody watched
  std::mutex wait_mu;
  std::condition_variable wait_cv;
  CameraStatus status;  // guarded by Recorder::mu_
  std::atomic<int64_t> frames{0}, bytes{0};
  // Health bookkeeping (health thread only).
  int64_t win_mono = 0, win_frames = 0, win_bytes = 0, online_since_mono = 0;
  bool alerted = false;
  int64_t last_published_ms = 0;
  double kbps_normal = 0;  // slow average of the bitrate while healthy

  // Sleeps up to `ms`, waking at once when stopped.
  void pause(int64_t ms) {
    std::unique_lock lock(wait_mu);
    wait_cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stop.load(); });
  }
};

Recorder::Recorder(store::Db& db, const core::Clock& clock, Catalog& catalog, events::Alerts& alerts, events::Bus& bus,
                   std::filesystem::path video_root, RecorderOptions opt, Fs& fs)
    : db_(db),
      clock_(clock),
      catalog_(catalog),
      alerts_(alerts),
      bus_(bus),
      root_(std::move(video_root)),
      opt_(opt),
      fs_(fs) {
  index_ = std::make_unique<Index>(db_, clock_, root_, fs_, opt_.dir_label, opt_.node_id);
  retention_ = std::make_unique<Retention>(*index_, clock_, opt_.floor_percent, Retention::SpaceFn{}, fs_);
  scrubber_ = std::make_unique<Scrubber>(*index_, clock_, opt_.scrub, fs_);
}

Recorder::~Recorder() { stop(); }

void Recorder::start() {
  index_->open();
  if (index_->dir_online()) recovery_ = recover(*index_, fs_);
  if (!recovery_.problems.empty()) {
    alerts_.raise(recorder_alert(db_, "video.recovery", fmt::format("open:{}", index_->open_id()),
                                 fmt::format("Khởi động lại bộ ghi: {} tệp bị cách ly, {} tệp thiếu hoặc hỏng",
                                             recovery_.quarantined, recovery_.missing),
                                 fmt::format("Recorder restart: {} files quarantined, {} missing or damaged",
                                             recovery_.quarantined, recovery_.missing),
                                 {"admin", "camera_admin"}, {{"problems", recovery_.problems}}));
  }
  if (!index_->dir_online()) {
    alerts_.raise(recorder_alert(db_, "video.dir_offline", dir_subject(),
                                 "Thư mục lưu video không đúng hoặc đang bị máy khác dùng: không ghi hình",
                                 "The video directory is not ours or is in use elsewhere: not recording"));
  }
  auto& m = core::Metrics::global();
  // Shown from the start, at 0, so that a dashboard can alert on any increase.
  for (const char* c : {"watchfloor_fsync_errors_total", "watchfloor_scrub_segments_total",
                        "watchfloor_scrub_mismatches_total", "watchfloor_scrub_bytes_total",
                        "watchfloor_video_unlink_failures_total", "watchfloor_video_segments_dropped_total"})
    m.inc(c, "", 0);
  m.gauge("watchfloor_video_disk_free_bytes", [this] { return double(retention_->space().free); });
  m.gauge("watchfloor_video_disk_total_bytes", [this] { return double(retention_->space().total); });
  started_ = true;
  stopping_ = false;
  sync();
  health_ = std::thread([this] { health_loop(); });
}

void Recorder::stop() {
  if (!started_) return;
  {
    std::lock_guard serial(sync_mu_);  // a sync() in flight finishes its starts before we collect workers
    stopping_ = true;
  }
  { std::lock_guard lock(health_mu_); }
  health_cv_.notify_all();
  if (health_.joinable()) health_.join();
  std::vector<std::unique_ptr<Worker>> workers;
  {
    std::lock_guard lock(mu_);
    for (auto* m : {&workers_, &subs_})
      for (auto& [id, w] : *m) workers.push_back(std::move(w));
    workers_.clear();
    subs_.clear();
  }
  for (auto& w : workers) {
    w->stop = true;
    w->wait_cv.notify_all();
  }
  for (auto& w : workers)
    if (w->thread.joinable()) w->thread.join();
  index_->close();
  started_ = false;
}

void Recorder::sync() {
  std::lock_guard serial(sync_mu_);
  if (!started_ || stopping_) return;
  auto cams = catalog_.cameras(std::nullopt, std::nullopt);
  std::erase_if(cams, [&](const Camera& c) { return c.recording_node_id != opt_.node_id; });
  std::set<int64_t> listed;
  for (const auto& c : cams) listed.insert(c.id);
  std::vector<int64_t> gone;
  {
    std::lock_guard lock(mu_);
    for (const auto* m : {&workers_, &subs_})
      for (const auto& [id, _] : *m)
        if (!listed.count(id)) gone.push_back(id);
    for (const auto& [id, _] : disabled_)
      if (!listed.count(id)) gone.push_back(id);
  }
  for (int64_t id : gone) apply(id, std::nullopt);
  for (const auto& c : cams) apply(c.id, c);
}

void Recorder::sync(int64_t camera_id) {
  std::lock_guard serial(sync_mu_);
  if (!started_ || stopping_) return;
  apply(camera_id, catalog_.camera(camera_id));
}

void Recorder::request_sync(int64_t camera_id) {
  {
    std::lock_guard lock(health_mu_);
    pending_sync_.insert(camera_id);
  }
  health_cv_.notify_all();
}

// With sync_mu_ held: brings one camera's ingest in line with `c` (nullopt: the camera is gone, or another
// recorder records it).
void Recorder::apply(int64_t camera_id, const std::optional<Camera>& c) {
  if (c && c->recording_node_id != opt_.node_id) return apply(camera_id, std::nullopt);
  bool wanted = c && c->enabled && index_->dir_online();
  bool restart = false;
  {
    std::lock_guard lock(mu_);
    for (const auto* m : {&workers_, &subs_})
      if (auto it = m->find(camera_id); it != m->end())
        // A changed address, credentials or retention restarts the ingest with the new settings.
        restart = restart || !wanted || it->second->cam.main_url != c->main_url || it->second->cam.updated_at != c->updated_at;
    if (c && !wanted) {
      CameraStatus st;
      st.state = "disabled";
      st.since_ms = c->updated_at;
      disabled_[camera_id] = st;
      if (auto it = live_.find({camera_id, "main"}); it != live_.end()) it->second->state(live_state(st));
    } else {
      disabled_.erase(camera_id);
    }
  }
  if (restart) {
    stop_worker(camera_id);
    stop_sub(camera_id);
  }
  if (!wanted) return;
  bool main = false, sub = false;
  {
    std::lock_guard lock(mu_);
    main = !workers_.count(camera_id);
    sub = c->record_sub && c->sub_url && !subs_.count(camera_id);
  }
  if (main) start_worker(*c, "main");
  if (sub) start_worker(*c, "sub");
}

std::shared_ptr<LiveStream>& Recorder::live_locked(int64_t camera_id, const std::string& kind) {
  auto& l = live_[{camera_id, kind}];
  if (!l) l = std::make_shared<LiveStream>(opt_.live);
  return l;
}

void Recorder::start_worker(const Camera& c, const std::string& kind) {
  auto w = std::make_unique<Worker>();
  w->cam = c;
  w->kind = kind;
  w->url = kind == "sub" ? c.sub_url.value_or("") : c.main_url;
  w->status.since_ms = clock_.now_ms();
  Worker* raw = w.get();
  {
    std::lock_guard lock(mu_);
    w->live = live_locked(c.id, kind);
    (kind == "sub" ? subs_ : workers_)[c.id] = std::move(w);
  }
  raw->live->state(live_state(raw->status));
  raw->thread = std::thread([this, raw] { run_worker(*raw); });
}

std::shared_ptr<LiveStream> Recorder::watch(const Camera& cam, const std::string& kind,
                                            std::shared_ptr<LiveViewer> viewer) {
  reap_subs();
  bool want_sub = kind == "sub" && cam.sub_url && cam.enabled;
  for (int attempt = 0;; ++attempt) {
    if (want_sub) {
      std::lock_guard serial(sync_mu_);
      bool start;
      {
        std::lock_guard lock(mu_);
        auto it = subs_.find(cam.id);
        start = started_ && !stopping_ && index_->dir_online() && (it == subs_.end() || it->second->done);
      }
      if (start) {
        stop_sub(cam.id);  // one that just ended by itself
        start_worker(cam, "sub");
      }
    }
    std::lock_guard lock(mu_);
    auto& l = live_locked(cam.id, kind);
    auto& running = kind == "sub" ? subs_ : workers_;
    auto it = running.find(cam.id);
    // A sub stream's ingest decides to end under mu_ when it has no viewer: added here under mu_,
    // the viewer is either seen by it or finds it done and starts another.
    if (want_sub && attempt < 3 && (it == running.end() || it->second->done)) continue;
    if (it == running.end()) {
      CameraStatus idle;
      if (auto d = disabled_.find(cam.id); d != disabled_.end()) idle = d->second;
      else idle.state = "offline";
      l->state(live_state(idle));
    }
    l->add(std::move(viewer));
    return l;
  }
}

void Recorder::stop_sub(int64_t camera_id) {
  std::unique_ptr<Worker> w;
  {
    std::lock_guard lock(mu_);
    auto it = subs_.find(camera_id);
    if (it == subs_.end()) return;
    w = std::move(it->second);
    subs_.erase(it);
  }
  w->stop = true;
  w->wait_cv.notify_all();
  if (w->thread.joinable()) w->thread.join();
}

void Recorder::reap_subs() {
  std::vector<std::unique_ptr<Worker>> done;
  {
    std::lock_guard lock(mu_);
    for (auto it = subs_.begin(); it != subs_.end();) {
      if (it->second->done) {
        done.push_back(std::move(it->second));
        it = subs_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : done)
    if (w->thread.joinable()) w->thread.join();
}

std::optional<SegmentRow> Recorder::open_segment(int64_t camera_id, const std::string& kind) const {
  std::shared_ptr<OpenSegment> open;
  {
    std::lock_guard lock(mu_);
    const auto& running = kind == "sub" ? subs_ : workers_;
    auto it = running.find(camera_id);
    if (it == running.end()) return std::nullopt;
    open = it->second->open;
  }
  return open->get();
}

void Recorder::stop_worker(int64_t camera_id) {
  std::unique_ptr<Worker> w;
  {
    std::lock_guard lock(mu_);
    auto it = workers_.find(camera_id);
    if (it == workers_.end()) return;
    w = std::move(it->second);
    workers_.erase(it);
  }
  w->stop = true;
  w->wait_cv.notify_all();
  if (w->thread.joinable()) w->thread.join();
  if (w->alerted) {
    alerts_.resolve("camera.offline", fmt::format("camera:{}", camera_id));
    alerts_.resolve("camera.offline", fmt::format("camera:{}:operator", camera_id));
  }
}

std::optional<CameraStatus> Recorder::status(int64_t camera_id) const {
  std::lock_guard lock(mu_);
  if (auto it = workers_.find(camera_id); it != workers_.end()) return it->second->status;
  if (auto it = disabled_.find(camera_id); it != disabled_.end()) return it->second;
  return std::nullopt;
}

void Recorder::set_state(Worker& w, const std::string& state, std::optional<RtspFailure> err) {
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    if (w.status.state != state) {
      w.status.state = state;
      w.status.since_ms = clock_.now_ms();
      changed = true;
    }
    if (err) w.status.last_error = err;
    w.status.recording = state == "online" || state == "degraded";
    if (!w.status.recording) w.status.fps = w.status.kbps = 0;
  }
  if (changed) {
    core::log_json({{"event", "camera.state"},
                    {"camera_id", w.cam.id},
                    {"stream", w.kind},
                    {"state", state},
                    {"reason", err ? err->code : ""}});
    if (w.kind == "main") publish_state(w.cam.id);
  }
  CameraStatus now;
  {
    std::lock_guard lock(mu_);
    now = w.status;
  }
  w.live->state(live_state(now));
}

void Recorder::publish_state(int64_t camera_id) {
  auto st = status(camera_id);
  auto cam = catalog_.camera(camera_id);
  if (!st || !cam) return;
  json payload = to_json(*st);
  payload["camera_id"] = camera_id;
  bus_.publish("camera.state", cam->unit_id, auth::Action::camera_read, payload);
}

void Recorder::run_worker(Worker& w) {
  std::mt19937 rng(std::random_device{}());
  // The main stream is recorded, and the sub stream when the camera says so; otherwise a sub stream
  // only feeds its live viewers, and ends when nobody has watched it for sub_idle_ms.
  std::unique_ptr<StreamWriter> writer;
  int64_t backoff = 1000;
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  auto wait_backoff = [&] {
    w.pause(int64_t(double(backoff) * jitter(rng)));
    backoff = std::min(backoff * 2, opt_.backoff_max_ms);
  };
  // An error of the store here (this thread's first use of it) is retried like a camera that does not
  // answer: an exception must never leave a worker's thread, which would end the process.
  while ((w.kind == "main" || w.cam.record_sub) && !writer && !w.stop) {
    try {
      writer = std::make_unique<StreamWriter>(*index_, clock_, index_->stream_to_record(w.cam.id, w.kind), opt_.writer, fs_);
      writer->publish_open(w.open);
    } catch (const std::exception& e) {
      core::log_error(fmt::format("video: camera {}: cannot open its stream's index: {}", w.cam.id, e.what()));
      set_state(w, "offline", RtspFailure{"internal", "Lỗi bộ ghi", "Recorder error"});
      wait_backoff();
    }
  }
  int64_t idle_since = 0;
  auto unwatched = [&] {
    if (writer) return false;
    int64_t now = clock_.mono_ns();
    if (w.live->viewers() > 0) idle_since = 0;
    else if (!idle_since) idle_since = now;
    if (!idle_since || now - idle_since < opt_.sub_idle_ms * 1'000'000) return false;
    std::lock_guard lock(mu_);  // against Recorder::watch adding a viewer now
    if (w.live->viewers() > 0) return false;
    w.done = true;
    return true;
  };
  backoff = 1000;
  int64_t clock_steps = 0;
  int64_t disk_alert_at = -1;  // segments committed when a disk error was alerted, or -1
  while (!w.stop && !unwatched()) {
    if (writer && retention_->held_full()) {
      // Only held data is left on the disk: no new segment until space is back (formats.md §8).
      set_state(w, "offline",
                RtspFailure{"disk_full", "Hết dung lượng lưu trữ (chỉ còn dữ liệu đang giữ làm chứng cứ)",
                            "The disk is full of held evidence"});
      w.pause(5000);
      continue;
    }
    RtspOptions ro;
    ro.timeout_ms = opt_.rtsp_timeout_ms;
    // Withheld when the address this worker was started with no longer connects where they are bound.
    if (auto cr = catalog_.credentials(w.cam.id, w.url)) ro.credentials = std::pair{cr->username, cr->password};
    RtspFailure failure;
    auto session = RtspSession::open(w.url, ro, &w.stop, failure);
    if (!session) {
      if (w.stop) break;
      set_state(w, "offline", failure);
      wait_backoff();
      continue;
    }
    {
      std::lock_guard lock(mu_);
      w.status.codec = session->entry().codec;
      w.status.width = session->entry().width;
      w.status.height = session->entry().height;
      w.status.nominal_fps = session->nominal_fps();
      w.status.last_error.reset();
    }
    int64_t run_start = clock_.mono_ns();
    try {
      if (writer) writer->begin_run(session->entry());
      w.live->begin(session->entry());
      set_state(w, "online");
      RtspPacket p;
      while (!w.stop && !(writer && retention_->held_full()) && session->read(p, failure)) {
        w.frames++;
        w.bytes += int64_t(p.au.avcc.size());
        w.live->frame(p.au.avcc, p.dts_90k, p.pts_90k, p.key || p.au.idr, clock_.now_ms());
        if (!writer) {
          if (unwatched()) break;
          continue;
        }
        writer->frame(std::move(p.au), p.dts_90k, p.pts_90k, p.key, clock_.mono_ns());
        if (disk_alert_at >= 0 && writer->segments_committed() > disk_alert_at) {
          disk_ok(w.cam.id, w.kind);
          disk_alert_at = -1;
        }
        if (writer->clock_steps() != clock_steps) {
          clock_steps = writer->clock_steps();
          double secs = double(writer->last_clock_step_ns()) / 1e9;
          alerts_.raise(recorder_alert(
              db_, "video.clock_step", fmt::format("clock:{}", clock_.now_ms() / 60'000),
              fmt::format("Đồng hồ máy chủ ghi hình vừa nhảy {:+.1f} giây: đoạn ghi được nối lại theo giờ mới", secs),
              fmt::format("The recorder's clock stepped {:+.1f} s: recording continues on the new time", secs)));
        }
        if (clock_.mono_ns() - run_start > 60'000'000'000) backoff = 1000;  // a minute recorded: reset
      }
      w.live->end();
      if (!writer) {
        if (w.stop || unwatched()) break;
      } else if (w.stop) {
        writer->end_run("shutdown", "recorder_down");
        break;
      } else if (retention_->held_full()) {
        // Only held evidence is left on the disk: finish this segment and stop (formats.md §8.4).
        writer->end_run("disk_full", "disk_full");
        continue;
      } else {
        writer->end_run("camera_down", "camera_down");
      }
    } catch (const DiskError& e) {
      // The writer kept what was durable, ended the run; a fresh segment starts after the back-off.
      core::log_error(fmt::format("video: camera {}: {}", w.cam.id, e.what()));
      disk_error(w.cam, w.kind, e);
      disk_alert_at = writer ? writer->segments_committed() : 0;
      failure = {e.disk_full() ? "disk_full" : "disk_error", e.disk_full() ? "Ổ lưu video đầy" : "Lỗi ghi đĩa",
                 e.disk_full() ? "The video disk is full" : "Disk write error"};
    } catch (const std::exception& e) {
      core::log_error(fmt::format("video: camera {}: {}", w.cam.id, e.what()));
      try {
        if (writer) writer->end_run("discontinuity", "discontinuity");
      } catch (const std::exception&) {
      }
      failure = {"internal", "Lỗi bộ ghi", "Recorder error"};
    }
    w.live->end();
    session.reset();
    set_state(w, "offline", failure);
    wait_backoff();
  }
  w.done = true;
  if (writer && writer->in_run()) {
    try {
      writer->end_run("shutdown", "recorder_down");
    } catch (const std::exception& e) {
      core::log_error(std::string("video: shutdown commit failed: ") + e.what());
    }
  }
}

namespace {

// Ten working days (Monday to Friday) after `from_ms`, in Vietnam's time (UTC+7, no daylight saving).
int64_t ten_working_days(int64_t from_ms) {
  constexpr int64_t day = 86'400'000, tz = 7 * 3'600'000;
  int64_t t = from_ms;
  for (int n = 0; n < 10;) {
    t += day;
    int64_t days = (t + tz) / day;      // days since 1970-01-01 (a Thursday)
    int weekday = int((days + 4) % 7);  // 0 = Sunday
    if (weekday != 0 && weekday != 6) ++n;
  }
  return t;
}

}  // namespace

void Recorder::check_health() {
  reap_subs();
  int64_t now_ms = clock_.now_ms(), now_mono = clock_.mono_ns();
  std::vector<std::pair<Worker*, std::string>> transitions;  // degraded <-> online
  std::vector<Worker*> went_down, came_back;
  std::vector<int64_t> to_publish;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, wp] : workers_) {
      Worker& w = *wp;
      if (!w.win_mono) w.win_mono = now_mono;
      int64_t elapsed = now_mono - w.win_mono;
      if (elapsed >= 5'000'000'000) {
        int64_t f = w.frames.load(), b = w.bytes.load();
        double secs = double(elapsed) / 1e9;
        if (w.status.recording) {
          w.status.fps = double(f - w.win_frames) / secs;
          w.status.kbps = double(b - w.win_bytes) * 8 / 1000 / secs;
        }
        w.win_frames = f, w.win_bytes = b, w.win_mono = now_mono;
        bool online = w.status.state == "online" || w.status.state == "degraded";
        if (online && now_ms - w.status.since_ms >= 10'000) {
          // Degraded: frame rate under half of what the stream announces, or bitrate under a third of
          // this camera's normal (a covered lens, a failing encoder, a congested link).
          bool low_fps = w.status.nominal_fps > 0 && w.status.fps < 0.5 * w.status.nominal_fps;
          bool low_rate = w.kbps_normal > 0 && w.status.kbps < w.kbps_normal / 3;
          bool low = low_fps || low_rate;
          if (!low) w.kbps_normal = w.kbps_normal > 0 ? 0.9 * w.kbps_normal + 0.1 * w.status.kbps : w.status.kbps;
          if (low && w.status.state == "online") transitions.emplace_back(&w, "degraded");
          if (!low && w.status.state == "degraded") transitions.emplace_back(&w, "online");
        }
        if (online && now_ms - w.last_published_ms >= 10'000) {
          w.last_published_ms = now_ms;
          to_publish.push_back(id);
        }
      }
      bool down = w.status.state == "offline" || w.status.state == "starting";
      if (down && !w.alerted && now_ms - w.status.since_ms > opt_.offline_alert_after_ms) went_down.push_back(&w);
      if (!down && w.alerted) came_back.push_back(&w);
    }
  }
  for (auto& [w, state] : transitions) {
    std::lock_guard lock(mu_);
    w->status.state = state;
    w->status.since_ms = now_ms;
  }
  for (auto& [w, state] : transitions) publish_state(w->cam.id);
  for (int64_t id : to_publish) publish_state(id);

  for (Worker* w : went_down) {
    auto cam = catalog_.camera(w->cam.id);
    if (!cam) continue;
    w->alerted = true;
    CameraStatus st = *status(cam->id);
    std::string why_vi = st.last_error ? st.last_error->vi : "không nhận được tín hiệu";
    std::string why_en = st.last_error ? st.last_error->en : "no signal";
    events::Alert a;
    a.kind = "camera.offline";
    a.subject = fmt::format("camera:{}", cam->id);
    a.unit_id = cam->unit_id;
    a.severity = "high";
    a.title_vi = fmt::format("Camera {} mất tín hiệu: {}", cam->name, why_vi);
    a.title_en = fmt::format("Camera {} is offline: {}", cam->name, why_en);
    a.audience = {"duty_officer", "shift_leader", "unit_leader", "camera_admin"};
    a.details = {{"camera_id", cam->id},
                 {"since", core::iso8601(st.since_ms)},
                 {"reason", st.last_error ? st.last_error->code : ""}};
    alerts_.raise(a);
    // The system operator (đơn vị quản lý, vận hành hệ thống) is told too.
    auto& units = catalog_.units();
    if (auto op = designated(units, cam->unit_id, "system_operator"); op && *op != cam->unit_id) {
      a.subject = fmt::format("camera:{}:operator", cam->id);
      a.unit_id = *op;
      a.audience = {"admin", "camera_admin", "duty_officer", "shift_leader"};
      alerts_.raise(a);
    }
    if (cam->owner == "enterprise") {
      db_.exec(
          "INSERT INTO camera_outages(camera_id, started_ms, repair_due_ms, owner_name) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
          {cam->id, st.since_ms, ten_working_days(st.since_ms), cam->owner_name});
    }
    if (on_health_) on_health_({cam->id, cam->unit_id, now_ms, cam->name, "outage_started", st.since_ms});
  }
  for (Worker* w : came_back) {
    w->alerted = false;
    auto cam = catalog_.camera(w->cam.id);
    alerts_.resolve("camera.offline", fmt::format("camera:{}", w->cam.id));
    alerts_.resolve("camera.offline", fmt::format("camera:{}:operator", w->cam.id));
    db_.exec("UPDATE camera_outages SET ended_ms = ? WHERE camera_id = ? AND ended_ms IS NULL", {now_ms, w->cam.id});
    if (cam && on_health_) on_health_({cam->id, cam->unit_id, now_ms, cam->name, "outage_ended", 0});
  }
}

void Recorder::disk_error(const Camera& cam, const std::string& kind, const DiskError& e) {
  std::string what_vi = e.sync_failed()
                            ? "đồng bộ dữ liệu xuống đĩa (fsync) thất bại, đoạn ghi đang dở không được lưu vào chỉ mục"
                            : (e.disk_full() ? "ổ lưu video đầy, đã giữ phần ghi hoàn chỉnh"
                                             : "lỗi ghi đĩa, đã giữ phần ghi hoàn chỉnh");
  std::string what_en = e.sync_failed() ? "a disk sync (fsync) failed; the segment being written is not indexed"
                                        : (e.disk_full() ? "the video disk is full; what was complete is kept"
                                                         : "a disk write failed; what was complete is kept");
  alerts_.raise(operator_alert(
      db_, catalog_.units(), "video.disk_error", fmt::format("stream:{}:{}", cam.id, kind),
      fmt::format("Camera {} ({}): {}; bộ ghi thử ghi lại sau vài giây", cam.name, kind, what_vi),
      fmt::format("Camera {} ({}): {}; the recorder tries again in a few seconds", cam.name, kind, what_en),
      {{"camera_id", cam.id}, {"stream", kind}, {"error", e.what()}, {"sync_failed", e.sync_failed()}}));
}

void Recorder::disk_ok(int64_t camera_id, const std::string& kind) {
  alerts_.resolve("video.disk_error", fmt::format("stream:{}:{}", camera_id, kind));
}

void Recorder::scrub() {
  // An offline directory (unmounted, swapped) is not ours to judge: nothing in the index changes.
  if (!index_->dir_online()) return;
  for (const auto& r : scrubber_->step()) {
    if (r.state != "damaged" && r.state != "missing") continue;
    auto cam = catalog_.camera(r.camera_id);
    std::string name = cam ? cam->name : std::to_string(r.camera_id);
    std::string vi = r.state == "missing" ? "mất tệp" : "dữ liệu không khớp mã băm đã lưu";
    std::string en = r.state == "missing" ? "its file is gone" : "its bytes no longer match the stored hash";
    alerts_.raise(operator_alert(
        db_, catalog_.units(), "video.segment_damaged", fmt::format("segment:{}", r.segment_id),
        fmt::format("Đoạn ghi hình của camera {} lúc {} bị hỏng ({}): phát lại sẽ bỏ qua đoạn này", name,
                    core::iso8601(t90k_to_ms(r.start_90k)), vi),
        fmt::format("A recording of camera {} at {} is damaged ({}): playback skips it", name,
                    core::iso8601(t90k_to_ms(r.start_90k)), en),
        {{"camera_id", r.camera_id}, {"segment_id", r.segment_id}, {"state", r.state}, {"detail", r.detail}}));
  }
}

void Recorder::health_loop() {
  int64_t last_heartbeat = 0, last_retention = 0;
  while (!stopping_) {
    try {
      std::set<int64_t> changed;
      {
        std::lock_guard lock(health_mu_);
        changed.swap(pending_sync_);
      }
      for (int64_t id : changed) sync(id);
      check_health();
      int64_t now = clock_.now_ms();
      scrub();
      if (now - last_heartbeat >= 10'000) {
        index_->heartbeat();
        last_heartbeat = now;
      }
      if (now - last_retention >= opt_.retention_interval_ms) {
        last_retention = now;
        bool was_full = retention_->held_full();
        auto r = retention_->run();
        if (r.held_full && !was_full) {
          alerts_.raise(recorder_alert(db_, "video.disk_held_full", dir_subject(),
                                       "Ổ lưu video chỉ còn dữ liệu đang giữ làm chứng cứ: đã dừng ghi hình",
                                       "The video disk holds only evidence under hold: recording stopped",
                                       {"admin", "camera_admin", "duty_officer", "shift_leader"},
                                       {{"held_bytes", r.held_bytes}, {"free_bytes", r.disk.free}}));
        } else if (!r.held_full && was_full) {
          alerts_.resolve("video.disk_held_full", dir_subject());
        }
        if (r.held_warning) {  // raised once while it lasts (Alerts::raise keeps one open per subject)
          auto a = recorder_alert(
              db_, "video.disk_held_warning", dir_subject(),
              fmt::format("Dữ liệu đang giữ làm chứng cứ đã chiếm {:.0f} % ổ lưu video: cần hủy lưu giữ dữ liệu không còn cần hoặc mở rộng ổ lưu",
                          100.0 * double(r.held_bytes) / double(r.disk.total)),
              fmt::format("Held evidence fills {:.0f} % of the video disk: cancel the holds no longer needed or add space",
                          100.0 * double(r.held_bytes) / double(r.disk.total)),
              {"admin", "camera_admin"}, {{"held_bytes", r.held_bytes}, {"total_bytes", r.disk.total}});
          a.severity = "warning";
          alerts_.raise(std::move(a));
        } else {
          alerts_.resolve("video.disk_held_warning", dir_subject());
        }
      }
    } catch (const std::exception& e) {
      core::log_error(std::string("video health: ") + e.what());
    }
    std::unique_lock lock(health_mu_);
    health_cv_.wait_for(lock, std::chrono::milliseconds(opt_.health_interval_ms),
                        [&] { return stopping_.load() || !pending_sync_.empty(); });
  }
}

}  // namespace watchfloor::video
