// watchfloor-camsim: an RTSP server that simulates N H.264 or H.265 IP cameras for development and tests.
//
// The video is encoded once per distinct clip (clip.cpp) and cached; serving only loops the stored
// access units through appsrc ! rtph264pay (or rtph265pay) with fresh timestamps, paced in real time by
// the RTSP server's sinks, so many 1080p cameras cost little CPU. See tools/camsim/README.md.
#include "clip.h"

#include <CLI/CLI.hpp>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <glib-unix.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace camsim {
namespace {

// ---------------------------------------------------------------------------------------------
// Options

struct Outage {
  int camera = 0;
  double at = 0;   // seconds after "ready"
  double dur = 0;  // seconds
};

struct Options {
  int cameras = 4;
  int port = 8554;
  std::string bind = "127.0.0.1";
  std::string resolution = "720p";
  int bitrate = 2000;
  int fps = 25;
  int gop = 0;  // 0: 2 * fps
  int clip_seconds = 10;
  bool sub = false;
  int distinct = 0;  // 0: min(cameras, 16)
  std::string cache;
  std::string user;
  std::string password;
  std::vector<std::string> outage_specs;
  std::vector<Outage> outages;
  bool control = false;
  std::string preset = "veryfast";
  std::string codec = "h264";
  int bframes = 0;
  int jobs = 0;  // 0: automatic
};

constexpr int kSubWidth = 640, kSubHeight = 360, kSubBitrate = 400;

bool parse_outage(const std::string& spec, int cameras, Outage& out, std::string& err) {
  const auto c1 = spec.find(':');
  const auto c2 = c1 == std::string::npos ? std::string::npos : spec.find(':', c1 + 1);
  if (c2 == std::string::npos) {
    err = "--outage " + spec + ": expected CAM:AT:FOR";
    return false;
  }
  try {
    std::size_t used = 0;
    const std::string cam = spec.substr(0, c1), at = spec.substr(c1 + 1, c2 - c1 - 1), dur = spec.substr(c2 + 1);
    out.camera = std::stoi(cam, &used);
    if (used != cam.size()) throw std::invalid_argument("cam");
    out.at = std::stod(at, &used);
    if (used != at.size()) throw std::invalid_argument("at");
    out.dur = std::stod(dur, &used);
    if (used != dur.size()) throw std::invalid_argument("for");
  } catch (const std::exception&) {
    err = "--outage " + spec + ": expected CAM:AT:FOR with CAM an integer and AT, FOR seconds";
    return false;
  }
  if (out.camera < 1 || out.camera > cameras) {
    err = "--outage " + spec + ": camera must be between 1 and " + std::to_string(cameras);
    return false;
  }
  if (!(out.at >= 0) || !(out.dur > 0) || out.at > 1e6 || out.dur > 1e6) {
    err = "--outage " + spec + ": AT must be >= 0 and FOR > 0 seconds";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Output: stdout carries only the machine-readable lines (cameras, ready, transitions, replies).

void say(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::mutex g_log_mutex;
void note(const std::string& line) {
  std::lock_guard lock(g_log_mutex);
  std::fprintf(stderr, "camsim: %s\n", line.c_str());
  std::fflush(stderr);
}

// ---------------------------------------------------------------------------------------------
// Cameras

GQuark camera_quark() {
  static const GQuark q = g_quark_from_static_string("watchfloor-camsim-camera");
  return q;
}

struct WeakRefDeleter {
  void operator()(GWeakRef* r) const {
    g_weak_ref_clear(r);
    delete r;
  }
};
using WeakRef = std::unique_ptr<GWeakRef, WeakRefDeleter>;

struct Camera {
  int index = 0;
  std::shared_ptr<const Clip> main_clip;
  std::shared_ptr<const Clip> sub_clip;  // null without --sub
  bool running = false;                  // main thread only
  std::atomic<bool> accepting{false};    // read by media-configure on the server's client threads
  std::atomic<int> every{1};             // 'slow K N': only every Nth frame is sent (a degraded camera)

  std::mutex mutex;
  std::vector<WeakRef> medias;  // every media constructed for this camera (guarded by mutex)

  void remember(GstRTSPMedia* media) {
    std::lock_guard lock(mutex);
    std::erase_if(medias, [](const WeakRef& r) {
      GObject* o = static_cast<GObject*>(g_weak_ref_get(r.get()));
      if (o) g_object_unref(o);
      return o == nullptr;
    });
    WeakRef r(new GWeakRef);
    g_weak_ref_init(r.get(), media);
    medias.push_back(std::move(r));
  }

  /// Strong references to the medias that still exist; the caller unrefs them.
  std::vector<GstRTSPMedia*> take_medias() {
    std::lock_guard lock(mutex);
    std::vector<GstRTSPMedia*> out;
    for (const auto& r : medias) {
      if (auto* m = static_cast<GstRTSPMedia*>(g_weak_ref_get(r.get()))) out.push_back(m);
    }
    medias.clear();
    return out;
  }
};

/// State of one appsrc: which clip it loops and how far it got.
struct Feeder {
  std::shared_ptr<const Clip> clip;
  const std::atomic<int>* every = nullptr;  // the camera's frame step
  guint64 frame = 0;  // frames of the clock so far; timestamps are frame * 1/fps, forever increasing
};

void feeder_need_data(GstAppSrc* src, guint, gpointer user_data) {
  auto* f = static_cast<Feeder*>(user_data);
  const Clip& clip = *f->clip;
  const auto fps = static_cast<guint64>(clip.params().fps);
  const auto index = static_cast<std::size_t>(f->frame % clip.units().size());
  GstBuffer* buf = clip.buffer_for(index);
  const GstClockTime pts = gst_util_uint64_scale(f->frame, GST_SECOND, fps);
  // With B-frames the frame is shown at its presentation index, trailing decode by the clip's reorder
  // delay so that nothing is shown before it is decoded; the RTP timestamp is this PTS.
  const auto shown = static_cast<guint64>(static_cast<std::int64_t>(f->frame) + clip.units()[index].pts_offset +
                                          clip.reorder_delay());
  GST_BUFFER_PTS(buf) = gst_util_uint64_scale(shown, GST_SECOND, fps);
  GST_BUFFER_DTS(buf) = pts;
  const auto step = static_cast<guint64>(std::max(1, f->every ? f->every->load() : 1));
  GST_BUFFER_DURATION(buf) = gst_util_uint64_scale(f->frame + step, GST_SECOND, fps) - pts;
  if (f->frame == 0) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DISCONT);
  f->frame += step;
  gst_app_src_push_buffer(src, buf);  // takes ownership
}

void feeder_free(gpointer user_data) { delete static_cast<Feeder*>(user_data); }

/// user_data of a media factory's "media-configure" handler.
struct FactoryContext {
  Camera* camera;
  std::shared_ptr<const Clip> clip;
};

void on_media_configure(GstRTSPMediaFactory*, GstRTSPMedia* media, gpointer user_data) {
  auto* ctx = static_cast<FactoryContext*>(user_data);
  g_object_set_qdata(G_OBJECT(media), camera_quark(), GINT_TO_POINTER(ctx->camera->index));
  ctx->camera->remember(media);

  GstElement* bin = gst_rtsp_media_get_element(media);
  GstElement* src = gst_bin_get_by_name_recurse_up(GST_BIN(bin), "src");
  gst_object_unref(bin);
  if (!src) return;
  const ClipParams& p = ctx->clip->params();
  GstCaps* caps = gst_caps_new_simple(p.codec == "h265" ? "video/x-h265" : "video/x-h264", "stream-format", G_TYPE_STRING, "byte-stream", "alignment",
                                      G_TYPE_STRING, "au", "width", G_TYPE_INT, p.width, "height", G_TYPE_INT,
                                      p.height, "framerate", GST_TYPE_FRACTION, p.fps, 1, nullptr);
  g_object_set(src, "caps", caps, "format", GST_FORMAT_TIME, "is-live", TRUE, "do-timestamp", FALSE, nullptr);
  gst_caps_unref(caps);
  if (ctx->camera->accepting.load()) {
    GstAppSrcCallbacks callbacks{};
    callbacks.need_data = feeder_need_data;
    gst_app_src_set_callbacks(GST_APP_SRC(src), &callbacks, new Feeder{ctx->clip, &ctx->camera->every, 0}, feeder_free);
  } else {
    // The camera was stopped while this request was on its way: behave like a dead camera.
    gst_app_src_end_of_stream(GST_APP_SRC(src));
  }
  gst_object_unref(src);
}

void factory_context_free(gpointer data, GClosure*) { delete static_cast<FactoryContext*>(data); }

// ---------------------------------------------------------------------------------------------
// The server

constexpr const char* kRole = "camsim";
// No h264parse and no config-interval: the stored access units are already complete (AUD, SPS and PPS
// before every IDR), so the payloader only has to packetise them. With config-interval=-1 rtph264pay
// sends its own copy of SPS/PPS as a separate marked packet, which ffmpeg takes for an extra frame with
// a duplicate timestamp ("non monotonically increasing dts" at every keyframe).
constexpr const char* kLaunch = "( appsrc name=src is-live=true format=time ! rtph264pay name=pay0 pt=96 )";
// H.265 likewise (VPS, SPS and PPS before every IRAP); rtph265pay puts them in the SDP's sprop-vps/sps/pps.
constexpr const char* kLaunchH265 = "( appsrc name=src is-live=true format=time ! rtph265pay name=pay0 pt=96 )";

struct App {
  Options opt;
  GMainLoop* loop = nullptr;
  GstRTSPServer* server = nullptr;
  GstRTSPMountPoints* mounts = nullptr;
  bool auth = false;
  bool shutting_down = false;  // main thread only
  std::string url_base;  // rtsp://host:port
  std::vector<std::unique_ptr<Camera>> cameras;
  std::vector<guint> sources;  // main-loop sources to remove at exit

  static std::string main_path(int i) { return "/cam" + std::to_string(i) + "/main"; }
  static std::string sub_path(int i) { return "/cam" + std::to_string(i) + "/sub"; }

  void mount(Camera& cam, const std::string& path, const std::shared_ptr<const Clip>& clip) {
    GstRTSPMediaFactory* factory = gst_rtsp_media_factory_new();
    gst_rtsp_media_factory_set_launch(factory, clip->params().codec == "h265" ? kLaunchH265 : kLaunch);
    gst_rtsp_media_factory_set_shared(factory, TRUE);
    if (auth) {
      gst_rtsp_media_factory_add_role(factory, kRole, GST_RTSP_PERM_MEDIA_FACTORY_ACCESS, G_TYPE_BOOLEAN, TRUE,
                                      GST_RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, G_TYPE_BOOLEAN, TRUE, nullptr);
    }
    g_signal_connect_data(factory, "media-configure", G_CALLBACK(on_media_configure),
                          new FactoryContext{&cam, clip}, factory_context_free, static_cast<GConnectFlags>(0));
    gst_rtsp_mount_points_add_factory(mounts, path.c_str(), factory);  // takes ownership
  }

  void start_camera(Camera& cam, bool announce) {
    cam.running = true;
    cam.accepting = true;
    mount(cam, main_path(cam.index), cam.main_clip);
    if (cam.sub_clip) mount(cam, sub_path(cam.index), cam.sub_clip);
    if (announce) say("camsim: cam" + std::to_string(cam.index) + " started");
  }

  struct Probe {
    int camera;
    bool found;
  };

  static GstRTSPFilterResult sessmedia_probe(GstRTSPSession*, GstRTSPSessionMedia* sm, gpointer data) {
    auto* probe = static_cast<Probe*>(data);
    GstRTSPMedia* media = gst_rtsp_session_media_get_media(sm);
    if (media && GPOINTER_TO_INT(g_object_get_qdata(G_OBJECT(media), camera_quark())) == probe->camera) {
      probe->found = true;
    }
    return GST_RTSP_FILTER_KEEP;
  }

  static bool session_uses(GstRTSPSession* session, int camera) {
    Probe probe{camera, false};
    g_list_free_full(gst_rtsp_session_filter(session, sessmedia_probe, &probe), g_object_unref);
    return probe.found;
  }

  static GstRTSPFilterResult client_session_probe(GstRTSPClient*, GstRTSPSession* session, gpointer data) {
    auto* probe = static_cast<Probe*>(data);
    if (session_uses(session, probe->camera)) probe->found = true;
    return GST_RTSP_FILTER_KEEP;
  }

  /// Closes the RTSP connection of every client that plays this camera.
  static GstRTSPFilterResult close_client(GstRTSPServer*, GstRTSPClient* client, gpointer data) {
    Probe probe{*static_cast<int*>(data), false};
    g_list_free_full(gst_rtsp_client_session_filter(client, client_session_probe, &probe), g_object_unref);
    return probe.found ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
  }

  /// Drops the sessions of this camera (also UDP sessions whose RTSP connection is already gone).
  static GstRTSPFilterResult remove_session(GstRTSPSessionPool*, GstRTSPSession* session, gpointer data) {
    return session_uses(session, *static_cast<int*>(data)) ? GST_RTSP_FILTER_REMOVE : GST_RTSP_FILTER_KEEP;
  }

  void stop_camera(Camera& cam, bool announce) {
    cam.running = false;
    cam.accepting = false;
    // New DESCRIBEs get 404 from here on.
    gst_rtsp_mount_points_remove_factory(mounts, main_path(cam.index).c_str());
    if (cam.sub_clip) gst_rtsp_mount_points_remove_factory(mounts, sub_path(cam.index).c_str());
    int index = cam.index;
    g_list_free_full(gst_rtsp_server_client_filter(server, close_client, &index), g_object_unref);
    GstRTSPSessionPool* pool = gst_rtsp_server_get_session_pool(server);
    g_list_free_full(gst_rtsp_session_pool_filter(pool, remove_session, &index), g_object_unref);
    g_object_unref(pool);
    // Whatever is left (e.g. a media prepared by a DESCRIBE that was never followed by SETUP).
    for (GstRTSPMedia* media : cam.take_medias()) {
      gst_rtsp_media_unprepare(media);
      g_object_unref(media);
    }
    if (announce) say("camsim: cam" + std::to_string(cam.index) + " stopped");
  }

  /// Handles one control line; returns the reply.
  std::string command(const std::string& line) {
    std::istringstream in(line);
    std::string verb, extra;
    long k = 0;
    in >> verb;
    if (verb.empty()) return "error empty command";
    if (verb == "quit") {
      g_main_loop_quit(loop);
      return "ok";
    }
    if (verb != "stop" && verb != "start" && verb != "slow") return "error unknown command " + verb;
    long every = 1;
    if (verb == "slow") {
      if (!(in >> k >> every) || (in >> extra) || every < 1 || every > 100) return "error usage: slow K N (1..100)";
    } else if (!(in >> k) || (in >> extra)) {
      return "error usage: " + verb + " K";
    }
    if (k < 1 || k > static_cast<long>(cameras.size())) {
      return "error no camera " + std::to_string(k) + " (1.." + std::to_string(cameras.size()) + ")";
    }
    Camera& cam = *cameras[static_cast<std::size_t>(k - 1)];
    if (verb == "slow") {
      cam.every = static_cast<int>(every);
      return "ok";
    }
    if (verb == "stop") {
      if (!cam.running) return "error cam" + std::to_string(k) + " already stopped";
      stop_camera(cam, true);
    } else {
      if (cam.running) return "error cam" + std::to_string(k) + " already running";
      start_camera(cam, true);
    }
    return "ok";
  }
};

struct OutageTimer {
  App* app;
  Outage outage;
};

gboolean outage_end(gpointer data) {
  auto* t = static_cast<OutageTimer*>(data);
  Camera& cam = *t->app->cameras[static_cast<std::size_t>(t->outage.camera - 1)];
  if (!cam.running) t->app->start_camera(cam, true);
  return G_SOURCE_REMOVE;
}

gboolean outage_begin(gpointer data) {
  auto* t = static_cast<OutageTimer*>(data);
  Camera& cam = *t->app->cameras[static_cast<std::size_t>(t->outage.camera - 1)];
  if (cam.running) t->app->stop_camera(cam, true);
  auto* end = new OutageTimer(*t);
  t->app->sources.push_back(g_timeout_add_full(G_PRIORITY_DEFAULT, static_cast<guint>(std::lround(t->outage.dur * 1000)),
                                               outage_end, end, [](gpointer p) { delete static_cast<OutageTimer*>(p); }));
  return G_SOURCE_REMOVE;
}

gboolean on_signal(gpointer data) {
  g_main_loop_quit(static_cast<App*>(data)->loop);
  return G_SOURCE_CONTINUE;
}

gboolean cleanup_sessions(gpointer data) {
  GstRTSPSessionPool* pool = gst_rtsp_server_get_session_pool(static_cast<App*>(data)->server);
  gst_rtsp_session_pool_cleanup(pool);
  g_object_unref(pool);
  return G_SOURCE_CONTINUE;
}

struct ControlLine {
  App* app;
  std::string line;
};

gboolean run_control_line(gpointer data) {
  auto* c = static_cast<ControlLine*>(data);
  std::string line = c->line;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!c->app->shutting_down) say(c->app->command(line));
  delete c;
  return G_SOURCE_REMOVE;
}

/// Reads control commands from stdin on its own thread (plain read(2): no stdio lock is held while it
/// blocks) and runs each on the main loop. End of input just ends the reader; the server keeps going.
void control_reader(App* app) {
  std::string pending;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      g_idle_add(run_control_line, new ControlLine{app, pending.substr(0, nl)});
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) g_idle_add(run_control_line, new ControlLine{app, pending});
}

// ---------------------------------------------------------------------------------------------
// Clips

bool prepare_clips(App& app) {
  const Options& o = app.opt;
  int width = 1280, height = 720;
  if (o.resolution == "1080p") width = 1920, height = 1080;
  if (o.resolution == "360p") width = 640, height = 360;
  const int gop = o.gop > 0 ? o.gop : 2 * o.fps;
  int frames = o.clip_seconds * o.fps;
  if (frames % gop != 0) {
    frames = (frames / gop + 1) * gop;
    note("clip length rounded up to " + std::to_string(frames) + " frames (a whole number of " +
         std::to_string(gop) + "-frame GOPs)");
  }

  std::vector<ClipParams> jobs;
  for (int k = 1; k <= o.distinct; ++k) {
    ClipParams p;
    p.index = k;
    p.width = width;
    p.height = height;
    p.fps = o.fps;
    p.bitrate_kbps = o.bitrate;
    p.gop = gop;
    p.frames = frames;
    p.preset = o.preset;
    p.codec = o.codec;
    p.bframes = o.bframes;
    jobs.push_back(p);
    if (o.sub) {
      p.width = kSubWidth;
      p.height = kSubHeight;
      p.bitrate_kbps = kSubBitrate;
      jobs.push_back(p);
    }
  }

  std::vector<ClipResult> results(jobs.size());
  std::atomic<std::size_t> next{0};
  std::atomic<int> encoded{0};
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (std::size_t i; (i = next++) < jobs.size();) {
      results[i] = load_or_encode(jobs[i], o.cache);
      if (!results[i].warning.empty()) note(results[i].warning);
      if (results[i].clip && !results[i].from_cache) {
        ++encoded;
        char text[64];
        std::snprintf(text, sizeof text, " in %.1f s", results[i].encode_seconds);
        note("encoded " + jobs[i].describe() + text);
      }
    }
  };
  // One job already keeps more than one core busy (x264 slice threads + the source/overlay thread), but
  // a second job fills the gaps; startup is the only time camsim is CPU-bound.
  int threads = o.jobs > 0 ? o.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  threads = std::min<int>(threads, static_cast<int>(jobs.size()));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  bool ok = true;
  for (const auto& r : results) {
    if (!r.clip) {
      note("error: " + r.error);
      ok = false;
    }
  }
  if (!ok) return false;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char text[160];
  std::snprintf(text, sizeof text, "%zu clips ready (%d encoded, %zu from cache %s) in %.1f s", results.size(),
                encoded.load(), results.size() - static_cast<std::size_t>(encoded.load()), o.cache.c_str(), secs);
  note(text);

