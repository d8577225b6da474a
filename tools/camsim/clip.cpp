// watchfloor-camsim: encoding of the test clips and their on-disk cache.
//
// A clip is a videotestsrc pattern with a moving ball and a burnt-in caption ("CLIP <k>" plus the time
// and frame number inside the loop), encoded once by x264 at a fixed GOP with scene-cut detection off,
// so that every GOP starts with an IDR and the clip can be looped forever without re-encoding.
// The caption and ball are drawn with pango/cairo through the overlaycomposition element (which is in
// gst-plugins-base) rather than textoverlay/timeoverlay, which Debian ships in the separate
// gstreamer1.0-x package.
//
// Cache file layout (all integers little-endian u32):
//   "WFCAMSIM" | format version | index width height fps bitrate gop frames codec+bframes |
//   frames × ( flags | size | size bytes of one Annex-B access unit )
// flags: bit 0 = keyframe, bits 16–31 = presentation index − decode index (signed 16-bit; B-frames).
// codec+bframes: bit 0 = H.265, bits 8–15 = B-frames. Entries written before B-frames and H.265 have
// zeros there, which read as what they are (H.264 without B-frames).
#include "clip.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <sys/stat.h>
#include <unistd.h>

namespace camsim {
namespace {

constexpr char kMagic[8] = {'W', 'F', 'C', 'A', 'M', 'S', 'I', 'M'};
constexpr std::uint32_t kFormatVersion = 1;
// Bump when the look of the clips (pattern choice, overlay, encoder options) changes, so that old
// cache entries are not reused. It is part of the cache file name.
constexpr int kContentVersion = 1;
constexpr std::size_t kHeaderWords = 9;  // version + 8 parameters
constexpr std::size_t kHeaderBytes = sizeof(kMagic) + kHeaderWords * 4;

// ---------------------------------------------------------------------------------------------
// Look of a clip

struct Rgb {
  double r, g, b;
};

Rgb hsv(double h, double s, double v) {
  h = std::fmod(h, 1.0) * 6.0;
  const int i = static_cast<int>(h) % 6;
  const double f = h - std::floor(h);
  const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  switch (i) {
    case 0: return {v, t, p};
    case 1: return {q, v, p};
    case 2: return {p, v, t};
    case 3: return {p, q, v};
    case 4: return {t, p, v};
    default: return {v, p, q};
  }
}

guint argb(const Rgb& c) {
  auto byte = [](double x) { return static_cast<guint>(std::clamp(x, 0.0, 1.0) * 255.0 + 0.5); };
  return 0xff000000u | (byte(c.r) << 16) | (byte(c.g) << 8) | byte(c.b);
}

// Background patterns that compress sensibly (no snow, no zone plates, no blinking).
constexpr std::array<const char*, 12> kPatterns = {
    "smpte",    "circular", "gamut",      "pinwheel",    "spokes",      "gradient",
    "colors",   "smpte75",  "bar",        "checkers-8",  "solid-color", "smpte-rp-219",
};

struct Look {
  const char* pattern;
  guint foreground;  // ARGB, used by solid-color, bar, pinwheel, spokes, gradient
  guint background;
  Rgb ball;
  int cycles_x, cycles_y;  // whole Lissajous cycles per loop: the path closes, the loop is seamless
  double phase;
  int ball_diameter;
};

Look look_for(const ClipParams& p) {
  const int k = p.index - 1;
  const double hue = std::fmod(0.13 + k * 0.618033988749895, 1.0);
  const double seconds = static_cast<double>(p.frames) / p.fps;
  const int slow = std::max(1, static_cast<int>(std::lround(seconds / 10.0)));
  Look look{};
  look.pattern = kPatterns[static_cast<std::size_t>(k) % kPatterns.size()];
  look.foreground = argb(hsv(hue, 0.55, 0.85));
  look.background = argb(hsv(hue + 0.5, 0.6, 0.25));
  look.ball = hsv(hue + 0.25, 0.9, 1.0);
  look.cycles_x = (1 + k % 4) * slow;
  look.cycles_y = (1 + (k / 4) % 5) * slow;
  look.phase = 0.7 * k;
  look.ball_diameter = std::max(16, p.height / 7 + (k % 3) * p.height / 30);
  return look;
}

// ---------------------------------------------------------------------------------------------
// Overlay: the ball and the caption, drawn per frame into ARGB rectangles

GstBuffer* argb_buffer(int width, int height, int& stride) {
  stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
  GstBuffer* buf = gst_buffer_new_allocate(nullptr, static_cast<gsize>(stride) * height, nullptr);
  gsize offsets[GST_VIDEO_MAX_PLANES] = {0};
  gint strides[GST_VIDEO_MAX_PLANES] = {stride};
  gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB,
                                 static_cast<guint>(width), static_cast<guint>(height), 1, offsets, strides);
  return buf;
}

class Overlay {
 public:
  Overlay(const ClipParams& p, const Look& look) : p_(p), look_(look) {
    ball_ = argb_buffer(look.ball_diameter, look.ball_diameter, ball_stride_);
    draw_into(ball_, look.ball_diameter, look.ball_diameter, ball_stride_, [&](cairo_t* cr) {
      const double r = look.ball_diameter / 2.0;
      cairo_pattern_t* g = cairo_pattern_create_radial(r * 0.7, r * 0.7, r * 0.1, r, r, r);
      cairo_pattern_add_color_stop_rgb(g, 0, 1, 1, 1);
      cairo_pattern_add_color_stop_rgb(g, 0.35, look.ball.r, look.ball.g, look.ball.b);
      cairo_pattern_add_color_stop_rgb(g, 1, look.ball.r * 0.35, look.ball.g * 0.35, look.ball.b * 0.35);
      cairo_arc(cr, r, r, r - 1, 0, 2 * std::numbers::pi);
      cairo_set_source(cr, g);
      cairo_fill(cr);
      cairo_pattern_destroy(g);
    });

    big_ = pango_font_description_from_string("Sans Bold");
    pango_font_description_set_absolute_size(big_, std::max(12, p.height / 9) * PANGO_SCALE);
    small_ = pango_font_description_from_string("Monospace Bold");
    pango_font_description_set_absolute_size(small_, std::max(8, p.height / 20) * PANGO_SCALE);
    pad_ = std::max(4, p.height / 60);
    margin_ = std::max(4, p.height / 30);

    // Fixed caption box, sized for the widest strings it will ever show.
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t* cr = cairo_create(s);
    int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
    measure(cr, big_, "CLIP 888", w1, h1);
    measure(cr, small_, "88:88.888 #88888", w2, h2);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    line1_h_ = h1;
    box_w_ = std::min(p.width - 2 * margin_, std::max(w1, w2) + 2 * pad_);
    box_h_ = std::min(p.height - 2 * margin_, h1 + h2 + 2 * pad_);
  }
  ~Overlay() {
    gst_buffer_unref(ball_);
    pango_font_description_free(big_);
    pango_font_description_free(small_);
  }
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;

