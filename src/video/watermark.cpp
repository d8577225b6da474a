#include "video/watermark.h"

#include <cairo.h>
#include <pango/pangocairo.h>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <memory>
#include <vector>

#include "video/libav.h"

namespace watchfloor::video {
namespace {

using libav::CodecCtx;
using libav::Frame;
using libav::Packet;

constexpr double kBoxOpacity = 0.55, kTextOpacity = 0.92;

struct Layout {
  int font_px = 0, pad = 0, margin = 0;
  Rect box;
};

std::string valid_utf8(const std::string& text) {
  gchar* v = g_utf8_make_valid(text.c_str(), gssize(text.size()));
  std::string out(v);
  g_free(v);
  return out;
}

struct Cairo {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  PangoLayout* layout = nullptr;
  ~Cairo() {
    if (layout) g_object_unref(layout);
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
  }
};

// A pango layout of the text at a size that scales with the picture (about 28 lines to its height).
void make_layout(Cairo& c, const std::string& text, int height, Layout& l) {
  l.font_px = std::max(12, height / 28);
  l.pad = l.font_px / 2;
  l.margin = std::max(8, height / 40);
  c.layout = pango_cairo_create_layout(c.cr);
  PangoFontDescription* font = pango_font_description_from_string("Noto Sans");
  pango_font_description_set_absolute_size(font, l.font_px * PANGO_SCALE);
  pango_layout_set_font_description(c.layout, font);
  pango_font_description_free(font);
  std::string t = valid_utf8(text);
  pango_layout_set_text(c.layout, t.data(), int(t.size()));
}

Layout measure(const std::string& text, int width, int height) {
  Layout l;
  Cairo c;
  c.surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  c.cr = cairo_create(c.surface);
  make_layout(c, text, height, l);
  int tw = 0, th = 0;
  pango_layout_get_pixel_size(c.layout, &tw, &th);
  auto even = [](int v) { return v & ~1; };
  l.box.x = even(l.margin);
  l.box.y = even(l.margin);
  l.box.w = even(std::max(0, std::min(tw + 2 * l.pad + 1, width - l.box.x)));
  l.box.h = even(std::max(0, std::min(th + 2 * l.pad + 1, height - l.box.y)));
  return l;
}

// The watermark rendered once per picture size, as what it adds to each plane: the opacity and the
// premultiplied luma and chroma of every pixel of the box (BT.601, video range).
struct Overlay {
  Rect box;
  std::vector<uint8_t> ya, yp, ca, up, vp;
};

Overlay render(const std::string& text, int width, int height) {
  Overlay o;
  Layout l = measure(text, width, height);
  o.box = l.box;
  if (o.box.w <= 0 || o.box.h <= 0) return o;
  Cairo c;
  c.surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, o.box.w, o.box.h);
  c.cr = cairo_create(c.surface);
  cairo_set_source_rgba(c.cr, 0, 0, 0, kBoxOpacity);
  cairo_paint(c.cr);
  make_layout(c, text, height, l);
  cairo_move_to(c.cr, l.pad, l.pad);
  cairo_set_source_rgba(c.cr, 1, 1, 1, kTextOpacity);
  pango_cairo_show_layout(c.cr, c.layout);
  cairo_surface_flush(c.surface);
  const unsigned char* data = cairo_image_surface_get_data(c.surface);
  int stride = cairo_image_surface_get_stride(c.surface);
  auto px = [&](int x, int y) { return *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x); };
  o.ya.resize(size_t(o.box.w) * o.box.h);
  o.yp.resize(o.ya.size());
  for (int y = 0; y < o.box.h; ++y)
    for (int x = 0; x < o.box.w; ++x) {
      uint32_t p = px(x, y);
      int a = int(p >> 24), r = int(p >> 16 & 255), g = int(p >> 8 & 255), b = int(p & 255);
      o.ya[size_t(y) * o.box.w + x] = uint8_t(a);
      o.yp[size_t(y) * o.box.w + x] = uint8_t(std::clamp((66 * r + 129 * g + 25 * b + 128) / 256 + 16 * a / 255, 0, 255));
    }
  int cw = o.box.w / 2, ch = o.box.h / 2;
  o.ca.resize(size_t(cw) * ch);
  o.up.resize(o.ca.size());
  o.vp.resize(o.ca.size());
  for (int y = 0; y < ch; ++y)
    for (int x = 0; x < cw; ++x) {
      int a = 0, r = 0, g = 0, b = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          uint32_t p = px(2 * x + dx, 2 * y + dy);
          a += int(p >> 24), r += int(p >> 16 & 255), g += int(p >> 8 & 255), b += int(p & 255);
        }
      a /= 4, r /= 4, g /= 4, b /= 4;
      size_t i = size_t(y) * cw + x;
      o.ca[i] = uint8_t(a);
      o.up[i] = uint8_t(std::clamp((-38 * r - 74 * g + 112 * b) / 256 + 128 * a / 255, 0, 255));
      o.vp[i] = uint8_t(std::clamp((112 * r - 94 * g - 18 * b) / 256 + 128 * a / 255, 0, 255));
    }
  return o;
}