  for (int i = 1; i <= o.cameras; ++i) {
    auto cam = std::make_unique<Camera>();
    cam->index = i;
    const std::size_t k = static_cast<std::size_t>((i - 1) % o.distinct);
    if (o.sub) {
      cam->main_clip = results[2 * k].clip;
      cam->sub_clip = results[2 * k + 1].clip;
    } else {
      cam->main_clip = results[k].clip;
    }
    app.cameras.push_back(std::move(cam));
  }
  return true;
}

int run(int argc, char** argv) {
  App app;
  Options& o = app.opt;
  CLI::App cli{"watchfloor-camsim: simulated H.264/H.265 RTSP cameras from pre-encoded, cached clips"};
  cli.add_option("--cameras", o.cameras, "number of cameras")->check(CLI::Range(1, 256))->capture_default_str();
  cli.add_option("--port", o.port, "RTSP port (0: pick a free one)")->check(CLI::Range(0, 65535))->capture_default_str();
  cli.add_option("--bind", o.bind, "address to listen on")->capture_default_str();
  cli.add_option("--resolution", o.resolution, "main stream size")
      ->check(CLI::IsMember({"1080p", "720p", "360p"}))
      ->capture_default_str();
  cli.add_option("--bitrate", o.bitrate, "main stream bitrate in kbit/s (CBR)")
      ->check(CLI::Range(50, 100000))
      ->capture_default_str();
  cli.add_option("--fps", o.fps, "frames per second")->check(CLI::Range(1, 120))->capture_default_str();
  cli.add_option("--gop", o.gop, "frames per GOP (default 2 * fps)")->check(CLI::Range(1, 1000));
  cli.add_option("--clip-seconds", o.clip_seconds, "loop length in seconds (rounded up to whole GOPs)")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  cli.add_flag("--sub", o.sub, "also serve /cam<i>/sub at 360p, 400 kbit/s");
  cli.add_option("--distinct", o.distinct, "number of distinct clips; camera i plays clip (i-1) % K + 1 "
                                           "(default min(cameras, 16))")
      ->check(CLI::Range(1, 256));
  cli.add_option("--cache", o.cache, "clip cache directory (default ${XDG_CACHE_HOME:-~/.cache}/watchfloor-camsim)");
  cli.add_option("--user", o.user, "require RTSP Basic authentication with this user");
  cli.add_option("--password", o.password, "password for --user");
  cli.add_option("--outage", o.outage_specs, "CAM:AT:FOR — camera CAM goes away AT s after ready, for FOR s "
                                             "(repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.add_flag("--control", o.control, "read 'stop K', 'start K', 'slow K N' (every Nth frame only; N=1 restores), 'quit' on stdin; reply 'ok' or 'error ...'");
  cli.add_option("--preset", o.preset, "x264 speed preset used for the clips")
      ->check(CLI::IsMember({"ultrafast", "superfast", "veryfast"}))
      ->capture_default_str();
  cli.add_option("--codec", o.codec, "codec of the main and sub streams (x264 or x265)")
      ->check(CLI::IsMember({"h264", "h265"}))
      ->capture_default_str();
  cli.add_option("--bframes", o.bframes, "B-frames between reference frames (decode order then differs from "
                                         "presentation order, as with many cameras' 'smart' codecs)")
      ->check(CLI::Range(0, 8))
      ->capture_default_str();
  cli.add_option("--jobs", o.jobs, "clips encoded in parallel on the first start (default: number of cores)")->check(CLI::Range(1, 64));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;  // --help: 0; any bad option: 2
  }

  if (o.distinct == 0) o.distinct = std::min(o.cameras, 16);
  o.distinct = std::min(o.distinct, o.cameras);
  if (o.user.empty() != o.password.empty()) {
    std::fprintf(stderr, "camsim: --user and --password go together\n");
    return 2;
  }
  for (const auto& spec : o.outage_specs) {
    Outage out;
    std::string err;
    if (!parse_outage(spec, o.cameras, out, err)) {
      std::fprintf(stderr, "camsim: %s\n", err.c_str());
      return 2;
    }
    o.outages.push_back(out);
  }
  if (o.cache.empty()) o.cache = std::string(g_get_user_cache_dir()) + "/watchfloor-camsim";

  gst_init(nullptr, nullptr);
  if (!prepare_clips(app)) return 1;

  app.loop = g_main_loop_new(nullptr, FALSE);
  app.server = gst_rtsp_server_new();
  gst_rtsp_server_set_address(app.server, o.bind.c_str());
  gst_rtsp_server_set_service(app.server, std::to_string(o.port).c_str());
  app.mounts = gst_rtsp_server_get_mount_points(app.server);
  if (!o.user.empty()) {
    GstRTSPAuth* auth = gst_rtsp_auth_new();
    GstRTSPToken* token = gst_rtsp_token_new(GST_RTSP_TOKEN_MEDIA_FACTORY_ROLE, G_TYPE_STRING, kRole, nullptr);
    gchar* basic = gst_rtsp_auth_make_basic(o.user.c_str(), o.password.c_str());
    gst_rtsp_auth_add_basic(auth, basic, token);
    g_free(basic);
    gst_rtsp_token_unref(token);
    gst_rtsp_server_set_auth(app.server, auth);
    g_object_unref(auth);
    app.auth = true;
  }
  for (auto& cam : app.cameras) app.start_camera(*cam, false);

  GError* err = nullptr;
  GSource* listen = gst_rtsp_server_create_source(app.server, nullptr, &err);
  if (!listen) {
    std::fprintf(stderr, "camsim: cannot listen on %s port %d: %s\n", o.bind.c_str(), o.port,
                 err ? err->message : "unknown error");
    g_clear_error(&err);
    g_object_unref(app.mounts);
    g_object_unref(app.server);
    g_main_loop_unref(app.loop);
    return 1;
  }
  app.sources.push_back(g_source_attach(listen, nullptr));
  g_source_unref(listen);

  const std::string host = o.bind.find(':') != std::string::npos ? "[" + o.bind + "]" : o.bind;
  app.url_base = "rtsp://" + host + ":" + std::to_string(gst_rtsp_server_get_bound_port(app.server));
  for (const auto& cam : app.cameras) {
    std::string line = "camsim: cam" + std::to_string(cam->index) + " " + app.url_base + App::main_path(cam->index);
    if (cam->sub_clip) line += " " + app.url_base + App::sub_path(cam->index);
    say(line);
  }

  app.sources.push_back(g_unix_signal_add(SIGINT, on_signal, &app));
  app.sources.push_back(g_unix_signal_add(SIGTERM, on_signal, &app));
  app.sources.push_back(g_timeout_add_seconds(2, cleanup_sessions, &app));
  for (const auto& out : o.outages) {
    app.sources.push_back(g_timeout_add_full(G_PRIORITY_DEFAULT, static_cast<guint>(std::lround(out.at * 1000)),
                                             outage_begin, new OutageTimer{&app, out},
                                             [](gpointer p) { delete static_cast<OutageTimer*>(p); }));
  }
  if (o.control) std::thread(control_reader, &app).detach();
  say("camsim: ready");

  g_main_loop_run(app.loop);
  app.shutting_down = true;

  // Shut down: drop every client and media, let the server threads finish, then release everything.
  for (auto& cam : app.cameras) {
    if (cam->running) app.stop_camera(*cam, false);
  }
  for (guint id : app.sources) {
    if (GSource* s = g_main_context_find_source_by_id(nullptr, id)) g_source_destroy(s);
  }
  g_timeout_add(200, [](gpointer loop) { g_main_loop_quit(static_cast<GMainLoop*>(loop)); return G_SOURCE_REMOVE; },
                app.loop);
  g_main_loop_run(app.loop);
  gst_rtsp_thread_pool_cleanup();
  g_object_unref(app.mounts);
  g_object_unref(app.server);
  g_main_loop_unref(app.loop);
  app.cameras.clear();
  return 0;
}

}  // namespace
}  // namespace camsim

int main(int argc, char** argv) { return camsim::run(argc, argv); }