  GstVideoOverlayComposition* draw(GstSample* sample) {
    std::int64_t n = counter_++;
    if (GstBuffer* in = sample ? gst_sample_get_buffer(sample) : nullptr; in && GST_BUFFER_PTS_IS_VALID(in)) {
      n = static_cast<std::int64_t>(gst_util_uint64_scale_round(GST_BUFFER_PTS(in), static_cast<guint64>(p_.fps), GST_SECOND));
    }
    const double t = static_cast<double>(n % p_.frames) / p_.frames;  // position in the loop, 0..1
    const int d = look_.ball_diameter;
    const double span_x = std::max(0, p_.width - d - 2 * margin_);
    const double span_y = std::max(0, p_.height - d - 2 * margin_);
    const double two_pi = 2 * std::numbers::pi;
    const int x = margin_ + static_cast<int>(span_x * (0.5 + 0.5 * std::sin(two_pi * look_.cycles_x * t + look_.phase)));
    const int y = margin_ + static_cast<int>(span_y * (0.5 + 0.5 * std::cos(two_pi * look_.cycles_y * t + look_.phase * 0.5)));
    GstVideoOverlayRectangle* ball = gst_video_overlay_rectangle_new_raw(
        ball_, x, y, static_cast<guint>(d), static_cast<guint>(d), GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstVideoOverlayComposition* comp = gst_video_overlay_composition_new(ball);
    gst_video_overlay_rectangle_unref(ball);

    const std::int64_t frame = n % p_.frames;
    const std::int64_t ms = frame * 1000 / p_.fps;
    char line1[32];
    char line2[48];
    std::snprintf(line1, sizeof line1, "CLIP %d", p_.index);
    std::snprintf(line2, sizeof line2, "%02lld:%02lld.%03lld #%04lld", static_cast<long long>(ms / 60000),
                  static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000),
                  static_cast<long long>(frame));
    int stride = 0;
    GstBuffer* text = argb_buffer(box_w_, box_h_, stride);
    draw_into(text, box_w_, box_h_, stride, [&](cairo_t* cr) {
      cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
      cairo_paint(cr);
      cairo_set_source_rgb(cr, 1, 1, 1);
      show(cr, big_, line1, pad_, pad_);
      cairo_set_source_rgb(cr, 1, 0.9, 0.3);
      show(cr, small_, line2, pad_, pad_ + line1_h_);
    });
    GstVideoOverlayRectangle* caption = gst_video_overlay_rectangle_new_raw(
        text, margin_, margin_, static_cast<guint>(box_w_), static_cast<guint>(box_h_),
        GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    gst_buffer_unref(text);
    gst_video_overlay_composition_add_rectangle(comp, caption);
    gst_video_overlay_rectangle_unref(caption);
    return comp;
  }

 private:
  template <typename F>
  static void draw_into(GstBuffer* buf, int width, int height, int stride, F&& paint) {
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_WRITE)) return;
    std::memset(map.data, 0, map.size);
    cairo_surface_t* s = cairo_image_surface_create_for_data(map.data, CAIRO_FORMAT_ARGB32, width, height, stride);
    cairo_t* cr = cairo_create(s);
    paint(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    gst_buffer_unmap(buf, &map);
  }
  static void measure(cairo_t* cr, const PangoFontDescription* font, const char* text, int& w, int& h) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_text(layout, text, -1);
    pango_layout_get_pixel_size(layout, &w, &h);
    g_object_unref(layout);
  }
  static void show(cairo_t* cr, const PangoFontDescription* font, const char* text, int x, int y) {
    PangoLayout* layout = pango_cairo_create_layout(cr);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
  }