void blend_plane(uint8_t* plane, int linesize, int x0, int y0, int w, int h, const std::vector<uint8_t>& alpha,
                 const std::vector<uint8_t>& add) {
  for (int y = 0; y < h; ++y) {
    uint8_t* row = plane + size_t(y0 + y) * linesize + x0;
    const uint8_t* a = alpha.data() + size_t(y) * w;
    const uint8_t* p = add.data() + size_t(y) * w;
    for (int x = 0; x < w; ++x) row[x] = uint8_t(std::min(255, (row[x] * (255 - a[x]) + 127) / 255 + p[x]));
  }
}

// Marks a planar 4:2:0 picture in place.
void blend(AVFrame* f, const Overlay& o) {
  if (o.box.w <= 0 || o.box.h <= 0) return;
  blend_plane(f->data[0], f->linesize[0], o.box.x, o.box.y, o.box.w, o.box.h, o.ya, o.yp);
  blend_plane(f->data[1], f->linesize[1], o.box.x / 2, o.box.y / 2, o.box.w / 2, o.box.h / 2, o.ca, o.up);
  blend_plane(f->data[2], f->linesize[2], o.box.x / 2, o.box.y / 2, o.box.w / 2, o.box.h / 2, o.ca, o.vp);
}

bool is_420(int format) { return format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P; }

// `in` as a new 4:2:0 picture of pixel format `to` (when the decoder gave another layout).
bool convert(const AVFrame* in, AVPixelFormat to, Frame& out) {
  out.f->format = to;
  out.f->width = in->width;
  out.f->height = in->height;
  if (av_frame_get_buffer(out.f, 0) < 0) return false;
  SwsContext* sws = sws_getContext(in->width, in->height, AVPixelFormat(in->format), in->width, in->height, to, SWS_BILINEAR,
                                   nullptr, nullptr, nullptr);
  if (!sws) return false;
  sws_scale(sws, in->data, in->linesize, 0, in->height, out.f->data, out.f->linesize);
  sws_freeContext(sws);
  av_frame_copy_props(out.f, in);
  return true;
}

// libavformat reading from a ByteSource.
struct Reader {
  ByteSource* src;
  uint64_t pos = 0;
  static int read(void* opaque, uint8_t* buf, int n) {
    auto* r = static_cast<Reader*>(opaque);
    uint64_t left = r->src->size() - std::min(r->pos, r->src->size());
    if (left == 0) return AVERROR_EOF;
    size_t k = size_t(std::min<uint64_t>(left, uint64_t(n)));
    if (!r->src->read(r->pos, reinterpret_cast<char*>(buf), k)) return AVERROR(EIO);
    r->pos += k;
    return int(k);
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* r = static_cast<Reader*>(opaque);
    int64_t size = int64_t(r->src->size());
    if (whence & AVSEEK_SIZE) return size;
    whence &= ~AVSEEK_FORCE;
    int64_t to = whence == SEEK_SET ? offset : whence == SEEK_CUR ? int64_t(r->pos) + offset : whence == SEEK_END ? size + offset : -1;
    if (to < 0) return AVERROR(EINVAL);
    r->pos = uint64_t(to);
    return to;
  }
};

struct Input {
  AVIOContext* io = nullptr;
  AVFormatContext* fmt = nullptr;
  ~Input() {
    avformat_close_input(&fmt);
    if (io) av_freep(&io->buffer);
    avio_context_free(&io);
  }
};