  ClipParams p_;
  Look look_;
  GstBuffer* ball_ = nullptr;
  int ball_stride_ = 0;
  PangoFontDescription* big_ = nullptr;
  PangoFontDescription* small_ = nullptr;
  int pad_ = 0, margin_ = 0, line1_h_ = 0, box_w_ = 0, box_h_ = 0;
  std::int64_t counter_ = 0;
};

GstVideoOverlayComposition* on_draw(GstElement*, GstSample* sample, gpointer user_data) {
  return static_cast<Overlay*>(user_data)->draw(sample);
}

// ---------------------------------------------------------------------------------------------
// Serialisation

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::array<std::uint32_t, 8> header_fields(const ClipParams& p) {
  return {static_cast<std::uint32_t>(p.index),  static_cast<std::uint32_t>(p.width),
          static_cast<std::uint32_t>(p.height), static_cast<std::uint32_t>(p.fps),
          static_cast<std::uint32_t>(p.bitrate_kbps), static_cast<std::uint32_t>(p.gop),
          static_cast<std::uint32_t>(p.frames),
          (p.codec == "h265" ? 1u : 0u) | (static_cast<std::uint32_t>(p.bframes) << 8)};
}

void write_header(std::vector<std::uint8_t>& out, const ClipParams& p) {
  for (char c : kMagic) out.push_back(static_cast<std::uint8_t>(c));
  put_u32(out, kFormatVersion);
  for (std::uint32_t v : header_fields(p)) put_u32(out, v);
}

/// Checks that the access units form a loopable clip: the right count, an IDR exactly at every GOP start.
bool check_units(const ClipParams& p, const std::vector<AccessUnit>& units, std::string& err) {
  if (units.size() != static_cast<std::size_t>(p.frames)) {
    err = "expected " + std::to_string(p.frames) + " frames, got " + std::to_string(units.size());
    return false;
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const bool want_key = i % static_cast<std::size_t>(p.gop) == 0;
    if (units[i].keyframe != want_key) {
      err = "frame " + std::to_string(i) + (want_key ? " should be a keyframe" : " is an unexpected keyframe");
      return false;
    }
    if (units[i].size == 0) {
      err = "frame " + std::to_string(i) + " is empty";
      return false;
    }
  }
  return true;
}

bool parse(const ClipParams& p, const std::uint8_t* data, std::size_t len, std::vector<AccessUnit>& units,
           std::string& err) {
  if (len < kHeaderBytes || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
    err = "not a camsim clip";
    return false;
  }
  if (get_u32(data + sizeof kMagic) != kFormatVersion) {
    err = "unsupported format version";
    return false;
  }
  const auto want = header_fields(p);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (get_u32(data + sizeof kMagic + 4 + 4 * i) != want[i]) {
      err = "header does not match the parameters";
      return false;
    }
  }
  units.clear();
  units.reserve(static_cast<std::size_t>(p.frames));
  std::size_t pos = kHeaderBytes;
  while (pos < len) {
    if (len - pos < 8) {
      err = "truncated record header";
      return false;
    }
    AccessUnit au;
    const std::uint32_t flags = get_u32(data + pos);
    au.keyframe = (flags & 1u) != 0;
    au.pts_offset = static_cast<std::int16_t>(flags >> 16);
    au.size = get_u32(data + pos + 4);
    au.offset = pos + 8;
    if (au.size > len - au.offset) {
      err = "truncated access unit";
      return false;
    }
    pos = au.offset + au.size;
    units.push_back(au);
  }
  return check_units(p, units, err);
}

// ---------------------------------------------------------------------------------------------
// Encoding