struct Output {
  AVFormatContext* fmt = nullptr;
  ~Output() {
    if (fmt && fmt->pb) avio_closep(&fmt->pb);
    avformat_free_context(fmt);
  }
};

}  // namespace

Rect watermark_box(const std::string& text, int width, int height) { return measure(text, width, height).box; }

bool watermark_mp4(ByteSource& src, const std::filesystem::path& out, const std::string& text, const WatermarkOptions& opt,
                   const std::function<void(double)>& progress, std::string& error) {
  av_log_set_level(AV_LOG_QUIET);
  auto fail = [&](std::string why) {
    error = std::move(why);
    return false;
  };
  Reader reader{&src};
  Input in;
  auto* buf = static_cast<unsigned char*>(av_malloc(1 << 16));
  in.io = avio_alloc_context(buf, 1 << 16, 0, &reader, &Reader::read, nullptr, &Reader::seek);
  in.fmt = avformat_alloc_context();
  in.fmt->pb = in.io;
  if (avformat_open_input(&in.fmt, nullptr, nullptr, nullptr) < 0) return fail("the clip is not a readable MP4");
  if (avformat_find_stream_info(in.fmt, nullptr) < 0) return fail("the clip's streams cannot be read");
  const AVCodec* dec = nullptr;
  int vs = av_find_best_stream(in.fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &dec, 0);
  if (vs < 0 || !dec) return fail("the clip has no video stream");
  AVStream* ist = in.fmt->streams[vs];
  CodecCtx d;
  d.c = avcodec_alloc_context3(dec);
  avcodec_parameters_to_context(d.c, ist->codecpar);
  d.c->pkt_timebase = ist->time_base;
  d.c->thread_count = 0;  // as many as the machine has, as ffmpeg does
  if (avcodec_open2(d.c, dec, nullptr) < 0) return fail("cannot open the decoder");

  const AVCodec* enc = avcodec_find_encoder_by_name("libx264");
  if (!enc) return fail("libx264 is missing");
  CodecCtx e;
  e.c = avcodec_alloc_context3(enc);
  e.c->width = ist->codecpar->width;
  e.c->height = ist->codecpar->height;
  e.c->pix_fmt = AV_PIX_FMT_YUV420P;
  e.c->time_base = ist->time_base;
  e.c->thread_count = 0;
  AVRational fps = av_guess_frame_rate(in.fmt, ist, nullptr);
  if (fps.num > 0 && fps.den > 0) {
    e.c->framerate = fps;
    e.c->gop_size = std::max(1, 2 * fps.num / fps.den);  // a keyframe every 2 s: the copy stays seekable
  }
  e.c->sample_aspect_ratio = ist->codecpar->sample_aspect_ratio;
  av_opt_set(e.c->priv_data, "preset", opt.preset.c_str(), 0);
  av_opt_set_int(e.c->priv_data, "crf", opt.crf, 0);
  Output o;
  if (avformat_alloc_output_context2(&o.fmt, nullptr, "mp4", out.c_str()) < 0 || !o.fmt) return fail("cannot create the MP4 muxer");
  if (o.fmt->oformat->flags & AVFMT_GLOBALHEADER) e.c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (avcodec_open2(e.c, enc, nullptr) < 0) return fail("cannot open the H.264 encoder");
  AVStream* ost = avformat_new_stream(o.fmt, nullptr);
  avcodec_parameters_from_context(ost->codecpar, e.c);
  ost->time_base = e.c->time_base;
  if (avio_open(&o.fmt->pb, out.c_str(), AVIO_FLAG_WRITE) < 0) return fail("cannot create " + out.string());
  if (avformat_write_header(o.fmt, nullptr) < 0) return fail("cannot write the MP4 header");

  const int64_t total = std::max<int64_t>(1, ist->nb_frames);
  int64_t done = 0, last_pts = INT64_MIN;
  std::optional<Overlay> overlay;
  Packet pkt, outp;
  Frame pic;
  bool write_failed = false;
  auto drain_encoder = [&]() {
    while (avcodec_receive_packet(e.c, outp.p) >= 0) {
      // The last sample's duration too (the MP4's stts), else players and counters drop the last frame.
      if (outp.p->duration <= 0 && fps.num > 0) outp.p->duration = av_rescale_q(1, av_inv_q(fps), e.c->time_base);
      av_packet_rescale_ts(outp.p, e.c->time_base, ost->time_base);
      outp.p->stream_index = ost->index;
      if (av_interleaved_write_frame(o.fmt, outp.p) < 0) write_failed = true;
    }
  };
  auto encode = [&](AVFrame* f) {
    if (f && (f->flags & AV_FRAME_FLAG_DISCARD)) return true;  // decoded only to reach the edit's start
    if (f) {
      Frame conv;
      if (!is_420(f->format) || f->width != e.c->width || f->height != e.c->height) {
        if (f->width != e.c->width || f->height != e.c->height) return false;  // a resolution change mid-clip
        if (!convert(f, AV_PIX_FMT_YUV420P, conv)) return false;
        f = conv.f;
      }
      if (!overlay) overlay = render(text, f->width, f->height);
      if (av_frame_make_writable(f) < 0) return false;
      blend(f, *overlay);
      int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
      if (pts == AV_NOPTS_VALUE || pts <= last_pts) pts = last_pts == INT64_MIN ? 0 : last_pts + 1;
      last_pts = pts;
      f->pts = pts;
      f->pict_type = AV_PICTURE_TYPE_NONE;
      if (avcodec_send_frame(e.c, f) < 0) return false;
      if (++done % 25 == 0 && progress) progress(std::min(1.0, double(done) / double(total)));
    } else if (avcodec_send_frame(e.c, nullptr) < 0) {
      return false;
    }
    drain_encoder();
    return !write_failed;
  };
  auto drain_decoder = [&]() {
    int r;
    while ((r = avcodec_receive_frame(d.c, pic.f)) >= 0) {
      bool ok = encode(pic.f);
      av_frame_unref(pic.f);
      if (!ok) return false;
    }
    return r == AVERROR(EAGAIN) || r == AVERROR_EOF;
  };
  while (av_read_frame(in.fmt, pkt.p) >= 0) {
    bool ours = pkt.p->stream_index == vs;
    int sent = ours ? avcodec_send_packet(d.c, pkt.p) : 0;
    av_packet_unref(pkt.p);
    if (sent < 0) return fail("a frame of the clip does not decode");
    if (ours && !drain_decoder()) return fail(write_failed ? "cannot write " + out.string() : "a frame cannot be marked or encoded");
  }
  avcodec_send_packet(d.c, nullptr);
  if (!drain_decoder() || !encode(nullptr)) return fail("cannot finish the clip");
  if (av_write_trailer(o.fmt) < 0 || write_failed) return fail("cannot write " + out.string());
  if (done == 0) return fail("the clip has no frames");
  if (progress) progress(1.0);
  return true;
}

std::optional<std::string> watermark_jpeg(std::string_view jpeg, const std::string& text, std::string& error) {
  av_log_set_level(AV_LOG_QUIET);
  const AVCodec* dec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  if (!dec) {
    error = "codec missing";
    return std::nullopt;
  }
  CodecCtx d;
  d.c = avcodec_alloc_context3(dec);
  if (avcodec_open2(d.c, dec, nullptr) < 0) {
    error = "cannot open the JPEG decoder";
    return std::nullopt;
  }
  Packet pkt;
  if (av_new_packet(pkt.p, int(jpeg.size())) < 0) return std::nullopt;
  std::copy(jpeg.begin(), jpeg.end(), pkt.p->data);
  Frame pic;
  if (avcodec_send_packet(d.c, pkt.p) < 0 || (avcodec_send_packet(d.c, nullptr), avcodec_receive_frame(d.c, pic.f) < 0)) {
    error = "the picture does not decode";
    return std::nullopt;
  }
  Frame conv;
  AVFrame* f = pic.f;
  if (!is_420(f->format)) {
    if (!convert(f, AV_PIX_FMT_YUVJ420P, conv)) return std::nullopt;
    f = conv.f;
  }
  if (av_frame_make_writable(f) < 0) return std::nullopt;
  blend(f, render(text, f->width, f->height));
  return libav::encode_jpeg(f, error);
}

}  // namespace watchfloor::video