bool encode(const ClipParams& p, std::vector<std::uint8_t>& out, std::string& err) {
  const Look look = look_for(p);
  const bool hevc = p.codec == "h265";
  char desc[512];
  std::snprintf(desc, sizeof desc,
                "videotestsrc name=bg num-buffers=%d ! "
                "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1,pixel-aspect-ratio=1/1 ! "
                "overlaycomposition name=ov ! queue max-size-buffers=4 ! %s name=enc ! "
                "%s config-interval=-1 ! video/x-%s,stream-format=byte-stream,alignment=au ! "
                "appsink name=sink sync=false",
                p.frames, p.width, p.height, p.fps, hevc ? "x265enc" : "x264enc", hevc ? "h265parse" : "h264parse",
                hevc ? "h265" : "h264");
  GError* gerr = nullptr;
  GstElement* pipeline = gst_parse_launch(desc, &gerr);
  if (!pipeline) {
    err = std::string("cannot build the encoding pipeline: ") + (gerr ? gerr->message : "unknown error");
    g_clear_error(&gerr);
    return false;
  }
  if (gerr) {  // a "recoverable" parse error still means something is missing; refuse it
    err = std::string("cannot build the encoding pipeline: ") + gerr->message;
    g_clear_error(&gerr);
    gst_object_unref(pipeline);
    return false;
  }

  GstElement* bg = gst_bin_get_by_name(GST_BIN(pipeline), "bg");
  gst_util_set_object_arg(G_OBJECT(bg), "pattern", look.pattern);
  g_object_set(bg, "foreground-color", look.foreground, "background-color", look.background, nullptr);
  gst_object_unref(bg);

  GstElement* enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
  gst_util_set_object_arg(G_OBJECT(enc), "speed-preset", p.preset.c_str());
  // zerolatency turns B-frames off in both encoders; a B-frame clip is encoded offline anyway.
  if (p.bframes == 0) gst_util_set_object_arg(G_OBJECT(enc), "tune", "zerolatency");
  if (hevc) {
    // Regular closed GOPs starting with an IDR (no scene cuts, no open GOP), rate capped by the VBV.
    const std::string opts = "scenecut=0:open-gop=0:bframes=" + std::to_string(p.bframes) +
                             ":vbv-maxrate=" + std::to_string(p.bitrate_kbps) +
                             ":vbv-bufsize=" + std::to_string(p.bitrate_kbps) + ":log-level=error";
    g_object_set(enc, "bitrate", static_cast<guint>(p.bitrate_kbps), "key-int-max", static_cast<gint>(p.gop),
                 "option-string", opts.c_str(), nullptr);
  } else {
    // Regular keyframes (no scene cuts) and real CBR: HRD signalling plus filler data, as many cameras do.
    g_object_set(enc, "bitrate", static_cast<guint>(p.bitrate_kbps), "key-int-max", static_cast<guint>(p.gop),
                 "bframes", static_cast<guint>(p.bframes), "option-string", "scenecut=0:nal-hrd=cbr:filler=1",
                 nullptr);
  }
  gst_object_unref(enc);

  Overlay overlay(p, look);
  GstElement* ov = gst_bin_get_by_name(GST_BIN(pipeline), "ov");
  g_signal_connect(ov, "draw", G_CALLBACK(on_draw), &overlay);
  gst_object_unref(ov);

  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  GstBus* bus = gst_element_get_bus(pipeline);
  std::vector<AccessUnit> units;
  out.clear();
  write_header(out, p);
  bool ok = gst_element_set_state(pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  if (!ok) err = "the encoding pipeline did not start";
  while (ok) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 200 * GST_MSECOND);
    if (sample) {
      GstBuffer* buf = gst_sample_get_buffer(sample);
      GstMapInfo map;
      if (buf && gst_buffer_map(buf, &map, GST_MAP_READ)) {
        AccessUnit au;
        au.keyframe = !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
        au.size = static_cast<std::uint32_t>(map.size);
        // The frame's presentation index from its PTS (the source stamps frame n at n/fps).
        if (GST_BUFFER_PTS_IS_VALID(buf)) {
          const auto shown = static_cast<std::int64_t>(
              gst_util_uint64_scale_round(GST_BUFFER_PTS(buf), static_cast<guint64>(p.fps), GST_SECOND));
          au.pts_offset = static_cast<std::int32_t>(shown - static_cast<std::int64_t>(units.size()));
        }
        put_u32(out, (au.keyframe ? 1u : 0u) | (static_cast<std::uint32_t>(static_cast<std::uint16_t>(au.pts_offset)) << 16));
        put_u32(out, au.size);
        au.offset = out.size();
        out.insert(out.end(), map.data, map.data + map.size);
        units.push_back(au);
        gst_buffer_unmap(buf, &map);
      }
      gst_sample_unref(sample);
      continue;
    }
    if (gst_app_sink_is_eos(GST_APP_SINK(sink))) break;
    if (GstMessage* msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
      GError* e = nullptr;
      gst_message_parse_error(msg, &e, nullptr);
      err = std::string("encoding failed: ") + (e ? e->message : "unknown error");
      g_clear_error(&e);
      gst_message_unref(msg);
      ok = false;
    }
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (ok && !check_units(p, units, err)) {
    err = "encoder output is not loopable: " + err;
    ok = false;
  }
  return ok;
}

bool write_atomically(const std::string& dir, const std::string& name, const std::vector<std::uint8_t>& data,
                      std::string& err) {
  if (g_mkdir_with_parents(dir.c_str(), 0755) != 0) {
    err = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  std::string tmpl = dir + "/." + name + ".XXXXXX";
  std::vector<char> path(tmpl.begin(), tmpl.end());
  path.push_back('\0');
  const int fd = g_mkstemp(path.data());
  if (fd < 0) {
    err = "cannot create a temporary file in " + dir + ": " + std::strerror(errno);
    return false;
  }
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = std::string("cannot write the cache file: ") + std::strerror(errno);
      ::close(fd);
      ::unlink(path.data());
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);  // mkstemp creates 0600; the cache is as readable as any other cache file
  if (::close(fd) != 0 || std::rename(path.data(), (dir + "/" + name).c_str()) != 0) {
    err = std::string("cannot store the cache file: ") + std::strerror(errno);
    ::unlink(path.data());
    return false;
  }
  return true;
}

std::shared_ptr<const Clip> from_mapped_file(const ClipParams& p, const std::string& path, std::string& err) {
  GError* gerr = nullptr;
  GMappedFile* file = g_mapped_file_new(path.c_str(), FALSE, &gerr);
  if (!file) {
    err = gerr ? gerr->message : "cannot map";
    g_clear_error(&gerr);
    return nullptr;
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(g_mapped_file_get_contents(file));
  const std::size_t len = g_mapped_file_get_length(file);
  std::vector<AccessUnit> units;
  if (!data || !parse(p, data, len, units, err)) {
    g_mapped_file_unref(file);
    return nullptr;
  }
  // The memory is read-only (GStreamer copies before any write); it keeps the mapping alive.
  GstMemory* mem = gst_memory_new_wrapped(GST_MEMORY_FLAG_READONLY, const_cast<std::uint8_t*>(data), len, 0, len,
                                          file, reinterpret_cast<GDestroyNotify>(g_mapped_file_unref));
  return std::make_shared<const Clip>(p, mem, std::move(units));
}

std::shared_ptr<const Clip> from_vector(const ClipParams& p, std::vector<std::uint8_t>&& bytes, std::string& err) {
  auto* heap = new std::vector<std::uint8_t>(std::move(bytes));
  std::vector<AccessUnit> units;
  if (!parse(p, heap->data(), heap->size(), units, err)) {
    delete heap;
    return nullptr;
  }
  GstMemory* mem = gst_memory_new_wrapped(GST_MEMORY_FLAG_READONLY, heap->data(), heap->size(), 0, heap->size(),
                                          heap, [](gpointer v) { delete static_cast<std::vector<std::uint8_t>*>(v); });
  return std::make_shared<const Clip>(p, mem, std::move(units));
}

}  // namespace

std::string ClipParams::cache_name() const {
  char name[192];
  // H.264 without B-frames keeps the names it always had, so existing caches stay valid.
  const std::string variant =
      (codec == "h265" ? "-h265" : "") + (bframes > 0 ? "-b" + std::to_string(bframes) : std::string());
  std::snprintf(name, sizeof name, "clip%03d-%dx%d-%dfps-%dkbps-gop%d-%dframes-%s%s-v%d.wfclip", index, width, height,
                fps, bitrate_kbps, gop, frames, preset.c_str(), variant.c_str(), kContentVersion);
  return name;
}

std::string ClipParams::describe() const {
  char text[128];
  std::snprintf(text, sizeof text, "clip %d %s %dx%d %d fps %d kbps gop %d %d frames %d B-frames", index,
                codec.c_str(), width, height, fps, bitrate_kbps, gop, frames, bframes);
  return text;
}

GstBuffer* Clip::buffer_for(std::size_t i) const {
  const AccessUnit& au = units_[i];
  GstBuffer* buf = gst_buffer_new();
  gst_buffer_append_memory(buf, gst_memory_share(memory_, static_cast<gssize>(au.offset), au.size));
  if (!au.keyframe) GST_BUFFER_FLAG_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
  return buf;
}

ClipResult load_or_encode(const ClipParams& params, const std::string& cache_dir) {
  ClipResult result;
  const std::string name = params.cache_name();
  const std::string path = cache_dir + "/" + name;
  std::string err;
  if (g_file_test(path.c_str(), G_FILE_TEST_IS_REGULAR)) {
    if ((result.clip = from_mapped_file(params, path, err))) {
      result.from_cache = true;
      return result;
    }
    result.warning = "ignoring damaged cache entry " + path + " (" + err + ")";
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> bytes;
  if (!encode(params, bytes, err)) {
    result.error = params.describe() + ": " + err;
    return result;
  }
  result.encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (write_atomically(cache_dir, name, bytes, err)) {
    if ((result.clip = from_mapped_file(params, path, err))) return result;
  }
  // Cache not usable: serve from memory this time.
  if (!result.warning.empty()) result.warning += "; ";
  result.warning += "cache not written (" + err + "), keeping " + params.describe() + " in memory";
  result.clip = from_vector(params, std::move(bytes), err);
  if (!result.clip) result.error = params.describe() + ": " + err;
  return result;
}

}  // namespace camsim
